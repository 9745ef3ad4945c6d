// kimberlite log append|read|info: direct access to tenants' logs, for demos, scripts and tests.
//
//   kimberlite log append --data DIR --tenant ID [--client ID] [--request ID] [--reason TEXT]
//                         [--kind event|command|system] [--batch-size N] [PAYLOAD ...]
//       Each PAYLOAD is one record and all of them form one atomic batch. Without PAYLOADs, each
//       line of standard input is a record, committed in atomic batches of --batch-size lines.
//   kimberlite log read --data DIR --tenant ID [--from N] [--limit N] [--format table|csv|json]
//   kimberlite log info --data DIR [--format table|csv|json]
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/time_format.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "io/clock.h"
#include "io/posix_storage.h"
#include "log/data_directory.h"
#include "log/partition.h"

namespace kmb::cli {

namespace {

struct LogArguments {
  std::string data;
  std::uint64_t tenant = 0;
  std::uint64_t client = 0;
  std::uint64_t request = 0;
  std::string reason;
  std::string kind = "event";
  std::uint32_t batch_size = 1000;
  std::uint64_t segment_size = 64ULL << 20;
  std::vector<std::string> payloads;
  std::uint64_t from = 0;
  std::uint64_t limit = 100;
  std::string format = "table";
};

Result<log::RecordKind> parse_kind(const std::string& name) {
  if (name == "event") return log::RecordKind::event;
  if (name == "command") return log::RecordKind::command;
  if (name == "system") return log::RecordKind::system;
  return invalid_argument("unknown record kind '" + name + "' (use event, command or system)");
}

Result<std::unique_ptr<log::Partition>> open_partition(io::Storage& storage, const LogArguments& arguments,
                                                       bool create) {
  log::PartitionOptions options;
  options.tenant_id = arguments.tenant;
  options.create_if_missing = create;
  options.segment_size_max_bytes = arguments.segment_size;
  Result<std::unique_ptr<log::Partition>> partition =
      log::Partition::open(storage, log::partition_directory(arguments.data, arguments.tenant), options);
  if (partition.ok() && !(*partition)->recovery_report().truncation.empty()) {
    std::cerr << "kimberlite: recovered: " << (*partition)->recovery_report().truncation << '\n';
  }
  return partition;
}

int run_append(const LogArguments& arguments) {
  Result<log::RecordKind> kind = parse_kind(arguments.kind);
  if (!kind.ok()) return report_error(kind.status());
  if (arguments.batch_size == 0) return report_error(invalid_argument("--batch-size must be at least 1"));
  io::PosixStorage storage;
  io::RealClock clock;
  Result<std::unique_ptr<log::Partition>> partition = open_partition(storage, arguments, true);
  if (!partition.ok()) return report_error(partition.status());
  std::optional<std::uint64_t> first;
  std::uint64_t last = 0;
  std::uint64_t request = arguments.request;
  auto commit = [&](const std::vector<std::string>& payloads) -> Status {
    std::vector<log::RecordInput> batch;
    for (const std::string& payload : payloads) {
      batch.push_back(log::RecordInput{*kind, arguments.client, request++, arguments.reason, as_bytes(payload)});
    }
    KMB_ASSIGN_OR_RETURN(log::AppendResult result, (*partition)->append(batch, clock.realtime_ns()));
    if (!first) first = result.first_offset;
    last = result.first_offset + result.record_count - 1;
    return Status();
  };
  if (!arguments.payloads.empty()) {
    if (Status status = commit(arguments.payloads); !status.ok()) return report_error(status);
  } else {
    std::vector<std::string> pending;
    std::string line;
    while (std::getline(std::cin, line)) {
      pending.push_back(line);
      if (pending.size() == arguments.batch_size) {
        if (Status status = commit(pending); !status.ok()) return report_error(status);
        pending.clear();
      }
    }
    if (!pending.empty()) {
      if (Status status = commit(pending); !status.ok()) return report_error(status);
    }
  }
  if (!first) {
    std::cout << "nothing to append\n";
    return exit_success;
  }
  std::cout << fmt::format("appended offsets {}..{} ({} records) to tenant {}; head hash {}\n", *first, last,
                           last - *first + 1, arguments.tenant, to_hex((*partition)->last_hash()));
  return exit_success;
}

int run_read(const LogArguments& arguments) {
  Result<OutputFormat> format = parse_output_format(arguments.format);
  if (!format.ok()) return report_error(format.status());
  io::PosixStorage storage;
  Result<std::unique_ptr<log::Partition>> partition = open_partition(storage, arguments, false);
  if (!partition.ok()) return report_error(partition.status());
  const std::uint64_t end = (*partition)->durable_offset();
  if (arguments.from > end) {
    return report_error(invalid_argument("--from " + std::to_string(arguments.from) + " is past the end of the log (" +
                                         std::to_string(end) + " records)"));
  }
  Result<log::Partition::Iterator> iterator = (*partition)->iterate(arguments.from);
  if (!iterator.ok()) return report_error(iterator.status());
  Table table;
  table.columns = {"offset", "timestamp", "kind", "client_id", "request_id", "reason", "payload"};
  for (std::uint64_t n = 0; n < arguments.limit; n++) {
    log::Record record;
    Result<bool> found = iterator->next(record);
    if (!found.ok()) return report_error(found.status());
    if (!*found) break;
    table.rows.push_back({std::to_string(record.header.offset), format_timestamp_ns(record.header.timestamp_ns),
                          std::string(log::record_kind_name(record.header.kind)),
                          std::to_string(record.header.client_id), std::to_string(record.header.request_id),
                          record.reason, display_bytes(std::string(as_string_view(record.payload)))});
  }
  render(std::cout, table, *format);
  return exit_success;
}

int run_info(const LogArguments& arguments) {
  Result<OutputFormat> format = parse_output_format(arguments.format);
  if (!format.ok()) return report_error(format.status());
  io::PosixStorage storage;
  Result<std::vector<log::PartitionLocation>> found = log::find_partitions(storage, arguments.data);
  if (!found.ok()) return report_error(found.status());
  Table table;
  table.columns = {"tenant", "records", "segments", "bytes", "last_timestamp", "head_hash"};
  for (const auto& location : *found) {
    LogArguments per_tenant = arguments;
    per_tenant.tenant = location.tenant_id;
    Result<std::unique_ptr<log::Partition>> partition = open_partition(storage, per_tenant, false);
    if (!partition.ok()) return report_error(partition.status());
    const log::Partition& p = **partition;
    table.rows.push_back({std::to_string(location.tenant_id), std::to_string(p.durable_offset()),
                          std::to_string(p.segment_count()), std::to_string(p.size_bytes()),
                          p.durable_offset() == 0 ? "" : format_timestamp_ns(p.last_timestamp_ns()),
                          to_hex(p.last_hash())});
  }
  render(std::cout, table, *format);
  return exit_success;
}

}  // namespace

void add_log_commands(CLI::App& app, int& exit_code) {
  CLI::App* log = app.add_subcommand("log", "Append to and read tenants' logs directly");
  log->require_subcommand(1);

  auto append = std::make_shared<LogArguments>();
  CLI::App* append_command = log->add_subcommand("append", "Append records as one atomic batch (or stdin lines)");
  append_command->add_option("--data", append->data, "Data directory")->required();
  append_command->add_option("--tenant", append->tenant, "Tenant id")->required();
  append_command->add_option("--client", append->client, "Client (actor) id recorded with each record");
  append_command->add_option("--request", append->request, "Request id of the first record (then +1 each)");
  append_command->add_option("--reason", append->reason, "Why: stored in every record, covered by the chain");
  append_command->add_option("--kind", append->kind, "event, command or system")->capture_default_str();
  append_command->add_option("--batch-size", append->batch_size, "Lines per atomic batch when reading stdin")
      ->capture_default_str();
  append_command->add_option("--segment-size", append->segment_size, "Segment size limit in bytes")
      ->capture_default_str();
  append_command->add_option("payload", append->payloads, "Record payloads (default: lines of stdin)");
  append_command->callback([append, &exit_code] { exit_code = run_append(*append); });

  auto read = std::make_shared<LogArguments>();
  CLI::App* read_command = log->add_subcommand("read", "Print records of a tenant's log");
  read_command->add_option("--data", read->data, "Data directory")->required();
  read_command->add_option("--tenant", read->tenant, "Tenant id")->required();
  read_command->add_option("--from", read->from, "First offset")->capture_default_str();
  read_command->add_option("--limit", read->limit, "Most records to print")->capture_default_str();
  read_command->add_option("--format", read->format, "table, csv or json")->capture_default_str();
  read_command->callback([read, &exit_code] { exit_code = run_read(*read); });

  auto info = std::make_shared<LogArguments>();
  CLI::App* info_command = log->add_subcommand("info", "Summarize every tenant's log");
  info_command->add_option("--data", info->data, "Data directory")->required();
  info_command->add_option("--format", info->format, "table, csv or json")->capture_default_str();
  info_command->callback([info, &exit_code] { exit_code = run_info(*info); });
}

}  // namespace kmb::cli
