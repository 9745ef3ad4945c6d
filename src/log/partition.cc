#include "log/partition.h"

#include <algorithm>

#include "log/segment_scan.h"

namespace kmb::log {

namespace {

constexpr std::uint64_t segment_size_min_bytes = 4096;
constexpr std::size_t iterator_buffer_bytes = 256 << 10;

Status check_options(const PartitionOptions& options) {
  if (options.segment_size_max_bytes < segment_size_min_bytes) {
    return invalid_argument("segment_size_max_bytes must be at least " + std::to_string(segment_size_min_bytes));
  }
  if (options.record_payload_size_max_bytes > record_payload_size_max) {
    return invalid_argument("record_payload_size_max_bytes is above the format limit of " +
                            std::to_string(record_payload_size_max));
  }
  if (options.index_interval_bytes == 0) return invalid_argument("index_interval_bytes must be positive");
  if (options.batch_records_max == 0 || options.batch_size_max_bytes == 0) {
    return invalid_argument("batch limits must be positive");
  }
  return Status();
}

std::uint64_t input_size(const RecordInput& input) {
  return record_overhead_size + input.reason.size() + input.payload.size();
}

}  // namespace

Partition::Partition(Token, io::Storage& storage, std::string directory, const PartitionOptions& options)
    : storage_(storage), directory_(std::move(directory)), options_(options) {}

Partition::~Partition() = default;

std::string Partition::segment_path(std::uint64_t base_offset) const {
  return io::join_path(directory_, segment_file_name(base_offset));
}

Result<std::unique_ptr<Partition>> Partition::open(io::Storage& storage, std::string directory,
                                                   const PartitionOptions& options) {
  KMB_TRY(check_options(options));
  auto partition = std::make_unique<Partition>(Token{}, storage, std::move(directory), options);
  KMB_TRY(partition->create_or_load_manifest());
  KMB_TRY(partition->recover());
  return partition;
}

Status Partition::create_or_load_manifest() {
  const std::string manifest_path = io::join_path(directory_, manifest_file_name);
  KMB_ASSIGN_OR_RETURN(bool directory_exists, storage_.exists(directory_));
  bool needs_manifest = false;
  if (!directory_exists) {
    if (!options_.create_if_missing) return not_found("no log partition at " + directory_);
    KMB_TRY(storage_.create_directories(directory_));
    needs_manifest = true;
  } else {
    KMB_ASSIGN_OR_RETURN(bool is_directory, storage_.is_directory(directory_));
    if (!is_directory) return invalid_argument(directory_ + " is not a directory");
    KMB_ASSIGN_OR_RETURN(bool has_manifest, storage_.exists(manifest_path));
    if (!has_manifest) {
      // An empty directory (or one whose creation was interrupted before the manifest landed) may
      // become a partition; anything else is somebody else's data.
      KMB_ASSIGN_OR_RETURN(std::vector<std::string> names, storage_.list_directory(directory_));
      for (const std::string& name : names) {
        if (name != "LOCK" && name != std::string(manifest_file_name) + ".tmp") {
          return invalid_argument(directory_ + " is not a Kimberlite log partition (no PARTITION file, but it holds '" +
                                  name + "')");
        }
      }
      if (!options_.create_if_missing) return not_found("no log partition at " + directory_);
      needs_manifest = true;
    }
  }
  if (needs_manifest) {
    Manifest manifest{options_.tenant_id, 0};
    KMB_TRY(io::write_file_atomically(storage_, manifest_path, encode_manifest(manifest)));
    recovery_.created = true;
  } else {
    KMB_ASSIGN_OR_RETURN(Bytes bytes, io::read_whole_file(storage_, manifest_path));
    Result<Manifest> manifest = decode_manifest(bytes);
    if (!manifest.ok()) return manifest.status().with_context(manifest_path);
    if (manifest->tenant_id != options_.tenant_id) {
      return invalid_argument(directory_ + " holds the log of tenant " + std::to_string(manifest->tenant_id) +
                              ", not tenant " + std::to_string(options_.tenant_id));
    }
  }
  KMB_ASSIGN_OR_RETURN(lock_, storage_.lock_file(io::join_path(directory_, "LOCK")));
  return Status();
}

Status Partition::recover() {
  KMB_ASSIGN_OR_RETURN(std::vector<std::string> names, storage_.list_directory(directory_));
  std::vector<std::uint64_t> bases;
  for (const std::string& name : names) {
    if (std::optional<std::uint64_t> base = parse_segment_file_name(name)) bases.push_back(*base);
  }
  std::sort(bases.begin(), bases.end());
  if (bases.empty()) return create_segment(0);
  if (bases.front() != 0) {
    return corruption(segment_path(bases.front()) + ": the first segment starts at offset " +
                      std::to_string(bases.front()) + "; the segments before it are missing");
  }
  for (std::size_t i = 0; i + 1 < bases.size(); i++) {
    KMB_TRY(load_sealed_segment(bases[i], bases[i + 1]));
  }
  KMB_TRY(recover_last_segment(bases.back()));
  recovery_.segment_count = static_cast<std::uint32_t>(segments_.size());
  return Status();
}

Status Partition::load_sealed_segment(std::uint64_t base_offset, std::uint64_t next_base_offset) {
  const std::string path = segment_path(base_offset);
  if (base_offset != next_offset_) {
    return corruption(path + ": starts at offset " + std::to_string(base_offset) +
                      " but the previous segment ends before offset " + std::to_string(next_offset_));
  }
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<io::File> file, storage_.open(path, io::OpenMode::read_only));
  KMB_ASSIGN_OR_RETURN(std::uint64_t file_size, file->size());

