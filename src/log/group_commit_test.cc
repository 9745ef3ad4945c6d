#include "log/group_commit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
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

namespace kmb::log {
namespace {

// Counts the calls of durability callbacks and remembers their outcomes; thread-safe.
class CallbackLog {
 public:
  explicit CallbackLog(std::size_t count) : calls_(count, 0), outcomes_(count) {}

  std::function<void(Status)> callback(std::size_t index) {
    return [this, index](Status status) {
      std::lock_guard<std::mutex> lock(mutex_);
      calls_[index]++;
      outcomes_[index] = status;
      changed_.notify_all();
    };
  }
  // Waits until every callback ran at least once.
  void wait_all() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return std::all_of(calls_.begin(), calls_.end(), [](int calls) { return calls > 0; }); });
  }
  int calls(std::size_t index) {
    std::lock_guard<std::mutex> lock(mutex_);
    return calls_[index];
  }
  Status outcome(std::size_t index) {
    std::lock_guard<std::mutex> lock(mutex_);
    return outcomes_[index];
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<int> calls_;
  std::vector<Status> outcomes_;
};

// A callback that holds the flusher thread until released, so that a test can queue callbacks
// behind it deterministically.
class Gate {
 public:
  std::function<void(Status)> callback() {
    return [this](Status) {
      std::unique_lock<std::mutex> lock(mutex_);
      entered_ = true;
      changed_.notify_all();
      changed_.wait(lock, [&] { return released_; });
    };
  }
  void wait_entered() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return entered_; });
  }
  void release() {
    std::lock_guard<std::mutex> lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool entered_ = false;
  bool released_ = false;
};

std::unique_ptr<GroupCommitter> open_committer(io::Storage& storage, io::Clock& clock, const std::string& path) {
  auto partition = Partition::open(storage, path, options());
  KMB_ASSERT(partition.ok());
  return std::make_unique<GroupCommitter>(std::move(partition).value(), clock);
}

TEST(GroupCommitCallbacks, RunInlineWhenAlreadyDurable) {
  io::MemoryStorage storage(5);
  io::ManualClock clock;
  auto committer = open_committer(storage, clock, "/g");
  Batch batch = Batch::for_offsets(0, 2);
  ASSERT_TRUE(committer->append(batch.inputs).ok());
  CallbackLog log(3);
  committer->on_durable(2, log.callback(0));
  committer->on_durable(1, log.callback(1));
  committer->on_durable(0, log.callback(2));
  for (std::size_t i = 0; i < 3; i++) {
    EXPECT_EQ(log.calls(i), 1) << "callback " << i << " runs before on_durable returns";
    EXPECT_TRUE(log.outcome(i).ok());
  }
  CallbackLog past_end(1);
  committer->on_durable(3, past_end.callback(0));
  EXPECT_EQ(past_end.calls(0), 1);
  EXPECT_EQ(past_end.outcome(0).code(), StatusCode::invalid_argument);
  EXPECT_EQ(committer->stats().syncs, 1u) << "nothing new to sync";
}

TEST(GroupCommitCallbacks, MixedWithSynchronousWaitersEachRunOnceAfterTheirSync) {
  testing::ScratchDirectory scratch;
  io::PosixStorage storage;
  io::RealClock clock;
  auto committer = open_committer(storage, clock, scratch.path() + "/log");
  constexpr int threads = 8;
  constexpr int per_thread = 40;
  CallbackLog log(threads * per_thread / 2);
  std::atomic<int> not_durable_when_called{0};
  std::atomic<int> failures{0};
  std::mutex order_mutex;  // Orders writes, as the database's write lock does.
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; t++) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < per_thread; i++) {
        Batch batch = Batch::for_offsets(0, 1 + (i % 2));
        std::uint64_t end = 0;
        {
          std::lock_guard<std::mutex> lock(order_mutex);
          Result<AppendResult> written = committer->write(batch.inputs);
          if (!written.ok()) {
            failures++;
            continue;
          }
          end = written->first_offset + written->record_count;
        }
        if (t % 2 == 0) {
          if (!committer->wait_durable(end).ok()) failures++;
          continue;
        }
        const std::size_t index = static_cast<std::size_t>((t / 2) * per_thread + i);
        std::function<void(Status)> record = log.callback(index);
        committer->on_durable(end, [&, end, record](Status status) {
          if (committer->durable_offset() < end) not_durable_when_called++;
          record(status);
        });
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  log.wait_all();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(not_durable_when_called.load(), 0);
  for (std::size_t i = 0; i < threads * per_thread / 2; i++) {
    EXPECT_EQ(log.calls(i), 1) << "callback " << i;
    EXPECT_TRUE(log.outcome(i).ok()) << log.outcome(i).to_string();
  }
  GroupCommitStats stats = committer->stats();
  EXPECT_LT(stats.syncs, stats.batches) << "callbacks and waiters share fdatasync calls";
  committer.reset();
  for (std::size_t i = 0; i < threads * per_thread / 2; i++) EXPECT_EQ(log.calls(i), 1) << "never called twice";
}

