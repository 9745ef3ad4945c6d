#include "log/verify.h"

#include <algorithm>
#include <thread>
#include <vector>

#include "log/parallel_scan.h"
#include "log/segment_scan.h"
#include "log/worker_pool.h"

namespace kmb::log {

namespace {

struct SegmentFile {
  std::uint64_t base_offset = 0;
  std::string path;
  std::unique_ptr<io::File> file;
  std::uint64_t size = 0;
};

Result<Manifest> load_manifest(io::Storage& storage, const std::string& directory) {
  KMB_ASSIGN_OR_RETURN(bool exists, storage.exists(directory));
  if (!exists) return not_found("no log partition at " + directory);
  const std::string path = io::join_path(directory, manifest_file_name);
  KMB_ASSIGN_OR_RETURN(bool has_manifest, storage.exists(path));
  if (!has_manifest) return invalid_argument(directory + " is not a Kimberlite log partition (no PARTITION file)");
  KMB_ASSIGN_OR_RETURN(Bytes bytes, io::read_whole_file(storage, path));
  Result<Manifest> manifest = decode_manifest(bytes);
  if (!manifest.ok()) return manifest.status().with_context(path);
  return manifest;
}

// Checks one segment file; the two engines (parallel and recovery scan) plug in here so that
// everything around them, segment order and progress included, is literally shared.
using SegmentChecker = std::function<Result<SegmentScan>(io::File& file, std::uint64_t file_size,
                                                         const ScanExpectations& expect, const ScanProgress& progress)>;

Result<VerifyReport> verify_segments(io::Storage& storage, const std::string& directory, const VerifyOptions& options,
                                     const SegmentChecker& check_segment) {
  KMB_ASSIGN_OR_RETURN(Manifest manifest, load_manifest(storage, directory));
  KMB_ASSIGN_OR_RETURN(std::vector<std::string> names, storage.list_directory(directory));
  std::vector<SegmentFile> segments;
  std::uint64_t bytes_total = 0;
  for (const std::string& name : names) {
    std::optional<std::uint64_t> base = parse_segment_file_name(name);
    if (!base) continue;
    SegmentFile segment;
    segment.base_offset = *base;
    segment.path = io::join_path(directory, name);
    KMB_ASSIGN_OR_RETURN(segment.file, storage.open(segment.path, io::OpenMode::read_only));
    KMB_ASSIGN_OR_RETURN(segment.size, segment.file->size());
    bytes_total += segment.size;
    segments.push_back(std::move(segment));
  }
  std::sort(segments.begin(), segments.end(),
            [](const SegmentFile& a, const SegmentFile& b) { return a.base_offset < b.base_offset; });

  VerifyReport report;
  report.tenant_id = manifest.tenant_id;
  report.segment_count = segments.size();
  if (segments.empty()) {
    report.problem = VerifyProblem{directory, 0, 0, "the partition has no segment files"};
    return report;
  }
  std::uint64_t next_offset = 0;
  std::uint64_t timestamp_ns = 0;
  std::uint64_t bytes_done = 0;
  std::uint64_t bytes_since_progress = 0;
  ScanProgress progress = [&](std::uint64_t bytes) {
    bytes_done += bytes;
    bytes_since_progress += bytes;
    if (options.progress && bytes_since_progress >= (16U << 20)) {
      options.progress(bytes_done, bytes_total);
      bytes_since_progress = 0;
    }
  };
  for (SegmentFile& segment : segments) {
    if (segment.base_offset != next_offset) {
      report.problem = VerifyProblem{segment.path, next_offset, 0,
                                     "segment starts at offset " + std::to_string(segment.base_offset) +
                                         " but the chain continues at offset " + std::to_string(next_offset) +
                                         " (a segment is missing or overlaps)"};
      return report;
    }
    ScanExpectations expect{manifest.tenant_id, segment.base_offset, report.head_hash, timestamp_ns, 1U << 30};
    KMB_ASSIGN_OR_RETURN(SegmentScan scan, check_segment(*segment.file, segment.size, expect, progress));
    bytes_done += segment_header_size;
    report.record_count += scan.summary.record_count;
    report.byte_count += scan.summary.segment_size;
    report.head_hash = scan.summary.last_hash;
    timestamp_ns = scan.summary.last_timestamp_ns;
    next_offset = segment.base_offset + scan.summary.record_count;
    if (scan.problem) {
      std::string reason = scan.problem->reason;
      if (scan.problem->incomplete_tail) reason += " (an interrupted write: opening the log truncates it)";
      report.problem = VerifyProblem{segment.path, scan.problem->offset, scan.problem->position, reason};
      return report;
    }
    if (scan.summary.record_count == 0 && &segment != &segments.back()) {
      report.problem = VerifyProblem{segment.path, next_offset, segment_header_size, "sealed segment holds no records"};
      return report;
    }
  }
  if (options.progress) options.progress(bytes_total, bytes_total);
  return report;
}

Result<std::size_t> thread_count(const VerifyOptions& options) {
  if (options.threads > WorkerPool::thread_count_max) {
    return invalid_argument("verify: " + std::to_string(options.threads) + " threads requested, at most " +
                            std::to_string(WorkerPool::thread_count_max) + " are allowed");
  }
  if (options.threads != 0) return options.threads;
  // hardware_concurrency() may be 0 when unknown.
  return std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, VerifyOptions::threads_auto_max);
}

}  // namespace

Result<VerifyReport> verify_partition(io::Storage& storage, const std::string& directory,
                                      const VerifyOptions& options) {
  KMB_ASSIGN_OR_RETURN(std::size_t threads, thread_count(options));
  if (options.read_chunk_size_bytes < ParallelSegmentScanner::chunk_size_min_bytes ||
      options.read_chunk_size_bytes > ParallelSegmentScanner::chunk_size_max_bytes) {
    return invalid_argument("verify: read chunk size " + std::to_string(options.read_chunk_size_bytes) +
                            " is outside [" + std::to_string(ParallelSegmentScanner::chunk_size_min_bytes) + ", " +
                            std::to_string(ParallelSegmentScanner::chunk_size_max_bytes) + "] bytes");
  }
  WorkerPool pool(threads);
  ParallelSegmentScanner scanner(pool, options.read_chunk_size_bytes);
  return verify_segments(
      storage, directory, options,
      [&scanner](io::File& file, std::uint64_t file_size, const ScanExpectations& expect,
                 const ScanProgress& progress) { return scanner.scan(file, file_size, expect, progress); });
}

Result<VerifyReport> verify_partition_by_recovery_scan(io::Storage& storage, const std::string& directory,
                                                       const VerifyOptions& options) {
  return verify_segments(storage, directory, options,
                         [](io::File& file, std::uint64_t file_size, const ScanExpectations& expect,
                            const ScanProgress& progress) { return scan_segment(file, file_size, expect, progress); });
}

}  // namespace kmb::log