  // The index is a cache: use it when it describes exactly this file and links to the chain.
  const std::string index_path = io::join_path(directory_, index_file_name(base_offset));
  std::optional<SegmentSummary> trusted;
  if (Result<Bytes> bytes = io::read_whole_file(storage_, index_path); bytes.ok()) {
    Result<SegmentSummary> summary = decode_index(*bytes);
    if (summary.ok() && summary->base_offset == base_offset && summary->segment_size == file_size &&
        summary->record_count > 0 && base_offset + summary->record_count == next_base_offset &&
        !summary->entries.empty() && summary->entries.front().offset == base_offset &&
        summary->entries.front().position == segment_header_size) {
      Bytes first(record_header_size);
      KMB_ASSIGN_OR_RETURN(std::size_t got, file->read_at(segment_header_size, first));
      RecordHeader header;
      if (got == first.size() && decode_record_header(first, header) == HeaderProblem::none &&
          header.offset == base_offset && header.prev_hash == last_hash_ &&
          header.tenant_id == options_.tenant_id) {
        trusted = std::move(*summary);
      }
    }
  }
  if (!trusted) {
    ScanExpectations expect{options_.tenant_id, base_offset, last_hash_, last_timestamp_ns_,
                            options_.index_interval_bytes};
    KMB_ASSIGN_OR_RETURN(SegmentScan scan, scan_segment(*file, file_size, expect));
    recovery_.segments_scanned++;
    if (scan.problem) {
      return corruption(path + ": " + scan.problem->reason + " (byte " + std::to_string(scan.problem->position) +
                        " of a sealed segment)");
    }
    if (base_offset + scan.summary.record_count != next_base_offset) {
      return corruption(path + ": holds offsets " + std::to_string(base_offset) + " to " +
                        std::to_string(base_offset + scan.summary.record_count) + " (exclusive) but the next segment starts at " +
                        std::to_string(next_base_offset));
    }
    // Best effort: without an index the next open scans this segment again.
    Status ignored = io::write_file_atomically(storage_, index_path, encode_index(scan.summary));
    if (ignored.ok()) recovery_.indexes_rebuilt++;
    trusted = std::move(scan.summary);
  }
  adopt_recovered_segment(std::move(*trusted), std::move(file));
  return Status();
}

