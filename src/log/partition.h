// Partition: one tenant's append-only, hash-chained log — a directory of segment files.
//
//   DIR/PARTITION                       manifest: format version, tenant id (docs/format/log.md)
//   DIR/LOCK                            advisory lock: one process opens a partition at a time
//   DIR/00000000000000000000.segment    records with offsets 0..n-1
//   DIR/0000000000000000000n.segment    the next segment, and so on
//   DIR/0000000000000000000n.index      sparse index + summary of a sealed segment (a cache)
//
// Records are appended in atomic batches. write() makes a batch visible to this object only;
// sync() makes everything written durable; append() = write() + sync(). Readers see only durable
// records, so nothing a crash could take away is ever handed out.
//
// Opening recovers: the last segment is scanned record by record; an incomplete write at its end
// (a record or batch cut short, or bytes that do not form a record, with no valid record after
// them) is truncated and described in recovery_report(). Damage anywhere else — a CRC or chain
// mismatch followed by valid records, or in a sealed segment — refuses the open with a corruption
// error naming the segment and offset. Sealed segments are trusted through their index file when it
// matches the segment's size; verify_partition() (verify.h) checks every byte.
//
// After a failed sync or a write that could not be rolled back the partition is poisoned: further
// writes fail with failed_precondition; durable records stay readable; reopening recovers.
//
// Thread-safety: not thread-safe. GroupCommitter (group_commit.h) shares one between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "io/storage.h"
#include "log/format.h"

namespace kmb::log {

struct PartitionOptions {
  std::uint64_t tenant_id = 0;
  bool create_if_missing = true;
  // A segment is sealed and a new one started when the next batch would grow it past this size.
  std::uint64_t segment_size_max_bytes = 64ULL << 20;
  std::uint32_t record_payload_size_max_bytes = 16U << 20;
  // Largest batch accepted by write(), in bytes as stored and in records.
  std::uint64_t batch_size_max_bytes = 64ULL << 20;
  std::uint32_t batch_records_max = 1U << 16;
  // Distance between sparse index entries.
  std::uint32_t index_interval_bytes = 4096;
};

struct RecoveryReport {
  bool created = false;
  std::uint32_t segment_count = 0;
  std::uint32_t segments_scanned = 0;
  std::uint32_t indexes_rebuilt = 0;
  std::uint64_t truncated_bytes = 0;
  std::string truncation;  // What was truncated and why; empty when nothing was.
};

struct AppendResult {
  std::uint64_t first_offset = 0;
  std::uint64_t record_count = 0;
  std::uint64_t timestamp_ns = 0;
  ChainHash last_hash{};
};

class Partition {
 private:
  struct Token {};

 public:
  Partition(Token, io::Storage& storage, std::string directory, const PartitionOptions& options);
  ~Partition();
  Partition(const Partition&) = delete;
  Partition& operator=(const Partition&) = delete;

  // Opens (and if allowed creates) the partition in `directory`.
  static Result<std::unique_ptr<Partition>> open(io::Storage& storage, std::string directory,
                                                 const PartitionOptions& options);

  // Writes one atomic batch (not yet durable). Offsets are consecutive from next_offset(); the
  // timestamp is max(timestamp_ns, last timestamp) so it never goes backwards. Validates every
  // record first: on invalid input nothing is written. On an I/O error the batch is rolled back.
  Result<AppendResult> write(std::span<const RecordInput> batch, std::uint64_t timestamp_ns);

  // write() for several independent batches with one write to the file (group commit). Each
  // batch gets its own result: an invalid batch fails alone; an I/O error fails the batches it hit.
  std::vector<Result<AppendResult>> write_many(std::span<const std::span<const RecordInput>> batches,
                                               std::uint64_t timestamp_ns);

  // Makes every written batch durable (fdatasync).
  Status sync();

  // sync() in two halves, so that a caller sharing the partition between threads can run the slow
  // fdatasync without holding its lock: begin_sync() names the file and the offset it will make
  // durable; the caller syncs `file` (unlocked; null when there is nothing to sync), then reports
  // the outcome to finish_sync() (a failure poisons the partition).
  struct SyncTicket {
    io::File* file = nullptr;
    std::uint64_t offset = 0;  // Everything below it is durable once `file` is synced.
  };
  Result<SyncTicket> begin_sync();
  Status finish_sync(const SyncTicket& ticket, const Status& outcome);

