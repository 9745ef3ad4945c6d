#include "log/group_commit.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "io/memory_storage.h"
#include "io/posix_storage.h"
#include "log/test_support.h"
#include "log/verify.h"

namespace kmb::log {
namespace {

using testing::Batch;

PartitionOptions options() {
  PartitionOptions o;
  o.tenant_id = 9;
  o.segment_size_max_bytes = 64 << 10;
  return o;
}

struct ThreadResult {
  std::vector<std::uint64_t> offsets;
  bool all_ok = true;
};

// `threads` appenders each append `per_thread` one-record batches; returns each thread's offsets.
std::vector<ThreadResult> hammer(GroupCommitter& committer, int threads, int per_thread) {
  std::vector<ThreadResult> results(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; t++) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < per_thread; i++) {
        std::string text = "thread " + std::to_string(t) + " record " + std::to_string(i);
        RecordInput input{RecordKind::event, static_cast<std::uint64_t>(t), static_cast<std::uint64_t>(i), "", as_bytes(text)};
        Result<AppendResult> result = committer.append(std::span(&input, 1));
        if (!result.ok()) {
          results[t].all_ok = false;
          continue;
        }
        results[t].offsets.push_back(result->first_offset);
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  return results;
}

void check_results(GroupCommitter& committer, const std::vector<ThreadResult>& results, int per_thread) {
  std::set<std::uint64_t> all;
  for (std::size_t t = 0; t < results.size(); t++) {
    ASSERT_TRUE(results[t].all_ok);
    ASSERT_EQ(results[t].offsets.size(), static_cast<std::size_t>(per_thread));
    for (std::size_t i = 0; i < results[t].offsets.size(); i++) {
      if (i > 0) {
        EXPECT_LT(results[t].offsets[i - 1], results[t].offsets[i]);
      }
      all.insert(results[t].offsets[i]);
      Result<Record> record = committer.read(results[t].offsets[i]);
      ASSERT_TRUE(record.ok());
      EXPECT_EQ(record->header.client_id, t);
      EXPECT_EQ(as_string_view(record->payload), "thread " + std::to_string(t) + " record " + std::to_string(i));
    }
  }
  EXPECT_EQ(all.size(), results.size() * per_thread);
  EXPECT_EQ(*all.rbegin() + 1, all.size()) << "offsets are dense";
  EXPECT_EQ(committer.durable_offset(), all.size());
}

TEST(GroupCommit, ConcurrentAppendersGetDenseDurableOffsets) {
  io::MemoryStorage storage(1);
  io::ManualClock clock;
  auto partition = Partition::open(storage, "/g", options());
  ASSERT_TRUE(partition.ok());
  GroupCommitter committer(std::move(partition).value(), clock);
  auto results = hammer(committer, 16, 100);
  check_results(committer, results, 100);
  GroupCommitStats stats = committer.stats();
  EXPECT_EQ(stats.batches, 1600u);
  EXPECT_LE(stats.syncs, stats.batches);
}

TEST(GroupCommit, SharesSyncsOnRealDisk) {
  testing::ScratchDirectory scratch;
  io::PosixStorage storage;
  io::RealClock clock;
  auto partition = Partition::open(storage, scratch.path() + "/log", options());
  ASSERT_TRUE(partition.ok());
  GroupCommitOptions group_options;
  group_options.wait_max_us = 100;
  GroupCommitter committer(std::move(partition).value(), clock, group_options);
  auto results = hammer(committer, 16, 40);
  check_results(committer, results, 40);
  GroupCommitStats stats = committer.stats();
  EXPECT_LT(stats.syncs, stats.batches) << "16 concurrent appenders must share fdatasync calls";
  Result<VerifyReport> report = verify_partition(storage, scratch.path() + "/log");
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->intact());
}

TEST(GroupCommit, FailedSyncFailsEveryBatchOfTheGroup) {
  io::MemoryStorage storage(2);
  io::ManualClock clock;
  auto partition = Partition::open(storage, "/g", options());
  ASSERT_TRUE(partition.ok());
  GroupCommitter committer(std::move(partition).value(), clock);
  Batch ok = Batch::for_offsets(0, 2);
  ASSERT_TRUE(committer.append(ok.inputs).ok());
  storage.fail_next_syncs(1);
  Batch failing = Batch::for_offsets(2, 2);
  EXPECT_EQ(committer.append(failing.inputs).status().code(), StatusCode::io_error);
  EXPECT_EQ(committer.append(failing.inputs).status().code(), StatusCode::failed_precondition);
  EXPECT_EQ(committer.durable_offset(), 2u);
  EXPECT_TRUE(committer.read(1).ok());
}

TEST(GroupCommit, TimestampsComeFromTheCommitterClock) {
  io::MemoryStorage storage(3);
  io::ManualClock clock(5'000'000'000);
  auto partition = Partition::open(storage, "/g", options());
  ASSERT_TRUE(partition.ok());
  GroupCommitter committer(std::move(partition).value(), clock);
  Batch batch = Batch::for_offsets(0, 1);
  EXPECT_EQ(committer.append(batch.inputs)->timestamp_ns, 5'000'000'000u);
  clock.set_realtime_ns(1);  // A wall clock stepping backwards does not reorder the log.
  EXPECT_EQ(committer.append(batch.inputs)->timestamp_ns, 5'000'000'000u);
}

}  // namespace
}  // namespace kmb::log

namespace kmb::log {
namespace {

TEST(GroupCommit, PipelinedWritesShareSyncs) {
  testing::ScratchDirectory scratch;
  io::PosixStorage storage;
  io::RealClock clock;
  auto partition = Partition::open(storage, scratch.path() + "/log", options());
  ASSERT_TRUE(partition.ok());
  GroupCommitter committer(std::move(partition).value(), clock);
  std::mutex order_mutex;  // Stands for the database's commit lock: writes are ordered under it.
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; t++) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 30; i++) {
        Batch batch = Batch::for_offsets(0, 1 + (i % 3));
        std::uint64_t end = 0;
        {
          std::lock_guard<std::mutex> lock(order_mutex);
          Result<AppendResult> written = committer.write(batch.inputs);
          if (!written.ok()) {
            failures++;
            continue;
          }
          end = written->first_offset + written->record_count;
        }
        if (!committer.wait_durable(end).ok()) failures++;
        if (committer.durable_offset() < end) failures++;
      }
      (void)t;
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  GroupCommitStats stats = committer.stats();
  EXPECT_EQ(stats.batches, 240u);
  EXPECT_LT(stats.syncs, stats.batches);
  EXPECT_EQ(committer.wait_durable(committer.durable_offset() + 1).code(), StatusCode::invalid_argument);
  Result<VerifyReport> report = verify_partition(storage, scratch.path() + "/log");
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->intact());
  EXPECT_EQ(report->record_count, committer.durable_offset());
}

TEST(GroupCommit, PipelinedSyncFailureReachesTheWaiter) {
  io::MemoryStorage storage(4);
  io::ManualClock clock;
  auto partition = Partition::open(storage, "/g", options());
  ASSERT_TRUE(partition.ok());
  GroupCommitter committer(std::move(partition).value(), clock);
  Batch batch = Batch::for_offsets(0, 2);
  Result<AppendResult> written = committer.write(batch.inputs);
  ASSERT_TRUE(written.ok());
  storage.fail_next_syncs(1);
  EXPECT_EQ(committer.wait_durable(2).code(), StatusCode::io_error);
  EXPECT_EQ(committer.wait_durable(2).code(), StatusCode::failed_precondition);
  EXPECT_EQ(committer.durable_offset(), 0u);
}

}  // namespace
}  // namespace kmb::log