void Partition::adopt_recovered_segment(SegmentSummary summary, std::unique_ptr<io::File> file) {
  Segment segment;
  segment.summary = std::move(summary);
  segment.file = std::move(file);
  segment.last_entry_position = segment.summary.entries.empty() ? 0 : segment.summary.entries.back().position;
  next_offset_ = segment.summary.base_offset + segment.summary.record_count;
  durable_offset_ = next_offset_;
  last_hash_ = segment.summary.last_hash;
  last_timestamp_ns_ = segment.summary.last_timestamp_ns;
  segments_.push_back(std::move(segment));
}

Status Partition::recover_last_segment(std::uint64_t base_offset) {
  const std::string path = segment_path(base_offset);
  if (base_offset != next_offset_) {
    return corruption(path + ": starts at offset " + std::to_string(base_offset) +
                      " but the previous segment ends before offset " + std::to_string(next_offset_));
  }
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<io::File> file, storage_.open(path, io::OpenMode::read_write));
  KMB_ASSIGN_OR_RETURN(std::uint64_t file_size, file->size());
  ScanExpectations expect{options_.tenant_id, base_offset, last_hash_, last_timestamp_ns_,
                          options_.index_interval_bytes};
  KMB_ASSIGN_OR_RETURN(SegmentScan scan, scan_segment(*file, file_size, expect));
  recovery_.segments_scanned++;

  if (scan.problem && scan.problem->position == 0) {
    // The segment header itself. Only an interrupted creation (nothing past the header) is benign.
    if (!scan.problem->incomplete_tail && file_size > segment_header_size) {
      return corruption(path + ": " + scan.problem->reason);
    }
    KMB_TRY(file->truncate(0));
    auto header = encode_segment_header(SegmentHeader{options_.tenant_id, base_offset});
    KMB_TRY(file->write_at(0, header));
    KMB_TRY(file->sync());
    recovery_.truncated_bytes += file_size;
    recovery_.truncation = path + ": rewrote a segment header whose creation was interrupted (" +
                           scan.problem->reason + ")";
    scan.summary.segment_size = segment_header_size;
  } else if (scan.problem) {
    KMB_ASSIGN_OR_RETURN(bool damage, valid_record_follows(*file, file_size, scan.problem->position,
                                                           options_.tenant_id, scan.problem->offset));
    if (damage) {
      return corruption(path + ": " + scan.problem->reason + " (byte " + std::to_string(scan.problem->position) +
                        "), and valid records follow it: this is damage, not an interrupted write");
    }
    const std::uint64_t keep = scan.summary.segment_size;
    KMB_TRY(file->truncate(keep));
    KMB_TRY(file->sync());
    recovery_.truncated_bytes += file_size - keep;
    recovery_.truncation = path + ": truncated " + std::to_string(file_size - keep) + " bytes from byte " +
                           std::to_string(keep) + " (offsets from " +
                           std::to_string(base_offset + scan.summary.record_count) +
                           " were never acknowledged): " + scan.problem->reason;
  }
  adopt_recovered_segment(std::move(scan.summary), std::move(file));
  return Status();
}

Status Partition::create_segment(std::uint64_t base_offset) {
  const std::string path = segment_path(base_offset);
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<io::File> file, storage_.open(path, io::OpenMode::create_or_open));
  auto header = encode_segment_header(SegmentHeader{options_.tenant_id, base_offset});
  Status status = file->truncate(0);
  if (status.ok()) status = file->write_at(0, header);
  if (status.ok()) status = file->sync();
  if (!status.ok()) {
    file.reset();
    Status ignored = storage_.remove(path);  // Best effort; recovery rewrites a torn header anyway.
    (void)ignored;
    return status.with_context("creating segment " + path);
  }
  Segment segment;
  segment.summary.base_offset = base_offset;
  segment.summary.segment_size = segment_header_size;
  segment.summary.last_hash = last_hash_;
  segment.summary.last_timestamp_ns = last_timestamp_ns_;
  segment.file = std::move(file);
  segments_.push_back(std::move(segment));
  return Status();
}

