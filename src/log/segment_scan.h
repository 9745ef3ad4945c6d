// Sequential, streaming validation of one segment file: the shared engine of recovery (on open)
// and of verify. Reads the file in bounded chunks, so memory is O(chunk + largest record).
//
// For every record it checks: magic, format version, header CRC, kind and flags, length limits,
// that the record fits in the file, the record CRC, tenant id, consecutive offset, that prev_hash
// equals the chain hash of the previous record, and that timestamps never go backwards. It then
// extends the SHA-256 chain over the record's stored bytes.
//
// Thread-safety: a scan owns its buffer; the File must not be written concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "base/bytes.h"
#include "base/status.h"
#include "io/storage.h"
#include "log/format.h"

namespace kmb::log {

// Reads a file front to back through a bounded buffer.
class SequentialReader {
 public:
  static constexpr std::size_t chunk_size = 1 << 20;

  SequentialReader(io::File& file, std::uint64_t file_size) : file_(file), file_size_(file_size) {}

  // Returns a view of [position, position + size). REQUIRES: position + size <= file_size.
  // The view stays valid until the next call.
  Result<ByteSpan> view(std::uint64_t position, std::size_t size);

  std::uint64_t file_size() const { return file_size_; }

 private:
  io::File& file_;
  std::uint64_t file_size_;
  Bytes buffer_;
  std::uint64_t buffer_position_ = 0;
  std::size_t buffer_length_ = 0;
};

struct ScanProblem {
  // Byte position in the segment file of the bad record (the file size for an incomplete batch).
  // The valid prefix ends at SegmentScan::summary.segment_size, which may be earlier.
  std::uint64_t position = 0;
  std::uint64_t offset = 0;    // Log offset of the record that is bad (or would have been next).
  std::string reason;
  // True when the problem is only an incomplete write at the end of the file: a header or record
  // cut short, or a batch whose last record is missing. Anything else is damage.
  bool incomplete_tail = false;
};

struct ScanExpectations {
  std::uint64_t tenant_id = 0;
  std::uint64_t base_offset = 0;      // Offset of the first record in the segment.
  ChainHash prev_hash{};              // Chain hash of the record before base_offset.
  std::uint64_t prev_timestamp_ns = 0;
  std::uint32_t index_interval_bytes = 4096;
};

struct SegmentScan {
  // Describes the valid prefix of the segment, up to the end of its last complete batch.
  SegmentSummary summary;
  std::optional<ScanProblem> problem;
};

// Called after each record is validated, with the number of bytes it occupies (for progress).
using ScanProgress = std::function<void(std::uint64_t bytes)>;

// Scans a segment file (including its header) of `file_size` bytes. The segment header's problems
// are reported as a ScanProblem at position 0. I/O errors are returned as a non-ok Result.
Result<SegmentScan> scan_segment(io::File& file, std::uint64_t file_size,
                                 const ScanExpectations& expect,
                                 const ScanProgress& progress = nullptr);

// True if a record header that decodes cleanly, belongs to `tenant_id` and has an offset of at
// least `offset_min` starts anywhere in (position, file_size). Recovery uses this to tell a torn
// tail (nothing valid follows) from damage in the middle of the log (valid records follow).
Result<bool> valid_record_follows(io::File& file, std::uint64_t file_size, std::uint64_t position,
                                  std::uint64_t tenant_id, std::uint64_t offset_min);

}  // namespace kmb::log