  // write() + sync().
  Result<AppendResult> append(std::span<const RecordInput> batch, std::uint64_t timestamp_ns);

  // Reads one durable record; checks its CRCs. not_found past the durable end.
  Result<Record> read(std::uint64_t offset);

  // Reads durable records [from, to), at most `size_max_bytes` of payload+reason (always >= 1
  // record when the range is non-empty).
  Result<std::vector<Record>> read_range(std::uint64_t from, std::uint64_t to,
                                         std::uint64_t size_max_bytes = 16ULL << 20);

  // Sequential reader over durable records, fetching through a bounded buffer.
  class Iterator {
   public:
    // Returns false at the end.
    Result<bool> next(Record& record);
    std::uint64_t next_offset() const { return offset_; }

   private:
    friend class Partition;
    Iterator(Partition& partition, std::uint64_t offset, std::uint64_t end)
        : partition_(&partition), offset_(offset), end_(end) {}
    Partition* partition_;
    std::uint64_t offset_;
    std::uint64_t end_;
    std::size_t segment_index_ = 0;
    std::uint64_t position_ = 0;
    bool positioned_ = false;
    Bytes buffer_;
    std::uint64_t buffer_position_ = 0;
    std::size_t buffer_length_ = 0;
  };
  // REQUIRES: nothing is written while the iterator is used. invalid_argument if `from` is past the end.
  Result<Iterator> iterate(std::uint64_t from);

  std::uint64_t tenant_id() const { return options_.tenant_id; }
  const std::string& directory() const { return directory_; }
  std::uint64_t next_offset() const { return next_offset_; }        // Written.
  std::uint64_t durable_offset() const { return durable_offset_; }  // Durable and readable.
  const ChainHash& last_hash() const { return last_hash_; }         // Of the last written record.
  std::uint64_t last_timestamp_ns() const { return last_timestamp_ns_; }
  std::size_t segment_count() const { return segments_.size(); }
  std::uint64_t size_bytes() const;
  bool poisoned() const { return !poison_reason_.empty(); }
  const RecoveryReport& recovery_report() const { return recovery_; }
  const PartitionOptions& options() const { return options_; }

 private:
  struct Segment {
    SegmentSummary summary;  // summary.segment_size = bytes written so far (header included).
    std::unique_ptr<io::File> file;
    std::uint64_t last_entry_position = 0;
  };


  // Batches encoded into write_buffer_ but not yet written to the active segment.
  struct Staging {
    std::uint64_t start = 0;  // File position of write_buffer_[0].
    std::uint64_t record_count = 0;
    ChainHash hash{};
    std::uint64_t last_entry_position = 0;
    std::vector<IndexEntry> entries;
    std::vector<std::size_t> result_indexes;
  };
  Staging begin_staging();
  AppendResult stage_batch(std::span<const RecordInput> batch, std::uint64_t timestamp, Staging& staging);
  Status flush_staging(Staging& staging, std::uint64_t timestamp, std::vector<Result<AppendResult>>& results);

  Status create_or_load_manifest();
  Status recover();
  Status load_sealed_segment(std::uint64_t base_offset, std::uint64_t next_base_offset);
  Status recover_last_segment(std::uint64_t base_offset);
  // Appends a segment found on open and moves the write frontier to its end.
  void adopt_recovered_segment(SegmentSummary summary, std::unique_ptr<io::File> file);
  Status create_segment(std::uint64_t base_offset);
  Status seal_active_segment();
  Status validate_batch(std::span<const RecordInput> batch) const;
  Status poison(const Status& cause);
  std::string segment_path(std::uint64_t base_offset) const;
  Segment& segment_for(std::uint64_t offset);
  std::size_t segment_index_for(std::uint64_t offset) const;
  Result<std::uint64_t> locate(std::size_t segment_index, std::uint64_t offset);

  io::Storage& storage_;
  std::string directory_;
  PartitionOptions options_;
  std::unique_ptr<io::FileLock> lock_;
  std::vector<Segment> segments_;  // Ordered by base offset; the last one is active.
  std::uint64_t next_offset_ = 0;
  std::uint64_t durable_offset_ = 0;
  ChainHash last_hash_{};
  std::uint64_t last_timestamp_ns_ = 0;
  Bytes write_buffer_;
  std::string poison_reason_;
  RecoveryReport recovery_;
};

}  // namespace kmb::log
