#include "log/segment_scan.h"

#include <algorithm>
#include <cstring>

namespace kmb::log {

Result<ByteSpan> SequentialReader::view(std::uint64_t position, std::size_t size) {
  KMB_ASSERT(position + size <= file_size_);
  if (position >= buffer_position_ && position + size <= buffer_position_ + buffer_length_) {
    return ByteSpan(buffer_.data() + (position - buffer_position_), size);
  }
  const std::size_t want = static_cast<std::size_t>(
      std::min<std::uint64_t>(std::max(chunk_size, size), file_size_ - position));
  if (buffer_.size() < want) buffer_.resize(want);
  KMB_ASSIGN_OR_RETURN(std::size_t got, file_.read_at(position, MutableByteSpan(buffer_.data(), want)));
  if (got < size) {
    return io_error(file_.path() + ": file shrank while reading (wanted " + std::to_string(size) +
                    " bytes at " + std::to_string(position) + ", got " + std::to_string(got) + ")");
  }
  buffer_position_ = position;
  buffer_length_ = got;
  return ByteSpan(buffer_.data(), size);
}

namespace {

// The scan's running state, committed at every batch boundary.
struct ScanCursor {
  std::uint64_t position = segment_header_size;
  std::uint64_t offset = 0;
  ChainHash hash{};
  std::uint64_t timestamp_ns = 0;
  std::uint64_t record_count = 0;
  std::size_t entry_count = 0;
};

std::string at_offset(std::uint64_t offset) { return "offset " + std::to_string(offset) + ": "; }

ScanProblem problem_at(const ScanCursor& cursor, std::string reason, bool incomplete_tail) {
  return ScanProblem{cursor.position, cursor.offset, at_offset(cursor.offset) + reason, incomplete_tail};
}

// Checks the header against what the chain expects. Returns an empty string when it matches.
std::string chain_mismatch(const RecordHeader& header, const ScanCursor& cursor,
                           const ScanExpectations& expect) {
  if (header.tenant_id != expect.tenant_id) {
    return "record belongs to tenant " + std::to_string(header.tenant_id) + ", partition is tenant " +
           std::to_string(expect.tenant_id);
  }
  if (header.offset != cursor.offset) {
    return "record carries offset " + std::to_string(header.offset) + ", expected " +
           std::to_string(cursor.offset);
  }
  if (header.prev_hash != cursor.hash) {
    return "hash chain broken: prev_hash " + to_hex(header.prev_hash) +
           " does not match the previous record's hash " + to_hex(cursor.hash);
  }
  if (header.timestamp_ns < cursor.timestamp_ns) return "timestamp goes backwards";
  return std::string();
}

}  // namespace

Result<SegmentScan> scan_segment(io::File& file, std::uint64_t file_size,
                                 const ScanExpectations& expect, const ScanProgress& progress) {
  SegmentScan scan;
  SegmentSummary& summary = scan.summary;
  summary.base_offset = expect.base_offset;
  summary.last_hash = expect.prev_hash;
  summary.last_timestamp_ns = expect.prev_timestamp_ns;
  summary.segment_size = 0;

  SequentialReader reader(file, file_size);
  if (file_size < segment_header_size) {
    scan.problem = ScanProblem{0, expect.base_offset,
                               "segment header cut short (" + std::to_string(file_size) + " bytes)", true};
    return scan;
  }
  KMB_ASSIGN_OR_RETURN(ByteSpan header_bytes, reader.view(0, segment_header_size));
  Result<SegmentHeader> segment_header = decode_segment_header(header_bytes);
  if (!segment_header.ok()) {
    if (segment_header.status().code() == StatusCode::unsupported) return segment_header.status();
    scan.problem = ScanProblem{0, expect.base_offset, segment_header.status().message(), false};
    return scan;
  }
  if (segment_header->tenant_id != expect.tenant_id || segment_header->base_offset != expect.base_offset) {
    scan.problem = ScanProblem{0, expect.base_offset,
                               "segment header names tenant " + std::to_string(segment_header->tenant_id) +
                                   " base offset " + std::to_string(segment_header->base_offset) +
                                   ", expected tenant " + std::to_string(expect.tenant_id) +
                                   " base offset " + std::to_string(expect.base_offset),
                               false};
    return scan;
  }

  ScanCursor cursor;
  cursor.offset = expect.base_offset;
  cursor.hash = expect.prev_hash;
  cursor.timestamp_ns = expect.prev_timestamp_ns;
  ScanCursor committed = cursor;  // Last batch boundary.
  std::uint64_t last_entry_position = 0;
  bool batch_open = false;

  while (cursor.position < file_size) {
    const std::uint64_t remaining = file_size - cursor.position;
    if (remaining < record_header_size) {
      scan.problem = problem_at(cursor, "record header cut short (" + std::to_string(remaining) + " bytes)", true);
      break;
    }
    KMB_ASSIGN_OR_RETURN(ByteSpan header_view, reader.view(cursor.position, record_header_size));
    RecordHeader header;
    HeaderProblem header_problem = decode_record_header(header_view, header);
    if (header_problem == HeaderProblem::newer_version) {
      return unsupported(file.path() + ": " + at_offset(cursor.offset) + std::string(header_problem_text(header_problem)));
    }
    if (header_problem != HeaderProblem::none) {
      scan.problem = problem_at(cursor, std::string(header_problem_text(header_problem)), false);
      break;
    }
    std::string mismatch = chain_mismatch(header, cursor, expect);
    if (!mismatch.empty()) {
      scan.problem = problem_at(cursor, mismatch, false);
      break;
    }
    const std::uint64_t size = header.record_size();
    if (size > remaining) {
      scan.problem = problem_at(cursor, "record cut short (" + std::to_string(remaining) + " of " +
                                            std::to_string(size) + " bytes present)", true);
      break;
    }
    KMB_ASSIGN_OR_RETURN(ByteSpan record_view, reader.view(cursor.position, static_cast<std::size_t>(size)));
    if (!record_crc_matches(record_view)) {
      scan.problem = problem_at(cursor, "record CRC mismatch", false);
      break;
    }
    if (cursor.record_count == 0 || cursor.position - last_entry_position >= expect.index_interval_bytes) {
      summary.entries.push_back(IndexEntry{cursor.offset, cursor.position});
      last_entry_position = cursor.position;
    }
    cursor.hash = crypto::sha256(record_view);
    cursor.timestamp_ns = header.timestamp_ns;
    cursor.position += size;
    cursor.offset += 1;
    cursor.record_count += 1;
    cursor.entry_count = summary.entries.size();
    batch_open = (header.flags & record_flag_batch_continues) != 0;
    if (!batch_open) committed = cursor;
    if (progress) progress(size);
  }
  if (!scan.problem && batch_open) {
    scan.problem = ScanProblem{cursor.position, committed.offset,
                               at_offset(committed.offset) + "batch is incomplete: its last record is missing",
                               true};
  }
  summary.record_count = committed.record_count;
  summary.segment_size = committed.position;
  summary.last_hash = committed.hash;
  summary.last_timestamp_ns = committed.timestamp_ns;
  summary.entries.resize(committed.entry_count);
  return scan;
}

Result<bool> valid_record_follows(io::File& file, std::uint64_t file_size, std::uint64_t position,
                                  std::uint64_t tenant_id, std::uint64_t offset_min) {
  std::uint8_t magic_bytes[4];
  store_le<std::uint32_t>(magic_bytes, record_magic);
  SequentialReader reader(file, file_size);
  for (std::uint64_t at = position + 1; at + record_header_size <= file_size;) {
    const std::size_t window = static_cast<std::size_t>(
        std::min<std::uint64_t>(SequentialReader::chunk_size, file_size - at));
    KMB_ASSIGN_OR_RETURN(ByteSpan bytes, reader.view(at, window));
    const std::uint8_t* found = nullptr;
    const std::uint8_t* cursor = bytes.data();
    const std::uint8_t* end = bytes.data() + bytes.size();
    while (cursor + 4 <= end) {
      const void* hit = std::memchr(cursor, magic_bytes[0], static_cast<std::size_t>(end - cursor - 3));
      if (hit == nullptr) break;
      const std::uint8_t* candidate = static_cast<const std::uint8_t*>(hit);
      if (std::memcmp(candidate, magic_bytes, 4) == 0) {
        found = candidate;
        break;
      }
      cursor = candidate + 1;
    }
    if (found == nullptr) {
      if (window < 4) break;
      at += window - 3;  // Overlap so a magic split across windows is still seen.
      continue;
    }
    const std::uint64_t candidate_position = at + static_cast<std::uint64_t>(found - bytes.data());
    if (candidate_position + record_header_size <= file_size) {
      KMB_ASSIGN_OR_RETURN(ByteSpan header_view, reader.view(candidate_position, record_header_size));
      RecordHeader header;
      if (decode_record_header(header_view, header) == HeaderProblem::none &&
          header.tenant_id == tenant_id && header.offset >= offset_min) {
        return true;
      }
    }
    at = candidate_position + 1;
  }
  return false;
}

}  // namespace kmb::log
