// kimberlite bench: load a server over the network and report what it sustains.
//
//   kimberlite bench --address A --api-key K [--clients 1,16,64] [--seconds 3] [--pipeline N] [--tls ...]
//
// For each client count: that many connections (one thread each) insert rows as fast as the
// server acknowledges them — every acknowledgement is a durable, audited commit (one log record
// per INSERT, fdatasync shared by group commit) — then as many point reads by primary key. Prints
// throughput and p50/p99 latency per phase. The rows go to a fresh table bench_<n> of the key's
// tenant (a writer or admin key is needed). With --pipeline N each connection keeps N requests in
// flight (the protocol's pipelining, over a raw session) instead of one at a time through the
// C++ client, which shows what the server sustains with fewer client threads.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/remote_sql.h"
#include "client/transport.h"
#include "io/clock.h"
#include "io/prng.h"
#include "protocol/frame.h"
#include "protocol/messages.h"

namespace kmb::cli {

namespace {

constexpr std::uint32_t clients_max = 1024;

constexpr std::uint32_t pipeline_depth_max = 1024;
constexpr std::uint64_t bench_io_timeout_ns = 30'000'000'000ULL;

struct BenchArguments {
  RemoteArguments remote;
  std::string clients = "1,16,64";
  double seconds = 3.0;
  std::uint32_t pipeline = 1;
  std::string format = "table";
};

// A raw protocol session that keeps up to `depth` requests in flight (the C++ Client sends one
// request at a time per connection).
class PipelinedSession {
 public:
  static Result<std::unique_ptr<PipelinedSession>> open(const RemoteArguments& remote, io::Clock& clock) {
    KMB_ASSIGN_OR_RETURN(auto host_port, client::parse_address(remote.address));
    KMB_ASSIGN_OR_RETURN(std::string key, resolve_api_key(remote));
    auto session = std::make_unique<PipelinedSession>(clock);
    KMB_ASSIGN_OR_RETURN(session->transport_, client::connect_tcp(host_port.first, host_port.second,
                                                                  tls_options(remote), clock, session->deadline()));
    protocol::Hello hello;
    hello.api_key = key;
    hello.client_name = "kimberlite-bench";
    KMB_TRY(session->send(hello, 0));
    KMB_ASSIGN_OR_RETURN(protocol::Frame frame, session->next_frame());
    KMB_ASSIGN_OR_RETURN(protocol::HelloResponse response, protocol::decode_expected<protocol::HelloResponse>(frame));
    (void)response;
    return session;
  }

  explicit PipelinedSession(io::Clock& clock) : clock_(clock) {}

  // Keeps `depth` requests made by `make(i)` in flight until `deadline_ns`, then waits for the rest.
  Status run(std::uint32_t depth, std::uint64_t deadline_ns,
             const std::function<protocol::Message(std::uint64_t)>& make, std::vector<std::uint64_t>& latencies_us,
             std::uint64_t& errors, std::string& first_error) {
    std::map<std::uint64_t, std::uint64_t> sent_ns;  // request id -> send time
    std::uint64_t next = 0;
    while (true) {
      while (sent_ns.size() < depth && clock_.monotonic_ns() < deadline_ns) {
        const std::uint64_t id = ++next_request_id_;
        sent_ns.emplace(id, clock_.monotonic_ns());
        KMB_TRY(send(make(next++), id));
      }
      if (sent_ns.empty()) return Status::ok_status();
      KMB_ASSIGN_OR_RETURN(protocol::Frame frame, next_frame());
      auto found = sent_ns.find(frame.header.request_id);
      if (found == sent_ns.end()) return internal_error("bench: response to an unknown request");
      latencies_us.push_back((clock_.monotonic_ns() - found->second) / 1000);
      sent_ns.erase(found);
      if (frame.header.flags & protocol::frame_flag_error) {
        KMB_ASSIGN_OR_RETURN(protocol::Message message, protocol::decode_message(frame));
        if (errors++ == 0) first_error = protocol::status_from_error(std::get<protocol::Error>(message)).to_string();
        latencies_us.pop_back();
      }
    }
  }

