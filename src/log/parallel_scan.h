// ParallelSegmentScanner: verification's engine for one segment file. It checks exactly what
// scan_segment (segment_scan.h) checks and reports the same first problem, but spreads the
// expensive part, the SHA-256 and CRC32C of every record, over a WorkerPool.
//
// Why this is safe: every record stores the chain hash of its predecessor in its header, so the
// hash of record i depends only on record i's own bytes and all hashes can be computed at once.
// Only the links (record i's stored prev_hash against the hash of record i-1) and the other order-
// dependent checks (offsets, timestamps, batches) are sequential, and they run on the calling
// thread in record order after the hashes of a chunk are in. So the first failing check is the one
// scan_segment would hit first, with the same position, offset and reason.
//
// How: the segment is read in chunks of `chunk_size_bytes`, two buffers in turn. The calling
// thread reads a chunk and finds its record boundaries (it decodes each fixed header; nothing is
// hashed), then hands the chunk's whole records to the pool, which CRC-checks and hashes them.
// While the pool works, the calling thread reads and delimits the next chunk and helps hash; then,
// with the pool already hashing that next chunk, it checks links and every other condition of the
// hashed chunk in record order. A record cut by the end of a chunk starts the next chunk. A record
// larger than a chunk is read in chunk-sized pieces and hashed incrementally on the calling thread.
// Memory is two chunk buffers and their record tables (one entry per record, and a record takes
// at least record_overhead_size bytes): about 5 x chunk_size_bytes at most, independent of the
// size of segments and records.
//
// The default chunk (1 MiB, VerifyOptions) is small on purpose: a chunk is hashed while it is
// still in the processor's caches from being read. Single-threaded, 4 MiB chunks measured ~4%
// slower; with 2 threads 0.5, 1 and 4 MiB measured the same (bench/log_bench.cc).
//
// The index entries of SegmentSummary are not computed (verification does not need them).
//
// Thread-safety: one scan at a time per scanner; the scanner owns its buffers. `progress` is
// called on the calling thread. The File must not be written concurrently.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "io/storage.h"
#include "log/format.h"
#include "log/segment_scan.h"
#include "log/worker_pool.h"

namespace kmb::log {

class ParallelSegmentScanner {
 public:
  static constexpr std::size_t chunk_size_min_bytes = 4096;
  static constexpr std::size_t chunk_size_max_bytes = 1ULL << 30;
  // Records are handed to the pool in runs of about this many bytes: large enough that claiming a
  // run costs nothing next to hashing it, small enough that a chunk splits evenly across threads.
  static constexpr std::size_t hash_task_size_bytes = 64 << 10;

  // REQUIRES: chunk_size_min_bytes <= chunk_size_bytes <= chunk_size_max_bytes.
  ParallelSegmentScanner(WorkerPool& pool, std::size_t chunk_size_bytes);

  // Same contract as scan_segment(), except that summary.entries stays empty.
  Result<SegmentScan> scan(io::File& file, std::uint64_t file_size, const ScanExpectations& expect,
                           const ScanProgress& progress = nullptr);

 private:
  // A record whose bytes lie wholly inside a chunk; `hash` and `crc_matches` are the pool's output.
  struct RecordSlot {
    std::uint64_t position = 0;  // In the segment file.
    RecordHeader header;
    ChainHash hash{};
    bool crc_matches = false;
  };

  // Why delimiting a chunk stopped before its end.
  enum class Stop : std::uint8_t {
    none,              // At the end of the chunk or the file: continue at `end`.
    header_cut_short,  // Fewer than record_header_size bytes left in the file.
    bad_header,        // The header at `end` does not decode (`header_problem`).
    record_cut_short,  // The record at `end` (`stop_header`) runs past the end of the file.
    large_record,      // The record at `end` (`stop_header`) is larger than a chunk.
  };

  struct Chunk {
    Bytes buffer;
    std::uint64_t position = 0;  // File position of buffer[0].
    std::size_t length = 0;
    std::vector<RecordSlot> records;
    std::vector<std::size_t> task_ends;  // Task t covers records [task_ends[t-1], task_ends[t]).
    std::uint64_t end = 0;               // File position after the last record in `records`.
    Stop stop = Stop::none;
    HeaderProblem header_problem = HeaderProblem::none;
    RecordHeader stop_header;
  };

  // The order-dependent state of the scan, as in scan_segment.
  struct Cursor {
    std::uint64_t position = segment_header_size;
    std::uint64_t offset = 0;
    ChainHash hash{};
    std::uint64_t timestamp_ns = 0;
    std::uint64_t record_count = 0;
  };

  // One scan's inputs and running state.
  struct Run {
    io::File& file;
    std::uint64_t file_size;
    const ScanExpectations& expect;
    const ScanProgress& progress;
    SegmentScan scan;
    Cursor cursor;
    Cursor committed;  // Last batch boundary.
    bool batch_open = false;
  };

  // Reads the chunk starting at `position` and delimits its records.
  Status load(Run& run, Chunk& chunk, std::uint64_t position);
  static void delimit(const Run& run, Chunk& chunk);
  static void hash_task(Chunk& chunk, std::size_t task);
  // Checks the chunk's records in order, then its stop condition. Returns false once the scan is
  // over (a problem was recorded).
  Result<bool> check(Run& run, Chunk& chunk);
  // Reads, CRC-checks and hashes a record larger than a chunk, piece by piece.
  Result<bool> check_large_record(Run& run, Chunk& chunk, const RecordHeader& header);
  static void advance(Run& run, const RecordHeader& header, const ChainHash& hash);

  WorkerPool& pool_;
  std::size_t chunk_size_bytes_;
  std::array<Chunk, 2> chunks_;
};

}  // namespace kmb::log
