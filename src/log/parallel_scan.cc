#include "log/parallel_scan.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "crypto/crc32c.h"
#include "crypto/sha256.h"

namespace kmb::log {

namespace {

std::string at_offset(std::uint64_t offset) {
  return "offset " + std::to_string(offset) + ": ";
}

// The same checks, in the same order and with the same words, as scan_segment's chain check: the
// differential tests (verify_parallel_test.cc) compare the two on damaged logs.
std::string chain_mismatch(const RecordHeader& header, std::uint64_t tenant_id, std::uint64_t offset,
                           const ChainHash& hash, std::uint64_t timestamp_ns) {
  if (header.tenant_id != tenant_id) {
    return "record belongs to tenant " + std::to_string(header.tenant_id) + ", partition is tenant " +
           std::to_string(tenant_id);
  }
  if (header.offset != offset) {
    return "record carries offset " + std::to_string(header.offset) + ", expected " + std::to_string(offset);
  }
  if (header.prev_hash != hash) {
    return "hash chain broken: prev_hash " + to_hex(header.prev_hash) + " does not match the previous record's hash " +
           to_hex(hash);
  }
  if (header.timestamp_ns < timestamp_ns) return "timestamp goes backwards";
  return std::string();
}

}  // namespace

ParallelSegmentScanner::ParallelSegmentScanner(WorkerPool& pool, std::size_t chunk_size_bytes)
    : pool_(pool), chunk_size_bytes_(chunk_size_bytes) {
  KMB_ASSERT(chunk_size_bytes >= chunk_size_min_bytes);
  KMB_ASSERT(chunk_size_bytes <= chunk_size_max_bytes);
  static_assert(chunk_size_min_bytes >= record_header_size);
}

Result<SegmentScan> ParallelSegmentScanner::scan(io::File& file, std::uint64_t file_size,
                                                 const ScanExpectations& expect, const ScanProgress& progress) {
  // The segment header is checked by the recovery engine itself, over the header bytes alone:
  // with no record bytes to read it reports exactly its header problems, or an empty scan.
  KMB_ASSIGN_OR_RETURN(SegmentScan head,
                       scan_segment(file, std::min<std::uint64_t>(file_size, segment_header_size), expect));
  if (head.problem || file_size <= segment_header_size) return head;

  Run run{file, file_size, expect, progress, std::move(head), Cursor{}, Cursor{}, false};
  run.cursor.offset = expect.base_offset;
  run.cursor.hash = expect.prev_hash;
  run.cursor.timestamp_ns = expect.prev_timestamp_ns;
  run.committed = run.cursor;

  // The pool always hashes one chunk while this thread works on the other: it delimits the next
  // chunk, then (once the current one is hashed and the next one handed over) checks the current
  // one in order. The guard joins the pool on every way out, so no worker outlives a buffer.
  struct JoinPool {
    WorkerPool& pool;
    ~JoinPool() { pool.finish(); }
  } join_pool{pool_};
  const auto start_hashing = [this](Chunk& chunk) {
    pool_.start(chunk.task_ends.size(), [&chunk](std::size_t task) { hash_task(chunk, task); });
  };
  Chunk* current = &chunks_[0];
  Chunk* next = &chunks_[1];
  KMB_TRY(load(run, *current, segment_header_size));
  start_hashing(*current);
  while (true) {
    // A read error ahead only matters if every record before it passes.
    Status next_loaded;
    const bool read_ahead = current->stop == Stop::none && current->end < file_size;
    if (read_ahead) next_loaded = load(run, *next, current->end);
    pool_.finish();
    if (read_ahead && next_loaded.ok()) start_hashing(*next);
    KMB_ASSIGN_OR_RETURN(bool go_on, check(run, *current));
    if (!go_on) break;
    KMB_TRY(next_loaded);
    if (read_ahead) {
      std::swap(current, next);
    } else if (run.cursor.position < file_size) {
      KMB_TRY(load(run, *current, run.cursor.position));  // After a record larger than a chunk.
      start_hashing(*current);
    } else {
      break;
    }
  }

  SegmentScan& scan = run.scan;
  if (!scan.problem && run.batch_open) {
    scan.problem =
        ScanProblem{run.cursor.position, run.committed.offset,
                    at_offset(run.committed.offset) + "batch is incomplete: its last record is missing", true};
  }
  scan.summary.record_count = run.committed.record_count;
  scan.summary.segment_size = run.committed.position;
  scan.summary.last_hash = run.committed.hash;
  scan.summary.last_timestamp_ns = run.committed.timestamp_ns;
  return std::move(run.scan);
}

Status ParallelSegmentScanner::load(Run& run, Chunk& chunk, std::uint64_t position) {
  KMB_ASSERT(position < run.file_size);
  const std::size_t want =
      static_cast<std::size_t>(std::min<std::uint64_t>(chunk_size_bytes_, run.file_size - position));
  if (chunk.buffer.size() < want) chunk.buffer.resize(want);
  KMB_ASSIGN_OR_RETURN(std::size_t got, run.file.read_at(position, MutableByteSpan(chunk.buffer.data(), want)));
  if (got < want) {
    return io_error(run.file.path() + ": file shrank while reading (wanted " + std::to_string(want) + " bytes at " +
                    std::to_string(position) + ", got " + std::to_string(got) + ")");
  }
  chunk.position = position;
  chunk.length = want;
  delimit(run, chunk);
  // A chunk holds at least one header, so it either makes progress or stops the scan.
  KMB_ASSERT(chunk.stop != Stop::none || chunk.end > chunk.position);
  return Status();
}

void ParallelSegmentScanner::delimit(const Run& run, Chunk& chunk) {
  chunk.records.clear();
  // Every record takes at least record_overhead_size bytes: reserving the most a chunk can hold
  // keeps the table from ever doubling past it.
  chunk.records.reserve(chunk.length / record_overhead_size + 1);
  chunk.task_ends.clear();
  chunk.stop = Stop::none;
  const std::uint64_t chunk_end = chunk.position + chunk.length;
  std::uint64_t position = chunk.position;
  std::size_t task_bytes = 0;
  while (position < run.file_size) {
    const std::uint64_t remaining = run.file_size - position;
    if (remaining < record_header_size) {
      chunk.stop = Stop::header_cut_short;
      break;
    }
    if (position + record_header_size > chunk_end) break;  // Continues in the next chunk.
    const std::uint8_t* bytes = chunk.buffer.data() + (position - chunk.position);
    // Decoded in place: the table is written once per record, and small records make it hot.
    RecordSlot& record = chunk.records.emplace_back();
    record.position = position;
    chunk.header_problem = decode_record_header(ByteSpan(bytes, record_header_size), record.header);
    const std::uint64_t size = record.header.record_size();
    if (chunk.header_problem != HeaderProblem::none) {
      chunk.stop = Stop::bad_header;
    } else if (size > remaining) {
      chunk.stop = Stop::record_cut_short;
    } else if (position + size > chunk_end && position == chunk.position) {
      chunk.stop = Stop::large_record;
    } else if (position + size <= chunk_end) {
      position += size;
      task_bytes += static_cast<std::size_t>(size);
      if (task_bytes >= hash_task_size_bytes) {
        chunk.task_ends.push_back(chunk.records.size());
        task_bytes = 0;
      }
      continue;
    }
    // The record does not join this chunk: it stops the scan here or, cut by the chunk's end but
    // no larger than a chunk, it starts the next chunk.
    chunk.stop_header = record.header;
    chunk.records.pop_back();
    break;
  }
  if (task_bytes > 0) chunk.task_ends.push_back(chunk.records.size());
  chunk.end = position;
}

void ParallelSegmentScanner::hash_task(Chunk& chunk, std::size_t task) {
  const std::size_t begin = task == 0 ? 0 : chunk.task_ends[task - 1];
  const std::size_t end = chunk.task_ends[task];
  for (std::size_t i = begin; i < end; i++) {
    RecordSlot& record = chunk.records[i];
    const ByteSpan bytes(chunk.buffer.data() + (record.position - chunk.position),
                         static_cast<std::size_t>(record.header.record_size()));
    record.crc_matches = record_crc_matches(bytes);
    record.hash = crypto::sha256(bytes);
  }
}

Result<bool> ParallelSegmentScanner::check(Run& run, Chunk& chunk) {
  std::uint64_t verified_bytes = 0;
  const auto report_progress = [&] {
    if (run.progress && verified_bytes > 0) run.progress(verified_bytes);
  };
  const auto fail = [&](std::string reason, bool incomplete_tail) {
    run.scan.problem = ScanProblem{run.cursor.position, run.cursor.offset,
                                   at_offset(run.cursor.offset) + std::move(reason), incomplete_tail};
    report_progress();
    return false;
  };
  const auto chain_problem = [&](const RecordHeader& header) {
    return chain_mismatch(header, run.expect.tenant_id, run.cursor.offset, run.cursor.hash, run.cursor.timestamp_ns);
  };

  for (const RecordSlot& record : chunk.records) {
    KMB_ASSERT(record.position == run.cursor.position);
    const RecordHeader& header = record.header;
    // The same conditions as chain_mismatch(), without building its (empty) answer per record.
    if (header.tenant_id != run.expect.tenant_id || header.offset != run.cursor.offset ||
        header.prev_hash != run.cursor.hash || header.timestamp_ns < run.cursor.timestamp_ns) {
      std::string mismatch = chain_problem(header);
      KMB_ASSERT(!mismatch.empty());
      return fail(std::move(mismatch), false);
    }
    if (!record.crc_matches) return fail("record CRC mismatch", false);
    advance(run, record.header, record.hash);
    verified_bytes += record.header.record_size();
  }
  report_progress();
  KMB_ASSERT(run.cursor.position == chunk.end);

  const std::uint64_t remaining = run.file_size - run.cursor.position;
  switch (chunk.stop) {
    case Stop::none:
      return true;
    case Stop::header_cut_short:
      return fail("record header cut short (" + std::to_string(remaining) + " bytes)", true);
    case Stop::bad_header:
      if (chunk.header_problem == HeaderProblem::newer_version) {
        return unsupported(run.file.path() + ": " + at_offset(run.cursor.offset) +
                           std::string(header_problem_text(chunk.header_problem)));
      }
      return fail(std::string(header_problem_text(chunk.header_problem)), false);
    case Stop::record_cut_short: {
      std::string mismatch = chain_problem(chunk.stop_header);
      if (!mismatch.empty()) return fail(std::move(mismatch), false);
      return fail("record cut short (" + std::to_string(remaining) + " of " +
                      std::to_string(chunk.stop_header.record_size()) + " bytes present)",
                  true);
    }
    case Stop::large_record: {
      std::string mismatch = chain_problem(chunk.stop_header);
      if (!mismatch.empty()) return fail(std::move(mismatch), false);
      const RecordHeader header = chunk.stop_header;
      KMB_ASSIGN_OR_RETURN(bool crc_matches, check_large_record(run, chunk, header));
      if (!crc_matches) return fail("record CRC mismatch", false);
      return true;
    }
  }
  KMB_UNREACHABLE();
}

Result<bool> ParallelSegmentScanner::check_large_record(Run& run, Chunk& chunk, const RecordHeader& header) {
  // The chunk's buffer is free: its records (none, as this record opens the chunk) are checked.
  KMB_ASSERT(chunk.records.empty());
  const std::uint64_t size = header.record_size();
  // The CRC covers every byte before it. The hasher is per record, so an I/O error halfway leaves
  // no state behind.
  const std::uint64_t crc_end = size - record_trailer_size;
  crypto::Sha256 hasher;
  std::uint32_t crc = 0;
  std::array<std::uint8_t, record_trailer_size> stored_crc{};
  for (std::uint64_t done = 0; done < size;) {
    const std::size_t piece = static_cast<std::size_t>(std::min<std::uint64_t>(chunk_size_bytes_, size - done));
    if (chunk.buffer.size() < piece) chunk.buffer.resize(piece);
    const std::uint64_t position = run.cursor.position + done;
    KMB_ASSIGN_OR_RETURN(std::size_t got, run.file.read_at(position, MutableByteSpan(chunk.buffer.data(), piece)));
    if (got < piece) {
      return io_error(run.file.path() + ": file shrank while reading (wanted " + std::to_string(piece) + " bytes at " +
                      std::to_string(position) + ", got " + std::to_string(got) + ")");
    }
    const ByteSpan bytes(chunk.buffer.data(), piece);
    hasher.update(bytes);
    const std::uint64_t piece_end = done + piece;
    if (done < crc_end) {
      const std::size_t covered = static_cast<std::size_t>(std::min(piece_end, crc_end) - done);
      crc = crypto::crc32c_extend(crc, bytes.first(covered));
    }
    for (std::uint64_t at = std::max(done, crc_end); at < piece_end; at++) {
      stored_crc[static_cast<std::size_t>(at - crc_end)] = bytes[static_cast<std::size_t>(at - done)];
    }
    done = piece_end;
  }
  const ChainHash hash = hasher.finish();
  if (load_le<std::uint32_t>(stored_crc.data()) != crc) return false;
  advance(run, header, hash);
  if (run.progress) run.progress(size);
  return true;
}

void ParallelSegmentScanner::advance(Run& run, const RecordHeader& header, const ChainHash& hash) {
  run.cursor.hash = hash;
  run.cursor.timestamp_ns = header.timestamp_ns;
  run.cursor.position += header.record_size();
  run.cursor.offset += 1;
  run.cursor.record_count += 1;
  run.batch_open = (header.flags & record_flag_batch_continues) != 0;
  if (!run.batch_open) run.committed = run.cursor;
}

}  // namespace kmb::log