Status Partition::seal_active_segment() {
  Segment& active = segments_.back();
  KMB_ASSERT(active.summary.record_count > 0);
  Status synced = active.file->sync();
  if (!synced.ok()) return poison(synced);
  durable_offset_ = next_offset_;
  // Best effort: the index is a cache that the next open rebuilds if it is missing.
  Status ignored = io::write_file_atomically(
      storage_, io::join_path(directory_, index_file_name(active.summary.base_offset)), encode_index(active.summary));
  (void)ignored;
  return create_segment(next_offset_);
}

Status Partition::poison(const Status& cause) {
  KMB_ASSERT(!cause.ok());
  if (poison_reason_.empty()) poison_reason_ = cause.to_string();
  return cause;
}

Status Partition::validate_batch(std::span<const RecordInput> batch) const {
  if (batch.empty()) return invalid_argument("empty batch");
  if (batch.size() > options_.batch_records_max) {
    return resource_exhausted("batch of " + std::to_string(batch.size()) + " records exceeds the limit of " +
                              std::to_string(options_.batch_records_max));
  }
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < batch.size(); i++) {
    const RecordInput& input = batch[i];
    if (!is_valid_record_kind(static_cast<std::uint8_t>(input.kind))) {
      return invalid_argument("record " + std::to_string(i) + " of the batch has an invalid kind");
    }
    if ((input.flags & ~record_input_flags_allowed) != 0) {
      return invalid_argument("record " + std::to_string(i) + " of the batch has flags the caller may not set");
    }
    if ((input.flags & record_flag_encrypted) != 0 && !input.reason.empty()) {
      return invalid_argument("record " + std::to_string(i) + " is encrypted but has a clear-text reason");
    }
    if (input.reason.size() > record_reason_size_max) {
      return invalid_argument("record " + std::to_string(i) + ": reason of " + std::to_string(input.reason.size()) +
                              " bytes exceeds the limit of " + std::to_string(record_reason_size_max));
    }
    if (input.payload.size() > options_.record_payload_size_max_bytes) {
      return invalid_argument("record " + std::to_string(i) + ": payload of " + std::to_string(input.payload.size()) +
                              " bytes exceeds the limit of " + std::to_string(options_.record_payload_size_max_bytes));
    }
    total += input_size(input);
  }
  if (total > options_.batch_size_max_bytes) {
    return resource_exhausted("batch of " + std::to_string(total) + " bytes exceeds the limit of " +
                              std::to_string(options_.batch_size_max_bytes));
  }
  return Status();
}

Result<AppendResult> Partition::write(std::span<const RecordInput> batch, std::uint64_t timestamp_ns) {
  std::vector<Result<AppendResult>> results = write_many(std::span(&batch, 1), timestamp_ns);
  KMB_ASSERT(results.size() == 1);
  return std::move(results.front());
}

std::vector<Result<AppendResult>> Partition::write_many(std::span<const std::span<const RecordInput>> batches,
                                                        std::uint64_t timestamp_ns) {
  std::vector<Result<AppendResult>> results;
  results.reserve(batches.size());
  if (poisoned()) {
    Status refused = failed_precondition("log partition " + directory_ + " is read-only after an earlier error (" +
                                         poison_reason_ + "); reopen it to recover");
    for (std::size_t i = 0; i < batches.size(); i++) results.push_back(refused);
    return results;
  }
  const std::uint64_t timestamp = std::max(timestamp_ns, last_timestamp_ns_);
  Staging staging = begin_staging();
  for (std::size_t i = 0; i < batches.size(); i++) {
    const std::span<const RecordInput> batch = batches[i];
    if (Status valid = validate_batch(batch); !valid.ok()) {
      results.push_back(valid);
      continue;
    }
    std::uint64_t batch_bytes = 0;
    for (const RecordInput& input : batch) batch_bytes += input_size(input);
    const Segment& active = segments_.back();
    if (active.summary.record_count + staging.record_count > 0 &&
        active.summary.segment_size + write_buffer_.size() + batch_bytes > options_.segment_size_max_bytes) {
      // Batches never span segments: write what is staged, seal, and start the next segment.
      Status rotated = flush_staging(staging, timestamp, results);
      if (rotated.ok()) rotated = seal_active_segment();
      if (!rotated.ok()) {
        for (std::size_t j = i; j < batches.size(); j++) results.push_back(rotated);
        return results;
      }
      staging = begin_staging();
    }
    results.push_back(stage_batch(batch, timestamp, staging));
    staging.result_indexes.push_back(i);
  }
  Status ignored = flush_staging(staging, timestamp, results);  // Errors are in `results`.
  (void)ignored;
  return results;
}

