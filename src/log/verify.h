// verify_partition: walks a partition's whole hash chain, front to back, and reports the first
// problem: the segment, the offset, the byte position and why. It needs no keys (the chain covers
// the stored bytes) and no open Partition; it never writes. Memory is O(1) in the log size (one
// bounded read buffer), so it streams logs of any length.
//
// Strict by design: an incomplete write at the end (which open() would truncate) is reported as
// a problem too, so a clean result means every stored byte belongs to a complete, chained record.
//
// Thread-safety: reentrant. Verifying a partition that another process is appending to may report
// its in-flight tail as incomplete.
#pragma once

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
  // Called as verification advances; `bytes_total` is the size of all segment files.
  std::function<void(std::uint64_t bytes_done, std::uint64_t bytes_total)> progress;
};

// Errors (as Status): the directory is missing or not a partition, a newer format version, or an
// I/O error. Damage is not an error: it is the report's `problem`.
Result<VerifyReport> verify_partition(io::Storage& storage, const std::string& directory,
                                      const VerifyOptions& options = {});

}  // namespace kmb::log
