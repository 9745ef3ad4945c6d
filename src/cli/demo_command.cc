// kimberlite demo [--data DIR]: shows, on real files, what the log promises. It writes a tenant's
// audited log, verifies it, then damages copies three ways — a flipped byte, a forged record with
// recomputed CRCs, a write cut short by a crash — and shows each one caught or recovered.
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "crypto/crc32c.h"
#include "io/clock.h"
#include "io/posix_storage.h"
#include "log/data_directory.h"
#include "log/partition.h"
#include "log/verify.h"

namespace kmb::cli {

namespace {

constexpr std::uint64_t demo_tenant = 1;
constexpr std::uint64_t demo_records = 2000;
constexpr std::uint64_t tampered_offset = 1000;

Status copy_partition(io::Storage& storage, const std::string& from, const std::string& to) {
  KMB_TRY(storage.create_directories(to));
  KMB_ASSIGN_OR_RETURN(std::vector<std::string> names, storage.list_directory(from));
  for (const std::string& name : names) {
    if (name == "LOCK") continue;
    KMB_ASSIGN_OR_RETURN(Bytes bytes, io::read_whole_file(storage, io::join_path(from, name)));
    KMB_TRY(io::write_file_atomically(storage, io::join_path(to, name), bytes));
  }
  return Status();
}

struct Located {
  std::string segment;
  std::uint64_t position = 0;
  log::RecordHeader header;
};

// Finds the segment file and byte position of `offset` by walking record headers.
Result<Located> locate_record(io::Storage& storage, const std::string& directory, std::uint64_t offset) {
  KMB_ASSIGN_OR_RETURN(std::vector<std::string> names, storage.list_directory(directory));
  std::string segment;
  for (const std::string& name : names) {
    std::optional<std::uint64_t> base = log::parse_segment_file_name(name);
    if (base && *base <= offset) segment = name;
  }
  if (segment.empty()) return not_found("no segment holds offset " + std::to_string(offset));
  const std::string path = io::join_path(directory, segment);
  KMB_ASSIGN_OR_RETURN(Bytes bytes, io::read_whole_file(storage, path));
  std::uint64_t position = log::segment_header_size;
  while (position + log::record_header_size <= bytes.size()) {
    log::RecordHeader header;
    if (log::decode_record_header(ByteSpan(bytes.data() + position, log::record_header_size), header) !=
        log::HeaderProblem::none) {
      break;
    }
    if (header.offset == offset) return Located{path, position, header};
    position += header.record_size();
  }
  return not_found("offset " + std::to_string(offset) + " not found in " + path);
}

Status overwrite(io::Storage& storage, const std::string& path, std::uint64_t position, ByteSpan bytes) {
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<io::File> file, storage.open(path, io::OpenMode::read_write));
  KMB_TRY(file->write_at(position, bytes));
  return file->sync();
}

void show_command(const std::string& command) { std::cout << "\n  $ " << command << "\n"; }

// Prints the verify outcome the way `kimberlite verify` does; returns whether it was intact.
Result<bool> show_verify(io::Storage& storage, const std::string& data) {
  show_command("kimberlite verify --data " + data);
  KMB_ASSIGN_OR_RETURN(log::VerifyReport report,
                       log::verify_partition(storage, log::partition_directory(data, demo_tenant)));
  if (report.intact()) {
    std::cout << fmt::format("  tenant {}: OK  {} records in {} segments; head hash {}\n", demo_tenant,
                             report.record_count, report.segment_count, to_hex(report.head_hash));
  } else {
    std::cout << fmt::format("  tenant {}: FAILED at {} offset {} (byte {}): {}\n", demo_tenant,
                             report.problem->segment, report.problem->offset, report.problem->position,
                             report.problem->reason);
  }
  return report.intact();
}

Status write_demo_log(io::Storage& storage, io::Clock& clock, const std::string& data) {
  log::PartitionOptions options;
  options.tenant_id = demo_tenant;
  options.segment_size_max_bytes = 64 << 10;
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<log::Partition> partition,
                       log::Partition::open(storage, log::partition_directory(data, demo_tenant), options));
  static const char* fields[] = {"allergy", "medication", "diagnosis", "address", "consent"};
  static const char* reasons[] = {"treatment", "billing", "patient request", "care coordination"};
  for (std::uint64_t first = 0; first < demo_records; first += 50) {
    std::vector<std::string> payloads;
    for (std::uint64_t i = first; i < first + 50; i++) {
      payloads.push_back(fmt::format(R"({{"patient":"P-{:04}","field":"{}","value":"v{}"}})", i % 97,
                                     fields[i % 5], i));
    }
    std::vector<log::RecordInput> batch;
    for (std::uint64_t i = 0; i < payloads.size(); i++) {
      batch.push_back(log::RecordInput{log::RecordKind::event, 100 + (first + i) % 7, first + i,
                                       reasons[(first + i) % 4], as_bytes(payloads[i])});
    }
    KMB_ASSIGN_OR_RETURN(log::AppendResult result, partition->append(batch, clock.realtime_ns()));
    (void)result;
  }
  std::cout << fmt::format("  wrote {} audited records (actor, reason, timestamp, hash chain) in {} segments\n",
                           partition->durable_offset(), partition->segment_count());
  return Status();
}