Partition::Staging Partition::begin_staging() {
  const Segment& active = segments_.back();
  write_buffer_.clear();
  Staging staging;
  staging.start = active.summary.segment_size;
  staging.hash = last_hash_;
  staging.last_entry_position = active.last_entry_position;
  return staging;
}

AppendResult Partition::stage_batch(std::span<const RecordInput> batch, std::uint64_t timestamp, Staging& staging) {
  const Segment& active = segments_.back();
  const std::uint64_t first_offset = next_offset_ + staging.record_count;
  for (std::size_t i = 0; i < batch.size(); i++) {
    const RecordInput& input = batch[i];
    RecordHeader header;
    header.kind = input.kind;
    header.flags = static_cast<std::uint8_t>((i + 1 < batch.size() ? record_flag_batch_continues : 0) | input.flags);
    header.tenant_id = options_.tenant_id;
    header.offset = first_offset + i;
    header.timestamp_ns = timestamp;
    header.client_id = input.client_id;
    header.request_id = input.request_id;
    header.reason_length = static_cast<std::uint32_t>(input.reason.size());
    header.payload_length = static_cast<std::uint32_t>(input.payload.size());
    header.prev_hash = staging.hash;
    const std::uint64_t position = staging.start + write_buffer_.size();
    if ((active.summary.record_count == 0 && staging.record_count == 0 && i == 0) ||
        position - staging.last_entry_position >= options_.index_interval_bytes) {
      staging.entries.push_back(IndexEntry{header.offset, position});
      staging.last_entry_position = position;
    }
    staging.hash = encode_record(header, input.reason, input.payload, write_buffer_);
  }
  staging.record_count += batch.size();
  return AppendResult{first_offset, batch.size(), timestamp, staging.hash};
}

Status Partition::flush_staging(Staging& staging, std::uint64_t timestamp, std::vector<Result<AppendResult>>& results) {
  if (staging.record_count == 0) return Status();
  Segment& active = segments_.back();
  KMB_ASSERT(staging.start == active.summary.segment_size);
  Status written = active.file->write_at(staging.start, write_buffer_);
  if (!written.ok()) {
    // Take back whatever part of the buffer reached the file so that the next batch follows the
    // last good record; if even that fails, the file's tail is unknown: stop writing.
    Status rolled_back = active.file->truncate(staging.start);
    Status failure = rolled_back.ok() ? written.with_context("appending to " + segment_path(active.summary.base_offset))
                                      : poison(written);
    for (std::size_t index : staging.result_indexes) results[index] = failure;
    staging = Staging{};
    return failure;
  }
  active.summary.segment_size += write_buffer_.size();
  active.summary.record_count += staging.record_count;
  active.summary.last_hash = staging.hash;
  active.summary.last_timestamp_ns = timestamp;
  active.summary.entries.insert(active.summary.entries.end(), staging.entries.begin(), staging.entries.end());
  active.last_entry_position = staging.last_entry_position;
  next_offset_ += staging.record_count;
  last_hash_ = staging.hash;
  last_timestamp_ns_ = timestamp;
  staging = Staging{};
  return Status();
}