// Holds the flusher inside the callback of offset 0 (which it has synced), then writes `count`
// single-record batches and registers their callbacks in `log`: they stay pending until the gate
// opens. The batches must outlive the committer's use of them.
void queue_behind_held_flusher(GroupCommitter& committer, Batch& first, Gate& gate, std::vector<Batch>& batches,
                               CallbackLog& log, std::size_t count) {
  ASSERT_TRUE(committer.write(first.inputs).ok());
  committer.on_durable(1, gate.callback());
  gate.wait_entered();
  for (std::size_t i = 0; i < count; i++) batches.push_back(Batch::for_offsets(1 + i, 1));
  for (std::size_t i = 0; i < count; i++) {
    ASSERT_TRUE(committer.write(batches[i].inputs).ok());
    committer.on_durable(2 + i, log.callback(i));
    EXPECT_EQ(log.calls(i), 0) << "pending until the flusher syncs";
  }
}

TEST(GroupCommitCallbacks, FailedSyncFailsEveryPendingCallbackOnceAndLaterOnesFast) {
  io::MemoryStorage storage(6);
  io::ManualClock clock;
  auto committer = open_committer(storage, clock, "/g");
  Batch first = Batch::for_offsets(0, 1);
  Gate gate;
  constexpr std::size_t pending = 5;
  std::vector<Batch> batches;
  CallbackLog log(pending);
  queue_behind_held_flusher(*committer, first, gate, batches, log, pending);
  storage.fail_next_syncs(1);
  gate.release();
  log.wait_all();
  for (std::size_t i = 0; i < pending; i++) EXPECT_EQ(log.outcome(i).code(), StatusCode::io_error) << i;
  EXPECT_EQ(committer->durable_offset(), 1u);

  CallbackLog later(1);
  committer->on_durable(3, later.callback(0));
  EXPECT_EQ(later.calls(0), 1) << "a poisoned partition fails a new callback inline";
  EXPECT_EQ(later.outcome(0).code(), StatusCode::failed_precondition);
  CallbackLog durable(1);
  committer->on_durable(1, durable.callback(0));
  EXPECT_TRUE(durable.outcome(0).ok()) << "what was durable before the failure stays acknowledged";
  committer.reset();
  for (std::size_t i = 0; i < pending; i++) EXPECT_EQ(log.calls(i), 1) << "never called twice";
}

TEST(GroupCommitCallbacks, DestructorSyncsEveryPendingCallback) {
  io::MemoryStorage storage(7);
  io::ManualClock clock;
  auto committer = open_committer(storage, clock, "/g");
  Batch first = Batch::for_offsets(0, 1);
  Gate gate;
  constexpr std::size_t pending = 4;
  std::vector<Batch> batches;
  CallbackLog log(pending);
  queue_behind_held_flusher(*committer, first, gate, batches, log, pending);
  // The destructor runs while the callbacks are still queued behind the gate.
  std::thread releaser([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    gate.release();
  });
  committer.reset();
  releaser.join();
  for (std::size_t i = 0; i < pending; i++) {
    EXPECT_EQ(log.calls(i), 1) << i;
    EXPECT_TRUE(log.outcome(i).ok()) << log.outcome(i).to_string();
  }
  storage.crash();  // Whatever was acknowledged survives power loss.
  auto reopened = Partition::open(storage, "/g", options());
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->durable_offset(), 1 + pending);
}

TEST(GroupCommitCallbacks, IdleFlusherExitsAndRestartsOnDemand) {
  io::MemoryStorage storage(8);
  io::ManualClock clock;
  auto partition = Partition::open(storage, "/g", options());
  ASSERT_TRUE(partition.ok());
  GroupCommitOptions group_options;
  group_options.flusher_idle_exit_ms = 1;
  GroupCommitter committer(std::move(partition).value(), clock, group_options);
  constexpr std::size_t rounds = 3;
  std::vector<Batch> batches;
  for (std::size_t i = 0; i < rounds; i++) batches.push_back(Batch::for_offsets(i, 1));
  CallbackLog log(rounds);
  for (std::size_t i = 0; i < rounds; i++) {
    ASSERT_TRUE(committer.write(batches[i].inputs).ok());
    committer.on_durable(i + 1, log.callback(i));
    while (log.calls(i) == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    // Long enough for the flusher to find nothing to do and exit.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  for (std::size_t i = 0; i < rounds; i++) {
    EXPECT_EQ(log.calls(i), 1) << i;
    EXPECT_TRUE(log.outcome(i).ok()) << i;
  }
  // One start per burst when every idle exit happened in time; a heavily loaded machine may keep
  // a flusher past its idle time, but at least one restart after an exit must have happened.
  EXPECT_GE(committer.stats().flusher_starts, 2u);
  EXPECT_LE(committer.stats().flusher_starts, rounds);
  EXPECT_EQ(committer.durable_offset(), rounds);
}

}  // namespace
}  // namespace kmb::log
