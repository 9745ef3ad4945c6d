// Log micro-benchmarks on real files (PosixStorage, real fdatasync):
//   * durable appends through the group committer: 1, 16 and 64 concurrent appenders, each
//     appending one record per call and waiting for durability; 100-byte and 1 KiB records;
//   * verify throughput on 1 KiB records (CRC32C + SHA-256 chain over every byte).
// Scratch files go to $KMB_BENCH_DIR (default: the system temp directory).
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>

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

}  // namespace
