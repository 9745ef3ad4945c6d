// kimberlite-bench-compare: the same workloads against Kimberlite (embedded, and over the network:
// a server in this process reached through the C++ client on loopback TCP), PostgreSQL with an
// audit trigger and hash chain, and SQLite with an audit trigger, in one run on one machine.
// Prints a table of medians (with min and max) and each Kimberlite's ratio to each other peer; optionally
// writes the table as markdown and as TSV (for the chart). scripts/bench-compare.sh sets up
// PostgreSQL, runs this and writes docs/benchmarks.md.
//
//   kimberlite-bench-compare --dir DIR [--pg CONNINFO] [--quick] [--rows N] [--repetitions N]
//                            [--write-seconds S] [--read-seconds S] [--markdown FILE] [--tsv FILE]
//
// Repetitions interleave the peers (rep 1 of every peer, then rep 2, ...), so that noise from
// other work on the machine falls on all of them alike.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "peer.h"
#include "runner.h"

namespace kmb::bench {
namespace {

struct Options {
  std::string directory;
  std::string postgres_conninfo;
  std::int64_t rows = 350'000;  // x 3 versions: over 1M audited changes for (f)
  int repetitions = 5;
  double write_seconds = 3.0;
  double read_seconds = 2.0;
  std::string markdown_path;
  std::string tsv_path;
};

struct PeerState {
  std::unique_ptr<Peer> peer;
  std::int64_t rows = 0;
  std::atomic<std::int64_t> next_id{0};
  std::atomic<std::int64_t> changes{0};  // audited row changes written so far
  std::string verify_detail;
};

enum class Kind { insert_one, insert_batch, read_current, read_past, read_history, verify };

struct Workload {
  std::string key;
  std::string label;
  std::string unit;
  Kind kind;
  int threads = 1;
};

struct Row {
  const Workload* workload;
  std::vector<std::optional<Summary>> results;  // one per peer; empty when the peer was skipped
};

std::string human(double value) {
  char text[32];
  if (value >= 1e6) {
    std::snprintf(text, sizeof text, "%.2fM", value / 1e6);
  } else if (value >= 1e4) {
    std::snprintf(text, sizeof text, "%.1fk", value / 1e3);
  } else if (value >= 100) {
    std::snprintf(text, sizeof text, "%.0f", value);
  } else {
    std::snprintf(text, sizeof text, "%.1f", value);
  }
  return text;
}

std::string cell(const std::optional<Summary>& summary) {
  if (!summary) return "n/a";
  return human(summary->median) + " (" + human(summary->min) + "-" + human(summary->max) + ")";
}

std::string ratio(const std::optional<Summary>& ours, const std::optional<Summary>& theirs) {
  if (!ours || !theirs || theirs->median <= 0) return "n/a";
  char text[32];
  double value = ours->median / theirs->median;
  std::snprintf(text, sizeof text, value >= 10 ? "%.0fx" : "%.2fx", value);
  return text;
}

Operation operation_for(const Workload& workload, PeerState& state) {
  switch (workload.kind) {
    case Kind::insert_one:
      return [&state](Session& session, io::Prng&) -> Result<std::int64_t> {
        KMB_TRY(session.insert_one(state.next_id++));
        state.changes++;
        return 1;
      };
    case Kind::insert_batch:
      return [&state](Session& session, io::Prng&) -> Result<std::int64_t> {
        KMB_TRY(session.insert_batch(state.next_id.fetch_add(batch_rows)));
        state.changes += batch_rows;
        return batch_rows;
      };
    case Kind::read_current:
      return [&state](Session& session, io::Prng& prng) -> Result<std::int64_t> {
        KMB_TRY(session.read_current(static_cast<std::int64_t>(prng.uniform(state.rows))));
        return 1;
      };
    case Kind::read_past:
      return [&state](Session& session, io::Prng& prng) -> Result<std::int64_t> {
        KMB_TRY(session.read_past(static_cast<std::int64_t>(prng.uniform(state.rows))));
        return 1;
      };
    case Kind::read_history:
      return [&state](Session& session, io::Prng& prng) -> Result<std::int64_t> {
        KMB_TRY(session.read_history(static_cast<std::int64_t>(prng.uniform(state.rows))));
        return 1;
      };
    case Kind::verify:
      break;
  }
  return {};
}

// Audited changes per second of a full verification.
Result<double> measure_verify(PeerState& state) {
  auto begin = std::chrono::steady_clock::now();
  Result<VerifyOutcome> outcome = state.peer->verify();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  if (!outcome.ok()) return outcome.status();
  std::uint64_t changes = outcome->changes != 0 ? outcome->changes : static_cast<std::uint64_t>(state.changes.load());
  state.verify_detail =
      outcome->detail + "; " + std::to_string(changes) + " audited changes, " + std::to_string(seconds * 1000) + " ms";
  return static_cast<double>(changes) / seconds;
}

Result<std::vector<std::optional<Summary>>> measure(const Options& options, const Workload& workload,
                                                    std::vector<PeerState*>& peers) {
  std::vector<std::vector<std::unique_ptr<Session>>> sessions(peers.size());
  if (workload.kind != Kind::verify) {
    for (std::size_t p = 0; p < peers.size(); p++) {
      for (int t = 0; t < workload.threads; t++) {
        Result<std::unique_ptr<Session>> session = peers[p]->peer->connect();
        if (!session.ok()) return session.status().with_context(peers[p]->peer->name());
        sessions[p].push_back(std::move(session).value());
      }
    }
  }
  const bool writes = workload.kind == Kind::insert_one || workload.kind == Kind::insert_batch;
  const double seconds = writes ? options.write_seconds : options.read_seconds;
  std::vector<std::vector<double>> samples(peers.size());
  for (int repetition = 0; repetition < options.repetitions; repetition++) {
    for (std::size_t p = 0; p < peers.size(); p++) {
      Result<double> rate = workload.kind == Kind::verify
                                ? measure_verify(*peers[p])
                                : run_timed(sessions[p], seconds, operation_for(workload, *peers[p]));
      if (!rate.ok()) return rate.status().with_context(peers[p]->peer->name() + " " + workload.key);
      samples[p].push_back(*rate);
    }
  }
  std::vector<std::optional<Summary>> results;
  for (auto& peer_samples : samples) results.push_back(summarize(peer_samples));
  return results;
}

std::vector<Workload> workloads() {
  return {
      {"insert_1", "(a) durable audited INSERT, 1 writer", "rows/s", Kind::insert_one, 1},
      {"insert_16", "(a) durable audited INSERT, 16 writers", "rows/s", Kind::insert_one, 16},
      {"insert_64", "(a) durable audited INSERT, 64 writers", "rows/s", Kind::insert_one, 64},
      {"batch_1000", "(b) batched INSERT, 1000 rows/txn", "rows/s", Kind::insert_batch, 1},
      {"read_current", "(c) point read by primary key", "reads/s", Kind::read_current, 1},
      {"read_as_of", "(d) point read as of a past position", "reads/s", Kind::read_past, 1},
      {"history", "(e) full history of one row", "reads/s", Kind::read_history, 1},
      {"verify", "(f) full integrity verification", "changes/s", Kind::verify, 1},
  };
}

// The peers in table order: the Kimberlite ones first (embedded, network); each of them gets a
// ratio to each of the others.
struct Peers {
  std::vector<std::string> names;
  std::size_t kimberlite_count = 0;                // names[0, kimberlite_count) are Kimberlite's
  std::vector<std::unique_ptr<PeerState>> states;  // null where a peer was skipped
};

void print_table(const Peers& peers, const std::vector<Row>& rows, std::FILE* out, bool markdown) {
  std::vector<std::string> header = {"workload", "unit"};
  for (const std::string& name : peers.names) header.push_back(name + " median (min-max)");
  for (std::size_t k = 0; k < peers.kimberlite_count; k++) {
    for (std::size_t p = peers.kimberlite_count; p < peers.names.size(); p++) {
      header.push_back(peers.names[k] + " / " + peers.names[p]);
    }
  }
  std::vector<std::vector<std::string>> lines = {header};
  for (const Row& row : rows) {
    std::vector<std::string> line = {row.workload->label, row.workload->unit};
    for (const auto& result : row.results) line.push_back(cell(result));
    for (std::size_t k = 0; k < peers.kimberlite_count; k++) {
      for (std::size_t p = peers.kimberlite_count; p < row.results.size(); p++) {
        line.push_back(ratio(row.results[k], row.results[p]));
      }
    }
    lines.push_back(line);
  }
  std::vector<std::size_t> widths(header.size(), 0);
  for (const auto& line : lines) {
    for (std::size_t c = 0; c < line.size(); c++) widths[c] = std::max(widths[c], line[c].size());
  }
  for (std::size_t l = 0; l < lines.size(); l++) {
    for (std::size_t c = 0; c < lines[l].size(); c++) {
      std::fprintf(out, markdown ? "| %-*s " : "%-*s  ", static_cast<int>(widths[c]), lines[l][c].c_str());
    }
    std::fprintf(out, markdown ? "|\n" : "\n");
    if (markdown && l == 0) {
      for (std::size_t c = 0; c < widths.size(); c++) std::fprintf(out, "|%s", std::string(widths[c] + 2, '-').c_str());
      std::fprintf(out, "|\n");
    }
  }
}

void write_tsv(const Peers& peers, const std::vector<Row>& rows, const std::string& path) {
  std::ofstream out(path);
  out << "key\tlabel\tunit";
  for (const std::string& name : peers.names) out << '\t' << name << "_median\t" << name << "_min\t" << name << "_max";
  out << '\n';
  for (const Row& row : rows) {
    out << row.workload->key << '\t' << row.workload->label << '\t' << row.workload->unit;
    for (const auto& result : row.results) {
      if (result) {
        out << '\t' << result->median << '\t' << result->min << '\t' << result->max;
      } else {
        out << "\tNaN\tNaN\tNaN";
      }
    }
    out << '\n';
  }
}

Result<Options> parse(int argc, char** argv) {
  Options options;
  const char* conninfo = std::getenv("KMB_PG_CONNINFO");
  if (conninfo != nullptr) options.postgres_conninfo = conninfo;
  for (int i = 1; i < argc; i++) {
    std::string flag = argv[i];
    if (flag == "--quick") {
      options.rows = 10'000;
      options.repetitions = 3;
      options.write_seconds = 0.7;
      options.read_seconds = 0.5;
      continue;
    }
    if (i + 1 >= argc) return invalid_argument("missing value after " + flag);
    std::string value = argv[++i];
    if (flag == "--dir") {
      options.directory = value;
    } else if (flag == "--pg") {
      options.postgres_conninfo = value;
    } else if (flag == "--rows") {
      options.rows = std::stoll(value) / batch_rows * batch_rows;
    } else if (flag == "--repetitions") {
      options.repetitions = std::stoi(value);
    } else if (flag == "--write-seconds") {
      options.write_seconds = std::stod(value);
    } else if (flag == "--read-seconds") {
      options.read_seconds = std::stod(value);
    } else if (flag == "--markdown") {
      options.markdown_path = value;
    } else if (flag == "--tsv") {
      options.tsv_path = value;
    } else {
      return invalid_argument("unknown flag " + flag);
    }
  }
  if (options.directory.empty()) return invalid_argument("--dir DIR is required (scratch space on the disk to test)");
  if (options.repetitions < 3) return invalid_argument("--repetitions must be at least 3");
  if (options.rows < batch_rows) return invalid_argument("--rows must be at least 1000");
  return options;
}

Result<Peers> open_peers(const Options& options) {
  Peers peers;
  peers.names = {"Kimberlite", "Kimberlite (network)", "PostgreSQL+trigger", "SQLite+trigger"};
  peers.kimberlite_count = 2;
  std::filesystem::create_directories(options.directory + "/kimberlite");
  std::filesystem::create_directories(options.directory + "/sqlite");
  std::vector<Result<std::unique_ptr<Peer>>> opened;
  opened.push_back(make_kimberlite_peer(options.directory + "/kimberlite"));
  opened.push_back(make_kimberlite_network_peer(options.directory + "/kimberlite-network"));
  if (options.postgres_conninfo.empty()) {
    opened.push_back(failed_precondition("no --pg CONNINFO (nor KMB_PG_CONNINFO): PostgreSQL skipped"));
  } else {
    opened.push_back(make_postgres_peer(options.postgres_conninfo));
  }
  opened.push_back(make_sqlite_peer(options.directory + "/sqlite"));
  for (std::size_t p = 0; p < opened.size(); p++) {
    if (!opened[p].ok()) {
      if (p == 0) return opened[p].status();
      std::printf("note: %s skipped: %s\n", peers.names[p].c_str(), opened[p].status().to_string().c_str());
      peers.states.push_back(nullptr);
      continue;
    }
    auto state = std::make_unique<PeerState>();
    state->peer = std::move(opened[p]).value();
    peers.states.push_back(std::move(state));
  }
  return peers;
}

int run(int argc, char** argv) {
  Result<Options> options = parse(argc, argv);
  if (!options.ok()) {
    std::fprintf(stderr, "kimberlite-bench-compare: %s\n", options.status().to_string().c_str());
    return 2;
  }
  Result<Peers> opened = open_peers(*options);
  if (!opened.ok()) {
    std::fprintf(stderr, "kimberlite-bench-compare: %s\n", opened.status().to_string().c_str());
    return 3;
  }
  Peers& peers = *opened;
  std::vector<PeerState*> active;
  for (auto& state : peers.states) {
    if (!state) continue;
    std::printf("loading %s: %s (%lld rows, then 2 updates of every row)\n", state->peer->name().c_str(),
                state->peer->version().c_str(), static_cast<long long>(options->rows));
    std::fflush(stdout);
    auto begin = std::chrono::steady_clock::now();
    Status status = state->peer->load(options->rows);
    if (!status.ok()) {
      std::fprintf(stderr, "kimberlite-bench-compare: load %s: %s\n", state->peer->name().c_str(),
                   status.to_string().c_str());
      return 3;
    }
    std::printf("  loaded in %.1f s\n",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count());
    state->rows = options->rows;
    state->next_id = options->rows;
    state->changes = options->rows * versions_per_loaded_row;
    active.push_back(state.get());
  }
  static const std::vector<Workload> all = workloads();
  std::vector<Row> rows;
  for (const Workload& workload : all) {
    std::printf("running %s ...\n", workload.label.c_str());
    std::fflush(stdout);
    Result<std::vector<std::optional<Summary>>> results = measure(*options, workload, active);
    if (!results.ok()) {
      std::fprintf(stderr, "kimberlite-bench-compare: %s\n", results.status().to_string().c_str());
      return 3;
    }
    Row row{&workload, {}};
    std::size_t next = 0;
    for (auto& state : peers.states) row.results.push_back(state ? (*results)[next++] : std::nullopt);
    rows.push_back(row);
  }
  std::printf(
      "\n%d repetitions each (median, min-max); higher is better; ratio = Kimberlite median (embedded or network) / "
      "peer median\n\n",
      options->repetitions);
  print_table(peers, rows, stdout, false);
  std::printf("\nverification, last repetition:\n");
  for (auto& state : peers.states) {
    if (state) std::printf("  %s: %s\n", state->peer->name().c_str(), state->verify_detail.c_str());
  }
  if (!options->markdown_path.empty()) {
    std::FILE* out = std::fopen(options->markdown_path.c_str(), "w");
    if (out != nullptr) {
      print_table(peers, rows, out, true);
      std::fprintf(out, "\nVerification, last repetition:\n\n");
      for (auto& state : peers.states) {
        if (state) std::fprintf(out, "* %s: %s\n", state->peer->name().c_str(), state->verify_detail.c_str());
      }
      std::fprintf(out, "\nVersions:\n\n");
      for (auto& state : peers.states) {
        if (state) std::fprintf(out, "* %s: %s\n", state->peer->name().c_str(), state->peer->version().c_str());
      }
      std::fclose(out);
    }
  }
  if (!options->tsv_path.empty()) write_tsv(peers, rows, options->tsv_path);
  return 0;
}

}  // namespace
}  // namespace kmb::bench

int main(int argc, char** argv) {
  return kmb::bench::run(argc, argv);
}