Status Partition::sync() {
  KMB_ASSIGN_OR_RETURN(SyncTicket ticket, begin_sync());
  if (ticket.file == nullptr) return Status();
  return finish_sync(ticket, ticket.file->sync());
}

Result<Partition::SyncTicket> Partition::begin_sync() {
  if (poisoned()) {
    return failed_precondition("log partition " + directory_ + " is read-only after an earlier error (" +
                               poison_reason_ + "); reopen it to recover");
  }
  if (durable_offset_ == next_offset_) return SyncTicket{nullptr, durable_offset_};
  // Segments before the active one were synced when they were sealed.
  return SyncTicket{segments_.back().file.get(), next_offset_};
}

Status Partition::finish_sync(const SyncTicket& ticket, const Status& outcome) {
  if (!outcome.ok()) return poison(outcome.with_context("syncing " + ticket.file->path()));
  if (poisoned()) {
    return failed_precondition("log partition " + directory_ + " is read-only after an earlier error (" +
                               poison_reason_ + "); reopen it to recover");
  }
  durable_offset_ = std::max(durable_offset_, ticket.offset);
  return Status();
}

Result<AppendResult> Partition::append(std::span<const RecordInput> batch, std::uint64_t timestamp_ns) {
  KMB_ASSIGN_OR_RETURN(AppendResult result, write(batch, timestamp_ns));
  KMB_TRY(sync());
  return result;
}

std::size_t Partition::segment_index_for(std::uint64_t offset) const {
  KMB_ASSERT(!segments_.empty());
  auto it = std::upper_bound(segments_.begin(), segments_.end(), offset,
                             [](std::uint64_t value, const Segment& s) { return value < s.summary.base_offset; });
  KMB_ASSERT(it != segments_.begin());
  return static_cast<std::size_t>(it - segments_.begin()) - 1;
}

Result<std::uint64_t> Partition::locate(std::size_t segment_index, std::uint64_t offset) {
  Segment& segment = segments_[segment_index];
  const auto& entries = segment.summary.entries;
  KMB_ASSERT(!entries.empty());
  auto it = std::upper_bound(entries.begin(), entries.end(), offset,
                             [](std::uint64_t value, const IndexEntry& e) { return value < e.offset; });
  KMB_ASSERT(it != entries.begin());
  --it;
  std::uint64_t position = it->position;
  std::uint64_t current = it->offset;
  if (current == offset) return position;
  // Walk the headers from the index entry, reading the stretch in one call.
  const std::uint64_t limit = segment.summary.segment_size;
  SequentialReader reader(*segment.file, limit);
  while (current < offset) {
    if (position + record_header_size > limit) break;
    KMB_ASSIGN_OR_RETURN(ByteSpan view, reader.view(position, record_header_size));
    RecordHeader header;
    HeaderProblem problem = decode_record_header(view, header);
    if (problem != HeaderProblem::none || header.offset != current) {
      return corruption(segment_path(segment.summary.base_offset) + ": offset " + std::to_string(current) +
                        " (byte " + std::to_string(position) + "): " +
                        (problem != HeaderProblem::none ? std::string(header_problem_text(problem))
                                                        : "record carries offset " + std::to_string(header.offset)));
    }
    position += header.record_size();
    current++;
  }
  if (current != offset) {
    return corruption(segment_path(segment.summary.base_offset) + ": offset " + std::to_string(offset) +
                      " not found where the index says it is");
  }
  return position;
}

Result<Record> Partition::read(std::uint64_t offset) {
  if (offset >= durable_offset_) {
    return not_found("offset " + std::to_string(offset) + " is past the end of the log (" +
                     std::to_string(durable_offset_) + " durable records)");
  }
  KMB_ASSIGN_OR_RETURN(Iterator iterator, iterate(offset));
  Record record;
  KMB_ASSIGN_OR_RETURN(bool found, iterator.next(record));
  KMB_ASSERT(found);
  return record;
}

