// verify_partition: walks a partition's whole hash chain, front to back, and reports the first
// problem: the segment, the offset, the byte position and why. It needs no keys (the chain covers
// the stored bytes) and no open Partition; it never writes.
//
// Strict by design: an incomplete write at the end (which open() would truncate) is reported as
// a problem too, so a clean result means every stored byte belongs to a complete, chained record.
//
// Parallel by design: hashing every byte with SHA-256 is nearly all of the work, and it needs no
// order. Each record stores its predecessor's chain hash, so the hash of a record depends only on
// its own bytes; records are therefore hashed (and CRC-checked) on all cores, a chunk of the file
// at a time, while the links between them (stored prev_hash == hash of the record before) and
// every other order-dependent check run on the calling thread in record order. The result,
// including which problem is reported first, is the same as one thread walking the chain
// (parallel_scan.h explains how; verify_partition_by_recovery_scan is that walk, and the tests
// compare the two on intact and damaged logs). Memory is O(read_chunk_size_bytes), about five
// times it at most, whatever the size of the log or of its records, so it streams logs of any
// length.
//
// Thread-safety: reentrant; each call starts and joins its own worker threads. Verifying a
// partition that another process is appending to may report its in-flight tail as incomplete.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "base/status.h"
#include "io/storage.h"
#include "log/format.h"

namespace kmb::log {

struct VerifyProblem {
  std::string segment;        // Path of the segment file.
  std::uint64_t offset = 0;   // Log offset of the first bad record.
  std::uint64_t position = 0; // Byte position in the segment file.
  std::string reason;
};

struct VerifyReport {
  std::uint64_t tenant_id = 0;
  std::uint64_t segment_count = 0;
  std::uint64_t record_count = 0;  // Records verified before the first problem (or all).
  std::uint64_t byte_count = 0;    // Bytes of segment files verified.
  ChainHash head_hash{};           // Chain hash of the last verified record: anchor it externally.
  std::optional<VerifyProblem> problem;

  bool intact() const { return !problem.has_value(); }
};

struct VerifyOptions {
  static constexpr std::size_t threads_auto_max = 8;
  static constexpr std::size_t read_chunk_size_bytes_default = 1U << 20;

  // Called on the calling thread as verification advances, with `bytes_done` never decreasing;
  // `bytes_total` is the size of all segment files. The last call, on an intact log, is
  // (bytes_total, bytes_total).
  std::function<void(std::uint64_t bytes_done, std::uint64_t bytes_total)> progress;
  // Threads that hash records, the calling thread included. 0 = one per core, at most
  // threads_auto_max. Must not exceed WorkerPool::thread_count_max (64).
  std::size_t threads = 0;
  // Bytes read and hashed as one unit; two such buffers are in use at a time. Between
  // ParallelSegmentScanner::chunk_size_min_bytes (4 KiB) and chunk_size_max_bytes (1 GiB).
  // Tests use small chunks so that records straddle chunks and exceed them.
  std::size_t read_chunk_size_bytes = read_chunk_size_bytes_default;
};

// Errors (as Status): the directory is missing or not a partition, a newer format version, an
// I/O error, or options out of range (invalid_argument). Damage is not an error: it is the
// report's `problem`.
Result<VerifyReport> verify_partition(io::Storage& storage, const std::string& directory,
                                      const VerifyOptions& options = {});

// The same verification, one record at a time on the calling thread through scan_segment, the
// engine that recovers a partition on open. Its result equals verify_partition's for every stored
// content, and it is the reference the parallel engine is tested against. (Only when reads fail
// may the two differ: each batches its reads its own way, so which failing read or which problem
// comes first can differ.) Ignores `threads` and `read_chunk_size_bytes`.
Result<VerifyReport> verify_partition_by_recovery_scan(io::Storage& storage, const std::string& directory,
                                                       const VerifyOptions& options = {});

}  // namespace kmb::log
