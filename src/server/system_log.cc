#include "server/system_log.h"

#include <utility>

#include "log/partition.h"

namespace kmb::server {

std::string system_log_directory(const std::string& data_directory) {
  return io::join_path(io::join_path(data_directory, "system"), "log");
}

Result<std::unique_ptr<SystemLog>> SystemLog::open(io::Storage& storage, io::Clock& clock,
                                                   const std::string& data_directory, bool create,
                                                   const ReplayFunction& replay) {
  const std::string directory = system_log_directory(data_directory);
  KMB_ASSIGN_OR_RETURN(bool exists, storage.exists(directory));
  if (!exists) {
    if (!create) return not_found("no system log in " + data_directory + " (run `kimberlite init` first)");
    KMB_TRY(storage.create_directories(directory));
  }
  log::PartitionOptions options;
  options.tenant_id = system_partition_id;
  options.create_if_missing = create;
  // Events are small; small segments keep a long-lived key registry cheap to scan.
  options.segment_size_max_bytes = 8ULL << 20;
  options.record_payload_size_max_bytes = 64U << 10;
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<log::Partition> partition, log::Partition::open(storage, directory, options));

  KMB_ASSIGN_OR_RETURN(log::Partition::Iterator iterator, partition->iterate(0));
  log::Record record;
  while (true) {
    const std::uint64_t offset = iterator.next_offset();
    KMB_ASSIGN_OR_RETURN(bool more, iterator.next(record));
    if (!more) break;
    nlohmann::json event = nlohmann::json::parse(record.payload.begin(), record.payload.end(), nullptr, false);
    if (event.is_discarded() || !event.is_object() || !event.contains("event")) {
      return corruption("system log record " + std::to_string(offset) + " is not a JSON event");
    }
    KMB_TRY(
        replay(offset, record.header.timestamp_ns, event).with_context("system log record " + std::to_string(offset)));
  }
  log::GroupCommitOptions commit_options;
  return std::make_unique<SystemLog>(
      std::make_unique<log::GroupCommitter>(std::move(partition), clock, commit_options));
}

SystemLog::SystemLog(std::unique_ptr<log::GroupCommitter> committer) : committer_(std::move(committer)) {
  KMB_ASSERT(committer_ != nullptr);
}

Result<SystemLog::Appended> SystemLog::append(const nlohmann::json& event, std::string_view reason) {
  KMB_ASSERT(event.is_object());
  const std::string payload = event.dump();
  log::RecordInput input;
  input.kind = log::RecordKind::system;
  input.reason = reason;
  input.payload = ByteSpan(reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size());
  KMB_ASSIGN_OR_RETURN(log::AppendResult result, committer_->append(std::span<const log::RecordInput>(&input, 1)));
  return Appended{result.first_offset, result.timestamp_ns};
}

}  // namespace kmb::server