 private:
  std::uint64_t deadline() { return clock_.monotonic_ns() + bench_io_timeout_ns; }

  Status send(const protocol::Message& message, std::uint64_t request_id) {
    KMB_ASSIGN_OR_RETURN(Bytes frame, protocol::encode_message_frame(message, request_id));
    return transport_->write_all(ByteSpan(frame), deadline());
  }

  Result<protocol::Frame> next_frame() {
    const std::uint64_t until = deadline();
    while (true) {
      KMB_ASSIGN_OR_RETURN(std::optional<protocol::Frame> frame, parser_.next());
      if (frame.has_value()) return std::move(*frame);
      KMB_ASSIGN_OR_RETURN(Bytes bytes, transport_->read_some(until));
      if (bytes.empty()) return aborted("bench: no response within 30 s");
      parser_.append(ByteSpan(bytes));
    }
  }

  io::Clock& clock_;
  std::unique_ptr<client::Transport> transport_;
  protocol::FrameParser parser_;
  std::uint64_t next_request_id_ = 0;
};

struct PhaseResult {
  std::uint64_t operations = 0;
  double seconds = 0;
  std::uint64_t p50_us = 0;
  std::uint64_t p99_us = 0;
  std::uint64_t errors = 0;
  std::string first_error;
};

Result<std::vector<std::uint32_t>> parse_clients(const std::string& text) {
  std::vector<std::uint32_t> counts;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    char* end = nullptr;
    const unsigned long value = std::strtoul(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || value == 0 || value > clients_max) {
      return invalid_argument(fmt::format("--clients wants a list like 1,16,64 (each 1..{})", clients_max));
    }
    counts.push_back(static_cast<std::uint32_t>(value));
  }
  if (counts.empty()) return invalid_argument("--clients is empty");
  return counts;
}

std::uint64_t percentile(std::vector<std::uint64_t>& values, double quantile) {
  if (values.empty()) return 0;
  const auto index = static_cast<std::size_t>(quantile * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(index), values.end());
  return values[index];
}

// One phase's figures from every thread's latencies (µs), error counts and first errors.
PhaseResult summarize(double seconds, const std::vector<std::vector<std::uint64_t>>& latencies,
                      const std::vector<std::uint64_t>& error_counts, const std::vector<std::string>& errors) {
  PhaseResult result;
  result.seconds = seconds;
  std::vector<std::uint64_t> all;
  for (std::size_t t = 0; t < latencies.size(); t++) {
    all.insert(all.end(), latencies[t].begin(), latencies[t].end());
    result.errors += error_counts[t];
    if (result.first_error.empty()) result.first_error = errors[t];
  }
  result.operations = all.size();
  result.p50_us = percentile(all, 0.50);
  result.p99_us = percentile(all, 0.99);
  return result;
}

// Runs `operation(client, thread, i)` on `count` connections for `seconds`.
template <typename Operation>
Result<PhaseResult> run_phase(const RemoteArguments& remote, std::uint32_t count, double seconds,
                              const Operation& operation) {
  std::vector<std::unique_ptr<client::Client>> clients;
  for (std::uint32_t i = 0; i < count; i++) {
    KMB_ASSIGN_OR_RETURN(std::unique_ptr<client::Client> connected, connect_remote(remote));
    clients.push_back(std::move(connected));
  }
  io::RealClock clock;
  std::vector<std::vector<std::uint64_t>> latencies(count);
  std::vector<std::string> errors(count);
  std::vector<std::uint64_t> error_counts(count, 0);
  const std::uint64_t started_ns = clock.monotonic_ns();
  const auto deadline_ns = started_ns + static_cast<std::uint64_t>(seconds * 1e9);
  std::vector<std::thread> threads;
  for (std::uint32_t t = 0; t < count; t++) {
    threads.emplace_back([&, t] {
      io::RealClock thread_clock;
      for (std::uint64_t i = 0;; i++) {
        const std::uint64_t before = thread_clock.monotonic_ns();
        if (before >= deadline_ns) break;
        Status status = operation(*clients[t], t, i);
        if (!status.ok()) {
          if (error_counts[t]++ == 0) errors[t] = status.to_string();
          continue;
        }
        latencies[t].push_back((thread_clock.monotonic_ns() - before) / 1000);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  return summarize(static_cast<double>(clock.monotonic_ns() - started_ns) / 1e9, latencies, error_counts, errors);
}

// run_phase with `depth` requests in flight per connection; `make(thread, i)` builds request i.
Result<PhaseResult> run_pipelined_phase(const RemoteArguments& remote, std::uint32_t count, double seconds,
                                        std::uint32_t depth,
                                        const std::function<protocol::Message(std::uint32_t, std::uint64_t)>& make) {
  io::RealClock clock;
  std::vector<std::unique_ptr<PipelinedSession>> sessions;
  for (std::uint32_t i = 0; i < count; i++) {
    KMB_ASSIGN_OR_RETURN(std::unique_ptr<PipelinedSession> session, PipelinedSession::open(remote, clock));
    sessions.push_back(std::move(session));
  }
  std::vector<std::vector<std::uint64_t>> latencies(count);
  std::vector<std::string> errors(count);
  std::vector<std::uint64_t> error_counts(count, 0);
  std::vector<Status> outcomes(count);
  const std::uint64_t started_ns = clock.monotonic_ns();
  const auto deadline_ns = started_ns + static_cast<std::uint64_t>(seconds * 1e9);
  std::vector<std::thread> threads;
  for (std::uint32_t t = 0; t < count; t++) {
    threads.emplace_back([&, t] {
      outcomes[t] = sessions[t]->run(
          depth, deadline_ns, [&make, t](std::uint64_t i) { return make(t, i); }, latencies[t], error_counts[t],
          errors[t]);
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const Status& outcome : outcomes) KMB_TRY(outcome);
  return summarize(static_cast<double>(clock.monotonic_ns() - started_ns) / 1e9, latencies, error_counts, errors);
}

Status run_bench(const BenchArguments& arguments) {
  KMB_ASSIGN_OR_RETURN(std::vector<std::uint32_t> counts, parse_clients(arguments.clients));
  KMB_ASSIGN_OR_RETURN(OutputFormat format, parse_output_format(arguments.format));
  if (arguments.seconds <= 0 || arguments.seconds > 3600) return invalid_argument("--seconds must be in (0, 3600]");
  if (arguments.pipeline == 0 || arguments.pipeline > pipeline_depth_max) {
    return invalid_argument(fmt::format("--pipeline must be in 1..{}", pipeline_depth_max));
  }
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<client::Client> setup, connect_remote(arguments.remote));
  io::RealClock clock;
  const std::string table = fmt::format("bench_{}", clock.realtime_ns() / 1000);
  KMB_ASSIGN_OR_RETURN(
      protocol::ExecuteResponse created,
      setup->execute(fmt::format("CREATE TABLE {} (id BIGINT PRIMARY KEY, payload TEXT NOT NULL)", table), {},
                     client::Audit{"kimberlite bench", "benchmark table"}));
  (void)created;
  const std::string insert = fmt::format("INSERT INTO {} VALUES ($1, $2)", table);
  const std::string select = fmt::format("SELECT payload FROM {} WHERE id = $1", table);
  const std::string payload(100, 'x');
  std::atomic<std::uint64_t> next_id{0};

  Table report;
  report.columns = {"clients",     "inserts_per_s", "insert_p50_ms", "insert_p99_ms",
                    "reads_per_s", "read_p50_ms",   "read_p99_ms",   "errors"};
  auto insert_message = [&](std::uint64_t id) {
    protocol::Execute request;
    request.sql = insert;
    request.parameters = {kernel::Value::integer(static_cast<std::int64_t>(id)), kernel::Value::text(payload)};
    request.actor = "bench";
    request.reason = "load";
    return request;
  };
  auto read_id = [&](std::uint32_t thread, std::uint64_t i) {
    return (i * 2654435761ULL + thread * 97ULL) % std::max<std::uint64_t>(next_id.load(), 1);
  };
  for (std::uint32_t count : counts) {
    PhaseResult writes;
    PhaseResult reads;
    if (arguments.pipeline > 1) {
      KMB_ASSIGN_OR_RETURN(writes, run_pipelined_phase(arguments.remote, count, arguments.seconds, arguments.pipeline,
                                                       [&](std::uint32_t, std::uint64_t) -> protocol::Message {
                                                         return insert_message(next_id++);
                                                       }));
      KMB_ASSIGN_OR_RETURN(reads, run_pipelined_phase(arguments.remote, count, arguments.seconds, arguments.pipeline,
                                                      [&](std::uint32_t thread, std::uint64_t i) -> protocol::Message {
                                                        protocol::Execute request;
                                                        request.sql = select;
                                                        request.parameters = {kernel::Value::integer(
                                                            static_cast<std::int64_t>(read_id(thread, i)))};
                                                        return request;
                                                      }));
    } else {
      KMB_ASSIGN_OR_RETURN(writes,
                           run_phase(arguments.remote, count, arguments.seconds,
                                     [&](client::Client& client, std::uint32_t, std::uint64_t) -> Status {
                                       const kernel::Value values[] = {
                                           kernel::Value::integer(static_cast<std::int64_t>(next_id++)),
                                           kernel::Value::text(payload)};
                                       return client.execute(insert, values, client::Audit{"bench", "load"}).status();
                                     }));
      KMB_ASSIGN_OR_RETURN(reads,
                           run_phase(arguments.remote, count, arguments.seconds,
                                     [&](client::Client& client, std::uint32_t thread, std::uint64_t i) -> Status {
                                       const kernel::Value values[] = {
                                           kernel::Value::integer(static_cast<std::int64_t>(read_id(thread, i)))};
                                       return client.query(select, values).status();
                                     }));
    }
    auto ms = [](std::uint64_t us) { return fmt::format("{:.3f}", static_cast<double>(us) / 1000.0); };
    report.rows.push_back({std::to_string(count),
                           fmt::format("{:.0f}", static_cast<double>(writes.operations) / writes.seconds),
                           ms(writes.p50_us), ms(writes.p99_us),
                           fmt::format("{:.0f}", static_cast<double>(reads.operations) / reads.seconds),
                           ms(reads.p50_us), ms(reads.p99_us), std::to_string(writes.errors + reads.errors)});
    if (!writes.first_error.empty()) std::cerr << "kimberlite bench: insert error: " << writes.first_error << "\n";
    if (!reads.first_error.empty()) std::cerr << "kimberlite bench: read error: " << reads.first_error << "\n";
  }
  render(std::cout, report, format);
  std::cout << std::flush;
  return Status::ok_status();
}

}  // namespace

void add_bench_command(CLI::App& app, int& exit_code) {
  auto arguments = std::make_shared<BenchArguments>();
  CLI::App* command = app.add_subcommand("bench", "Durable inserts/s and point reads/s of a server, with latencies");
  add_remote_options(*command, arguments->remote);
  command->add_option("--clients", arguments->clients, "client counts to run, e.g. 1,16,64")->capture_default_str();
  command->add_option("--seconds", arguments->seconds, "duration of each phase")->capture_default_str();
  command->add_option("--pipeline", arguments->pipeline, "requests in flight per connection")->capture_default_str();
  command->add_option("--format", arguments->format, "table, csv or json")->capture_default_str();
  command->callback([arguments, &exit_code] {
    Status status = run_bench(*arguments);
    exit_code = status.ok() ? exit_success : report_error(status);
  });
}

}  // namespace kmb::cli