Result<std::vector<Record>> Partition::read_range(std::uint64_t from, std::uint64_t to,
                                                  std::uint64_t size_max_bytes) {
  if (from > to) return invalid_argument("range start " + std::to_string(from) + " is after its end " + std::to_string(to));
  to = std::min(to, durable_offset_);
  std::vector<Record> records;
  if (from >= to) return records;
  KMB_ASSIGN_OR_RETURN(Iterator iterator, iterate(from));
  std::uint64_t bytes = 0;
  while (iterator.next_offset() < to && (records.empty() || bytes < size_max_bytes)) {
    Record record;
    KMB_ASSIGN_OR_RETURN(bool found, iterator.next(record));
    if (!found) break;
    bytes += record.payload.size() + record.reason.size();
    records.push_back(std::move(record));
  }
  return records;
}

Result<Partition::Iterator> Partition::iterate(std::uint64_t from) {
  if (from > durable_offset_) {
    return invalid_argument("offset " + std::to_string(from) + " is past the end of the log (" +
                            std::to_string(durable_offset_) + " durable records)");
  }
  return Iterator(*this, from, durable_offset_);
}

Result<bool> Partition::Iterator::next(Record& record) {
  if (offset_ >= end_) return false;
  Partition& p = *partition_;
  if (!positioned_) {
    segment_index_ = p.segment_index_for(offset_);
    KMB_ASSIGN_OR_RETURN(position_, p.locate(segment_index_, offset_));
    positioned_ = true;
    buffer_length_ = 0;
  }
  if (position_ >= p.segments_[segment_index_].summary.segment_size) {
    segment_index_++;
    KMB_ASSERT(segment_index_ < p.segments_.size());
    position_ = segment_header_size;
    buffer_length_ = 0;
  }
  Segment& segment = p.segments_[segment_index_];
  auto fetch = [&](std::uint64_t size) -> Result<ByteSpan> {
    if (position_ >= buffer_position_ && position_ + size <= buffer_position_ + buffer_length_) {
      return ByteSpan(buffer_.data() + (position_ - buffer_position_), size);
    }
    const std::uint64_t want = std::min<std::uint64_t>(std::max<std::uint64_t>(iterator_buffer_bytes, size),
                                                       segment.summary.segment_size - position_);
    if (want < size) {
      return corruption(p.segment_path(segment.summary.base_offset) + ": offset " + std::to_string(offset_) +
                        " extends past the end of the segment");
    }
    if (buffer_.size() < want) buffer_.resize(want);
    KMB_ASSIGN_OR_RETURN(std::size_t got, segment.file->read_at(position_, MutableByteSpan(buffer_.data(), want)));
    if (got < size) return io_error(segment.file->path() + ": short read at byte " + std::to_string(position_));
    buffer_position_ = position_;
    buffer_length_ = got;
    return ByteSpan(buffer_.data(), size);
  };
  auto damaged = [&](std::string_view why) {
    return corruption(p.segment_path(segment.summary.base_offset) + ": offset " + std::to_string(offset_) +
                      " (byte " + std::to_string(position_) + "): " + std::string(why));
  };
  KMB_ASSIGN_OR_RETURN(ByteSpan header_view, fetch(record_header_size));
  RecordHeader header;
  HeaderProblem problem = decode_record_header(header_view, header);
  if (problem != HeaderProblem::none) return damaged(header_problem_text(problem));
  if (header.offset != offset_ || header.tenant_id != p.options_.tenant_id) {
    return damaged("record header names another offset or tenant");
  }
  KMB_ASSIGN_OR_RETURN(ByteSpan record_view, fetch(header.record_size()));
  if (!record_crc_matches(record_view)) return damaged("record CRC mismatch");
  record = record_from_bytes(header, record_view);
  position_ += header.record_size();
  offset_++;
  return true;
}

std::uint64_t Partition::size_bytes() const {
  std::uint64_t total = 0;
  for (const Segment& segment : segments_) total += segment.summary.segment_size;
  return total;
}

}  // namespace kmb::log
