#include "log/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

namespace kmb::log {
namespace {

TEST(WorkerPool, RunsEveryTaskExactlyOnce) {
  for (std::size_t threads : {1, 2, 7}) {
    WorkerPool pool(threads);
    EXPECT_EQ(pool.thread_count(), threads);
    for (std::size_t task_count : {0, 1, 3, 100, 1000}) {
      std::vector<std::atomic<int>> runs(task_count);
      pool.run(task_count, [&runs](std::size_t task) { runs[task].fetch_add(1); });
      for (std::size_t task = 0; task < task_count; task++) {
        ASSERT_EQ(runs[task].load(), 1) << "task " << task << " of " << task_count << ", threads " << threads;
      }
    }
  }
}

TEST(WorkerPool, CallerWorksBetweenStartAndFinish) {
  WorkerPool pool(3);
  std::vector<std::uint64_t> results(64, 0);
  std::uint64_t caller_sum = 0;
  for (int job = 0; job < 200; job++) {
    pool.start(results.size(), [&results, job](std::size_t task) {
      std::uint64_t value = 0;
      for (std::uint64_t i = 0; i <= task; i++) value += i * static_cast<std::uint64_t>(job + 1);
      results[task] = value;
    });
    for (int i = 0; i < 1000; i++) caller_sum += static_cast<std::uint64_t>(i);
    pool.finish();
    // After finish() every result of this job is visible to the caller.
    for (std::size_t task = 0; task < results.size(); task++) {
      ASSERT_EQ(results[task], task * (task + 1) / 2 * static_cast<std::uint64_t>(job + 1)) << "job " << job;
    }
  }
  EXPECT_EQ(caller_sum, 200u * 999u * 1000u / 2u);
}

}  // namespace
}  // namespace kmb::log