Status run_demo_steps(io::Storage& storage, io::Clock& clock, const std::string& data, bool& as_expected) {
  std::cout << "1. A clinic's log: every change is an event in tenant " << demo_tenant << "'s hash-chained log.\n";
  show_command("kimberlite log append --data " + data + " --tenant 1 --client 101 --reason treatment ...");
  KMB_TRY(write_demo_log(storage, clock, data));
  show_command("kimberlite log read --data " + data + " --tenant 1 --from 998 --limit 3");
  {
    log::PartitionOptions options;
    options.tenant_id = demo_tenant;
    options.create_if_missing = false;
    KMB_ASSIGN_OR_RETURN(auto partition,
                         log::Partition::open(storage, log::partition_directory(data, demo_tenant), options));
    KMB_ASSIGN_OR_RETURN(auto records, partition->read_range(998, 1001));
    for (const log::Record& record : records) {
      std::cout << fmt::format("  {:>5}  actor {}  reason {:<18} {}\n", record.header.offset,
                               record.header.client_id, record.reason, as_string_view(record.payload));
    }
  }
  std::cout << "\n2. Verify the whole chain (no keys needed).\n";
  KMB_ASSIGN_OR_RETURN(bool intact, show_verify(storage, data));
  as_expected = as_expected && intact;

  const std::string source = log::partition_directory(data, demo_tenant);
  std::cout << "\n3. Someone edits one byte of record " << tampered_offset << " in a copy of the log.\n";
  const std::string tampered = io::join_path(data, "copies/tampered");
  KMB_TRY(copy_partition(storage, source, log::partition_directory(tampered, demo_tenant)));
  KMB_ASSIGN_OR_RETURN(Located record, locate_record(storage, log::partition_directory(tampered, demo_tenant), tampered_offset));
  std::uint64_t value_position = record.position + log::record_header_size + record.header.reason_length +
                                 record.header.payload_length - 3;
  std::uint8_t changed = '9';
  KMB_TRY(overwrite(storage, record.segment, value_position, ByteSpan(&changed, 1)));
  KMB_ASSIGN_OR_RETURN(intact, show_verify(storage, tampered));
  as_expected = as_expected && !intact;

  std::cout << "\n4. A forger edits record " << tampered_offset << " and recomputes its CRCs: the hash chain still breaks.\n";
  const std::string forged = io::join_path(data, "copies/forged");
  KMB_TRY(copy_partition(storage, source, log::partition_directory(forged, demo_tenant)));
  KMB_ASSIGN_OR_RETURN(record, locate_record(storage, log::partition_directory(forged, demo_tenant), tampered_offset));
  KMB_ASSIGN_OR_RETURN(Bytes segment_bytes, io::read_whole_file(storage, record.segment));
  const std::uint64_t size = record.header.record_size();
  segment_bytes[value_position] = '9';
  store_le<std::uint32_t>(segment_bytes.data() + record.position + size - 4,
                          crypto::crc32c(ByteSpan(segment_bytes.data() + record.position, size - 4)));
  KMB_TRY(overwrite(storage, record.segment, record.position, ByteSpan(segment_bytes.data() + record.position, size)));
  KMB_ASSIGN_OR_RETURN(intact, show_verify(storage, forged));
  as_expected = as_expected && !intact;

  std::cout << "\n5. A crash cuts the last write short: opening the log truncates the unacknowledged tail.\n";
  const std::string torn = io::join_path(data, "copies/torn");
  const std::string torn_partition = log::partition_directory(torn, demo_tenant);
  KMB_TRY(copy_partition(storage, source, torn_partition));
  KMB_ASSIGN_OR_RETURN(record, locate_record(storage, torn_partition, demo_records - 1));
  {
    KMB_ASSIGN_OR_RETURN(std::unique_ptr<io::File> file, storage.open(record.segment, io::OpenMode::read_write));
    KMB_TRY(file->truncate(record.position + 40));
    KMB_TRY(file->sync());
  }
  KMB_ASSIGN_OR_RETURN(intact, show_verify(storage, torn));
  as_expected = as_expected && !intact;
  show_command("kimberlite log info --data " + torn);
  {
    log::PartitionOptions options;
    options.tenant_id = demo_tenant;
    options.create_if_missing = false;
    KMB_ASSIGN_OR_RETURN(auto partition, log::Partition::open(storage, torn_partition, options));
    std::cout << "  recovered: " << partition->recovery_report().truncation << "\n";
    std::cout << fmt::format("  {} records remain; the batch cut short was never acknowledged\n",
                             partition->durable_offset());
  }
  KMB_ASSIGN_OR_RETURN(intact, show_verify(storage, torn));
  as_expected = as_expected && intact;
  return Status();
}

int run_demo(const std::string& data) {
  io::PosixStorage storage;
  io::RealClock clock;
  Result<bool> exists = storage.exists(data);
  if (!exists.ok()) return report_error(exists.status());
  if (*exists) {
    Result<std::vector<std::string>> names = storage.list_directory(data);
    if (!names.ok()) return report_error(names.status());
    if (!names->empty()) return report_error(invalid_argument(data + " is not empty; give the demo a new directory"));
  }
  bool as_expected = true;
  Status status = run_demo_steps(storage, clock, data, as_expected);
  if (!status.ok()) return report_error(status);
  std::cout << (as_expected ? "\nEvery alteration was caught and every acknowledged record survived.\n"
                            : "\nUNEXPECTED: the demo did not behave as designed.\n");
  return as_expected ? exit_success : exit_error;
}

}  // namespace

void add_demo_command(CLI::App& app, int& exit_code) {
  auto data = std::make_shared<std::string>("kimberlite-demo");
  CLI::App* command = app.add_subcommand("demo", "Write a demo log, tamper with copies, and watch verify catch it");
  command->add_option("--data", *data, "An empty or new directory for the demo")->capture_default_str();
  command->callback([data, &exit_code] { exit_code = run_demo(*data); });
}

}  // namespace kmb::cli
