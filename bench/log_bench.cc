// Log micro-benchmarks on real files (PosixStorage, real fdatasync):
//   * durable appends through the group committer: 1, 16 and 64 concurrent appenders, each
//     appending one record per call and waiting for durability; 100-byte and 1 KiB records;
//   * verify throughput on 1 KiB records (CRC32C + SHA-256 chain over every byte);
//   * verify throughput by thread count (1 vs one per core) on ~100 MiB of mixed-size records.
// Scratch files go to $KMB_BENCH_DIR (default: the system temp directory).
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "io/clock.h"
#include "io/posix_storage.h"
#include "log/group_commit.h"
#include "log/verify.h"

namespace {

using namespace kmb;

std::string scratch_directory(const char* name) {
  const char* base = std::getenv("KMB_BENCH_DIR");
  std::string pattern = (std::filesystem::path(base ? base : std::filesystem::temp_directory_path().string()) /
                         (std::string("kmb-bench-") + name + "-XXXXXX"))
                            .string();
  return mkdtemp(pattern.data());
}

struct AppendFixture {
  io::PosixStorage storage;
  io::RealClock clock;
  std::string directory;
  std::unique_ptr<log::GroupCommitter> committer;
};

std::mutex fixture_mutex;
std::unique_ptr<AppendFixture> fixture;

void BM_DurableAppend(benchmark::State& state) {
  const std::size_t payload_size = static_cast<std::size_t>(state.range(0));
  if (state.thread_index() == 0) {
    std::lock_guard<std::mutex> lock(fixture_mutex);
    fixture = std::make_unique<AppendFixture>();
    fixture->directory = scratch_directory("append");
    log::PartitionOptions options;
    options.tenant_id = 1;
    auto partition = log::Partition::open(fixture->storage, fixture->directory + "/log", options);
    if (!partition.ok()) {
      state.SkipWithError(partition.status().to_string().c_str());
      return;
    }
    fixture->committer = std::make_unique<log::GroupCommitter>(std::move(partition).value(), fixture->clock);
  }
  Bytes payload(payload_size, 0x61);
  std::string reason = "benchmark";
  log::RecordInput input{log::RecordKind::event, static_cast<std::uint64_t>(state.thread_index()), 0, reason, payload};
  for (auto _ : state) {
    Result<log::AppendResult> result = fixture->committer->append(std::span(&input, 1));
    if (!result.ok()) {
      state.SkipWithError(result.status().to_string().c_str());
      break;
    }
    input.request_id++;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(payload_size));
  if (state.thread_index() == 0) {
    std::lock_guard<std::mutex> lock(fixture_mutex);
    log::GroupCommitStats stats = fixture->committer->stats();
    state.counters["records_per_sync"] =
        stats.syncs == 0 ? 0.0 : static_cast<double>(stats.records) / static_cast<double>(stats.syncs);
    fixture->committer.reset();
    std::error_code ignored;
    std::filesystem::remove_all(fixture->directory, ignored);
    fixture.reset();
  }
}
BENCHMARK(BM_DurableAppend)->Arg(100)->Arg(1024)->Threads(1)->Threads(16)->Threads(64)->UseRealTime()->MinTime(1.0);

void BM_Verify(benchmark::State& state) {
  const std::size_t payload_size = static_cast<std::size_t>(state.range(0));
  const std::uint64_t total_bytes = 128ULL << 20;
  io::PosixStorage storage;
  std::string directory = scratch_directory("verify");
  {
    log::PartitionOptions options;
    options.tenant_id = 1;
    auto partition = log::Partition::open(storage, directory + "/log", options);
    if (!partition.ok()) {
      state.SkipWithError(partition.status().to_string().c_str());
      return;
    }
    Bytes payload(payload_size, 0x62);
    std::vector<log::RecordInput> batch(1000, log::RecordInput{log::RecordKind::event, 1, 1, "", payload});
    for (std::uint64_t written = 0; written < total_bytes; written += batch.size() * (payload_size + 96)) {
      if (!(*partition)->write(batch, 1).ok()) {
        state.SkipWithError("write failed");
        return;
      }
    }
    if (!(*partition)->sync().ok()) state.SkipWithError("sync failed");
  }
  std::uint64_t bytes = 0;
  for (auto _ : state) {
    Result<log::VerifyReport> report = log::verify_partition(storage, directory + "/log");
    if (!report.ok() || !report->intact()) {
      state.SkipWithError("verify failed");
      break;
    }
    bytes += report->byte_count;
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  std::error_code ignored;
  std::filesystem::remove_all(directory, ignored);
}
BENCHMARK(BM_Verify)->Arg(100)->Arg(1024)->Unit(benchmark::kMillisecond)->UseRealTime();

// A ~100 MiB log of records with payloads of varied sizes, written once and shared by the thread
// count variants; removed at exit. Two mixes: "mixed", 100-1100 byte payloads (~700 bytes per
// record), and "small", 20-220 byte payloads (~220 bytes per record), where the per-record work
// that is not hashing weighs most.
class MixedLog {
 public:
  static constexpr std::uint64_t total_bytes = 100ULL << 20;

  static Result<const MixedLog*> get(bool small_records) {
    static MixedLog mixed(100, 1001);
    static MixedLog small(20, 201);
    const MixedLog& log = small_records ? small : mixed;
    if (!log.status_.ok()) return log.status_;
    return &log;
  }
  ~MixedLog() {
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
  }
  io::PosixStorage& storage() const { return storage_; }
  std::string path() const { return directory_ + "/log"; }

 private:
  MixedLog(std::size_t payload_size_min, std::size_t payload_size_spread)
      : directory_(scratch_directory("verify-threads")) {
    status_ = write(payload_size_min, payload_size_spread);
  }

  Status write(std::size_t payload_size_min, std::size_t payload_size_spread) {
    log::PartitionOptions options;
    options.tenant_id = 1;
    KMB_ASSIGN_OR_RETURN(std::unique_ptr<log::Partition> partition, log::Partition::open(storage_, path(), options));
    std::vector<Bytes> payloads;
    for (std::size_t i = 0; i < 64; i++)
      payloads.emplace_back(payload_size_min + (i * 617) % payload_size_spread, static_cast<std::uint8_t>(i));
    std::vector<log::RecordInput> batch;
    std::uint64_t written = 0;
    for (std::uint64_t timestamp = 1; written < total_bytes; timestamp++) {
      batch.clear();
      for (std::size_t i = 0; i < 500; i++) {
        const Bytes& payload = payloads[(timestamp + i) % payloads.size()];
        batch.push_back(log::RecordInput{log::RecordKind::event, 1, timestamp, "", payload});
        written += payload.size() + log::record_overhead_size;
      }
      Result<log::AppendResult> appended = partition->write(batch, timestamp);
      if (!appended.ok()) return appended.status();
    }
    return partition->sync();
  }

  mutable io::PosixStorage storage_;
  std::string directory_;
  Status status_;
};

// Args: VerifyOptions::threads (0 = one per core, at most 8; -1 = the one-record-at-a-time walk
// through the recovery engine, verify_partition_by_recovery_scan, as the baseline) and
// read_chunk_size_bytes in KiB, and which log (1 = small records, 0 = mixed).
void BM_VerifyThreads(benchmark::State& state) {
  Result<const MixedLog*> log = MixedLog::get(state.range(2) != 0);
  if (!log.ok()) {
    state.SkipWithError(log.status().to_string().c_str());
    return;
  }
  const bool baseline = state.range(0) < 0;
  log::VerifyOptions options;
  options.threads = baseline ? 1 : static_cast<std::size_t>(state.range(0));
  options.read_chunk_size_bytes = static_cast<std::size_t>(state.range(1)) << 10;
  std::uint64_t bytes = 0;
  for (auto _ : state) {
    Result<log::VerifyReport> report =
        baseline ? log::verify_partition_by_recovery_scan((*log)->storage(), (*log)->path(), options)
                 : log::verify_partition((*log)->storage(), (*log)->path(), options);
    if (!report.ok() || !report->intact()) {
      state.SkipWithError("verify failed");
      break;
    }
    bytes += report->byte_count;
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_VerifyThreads)
    ->ArgNames({"threads", "chunk_kib", "small"})
    ->ArgsProduct({{-1, 1, 0}, {1024}, {0, 1}})
    ->ArgsProduct({{1, 0}, {512, 4096}, {0}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
