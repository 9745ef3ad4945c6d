#include "runner.h"

#include <algorithm>
#include <chrono>
#include <latch>
#include <mutex>
#include <thread>

#include "base/assert.h"

namespace kmb::bench {

Result<double> run_timed(std::vector<std::unique_ptr<Session>>& sessions, double seconds,
                         const Operation& operation) {
  KMB_ASSERT(!sessions.empty());
  std::latch start(1);
  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> items{0};
  std::mutex error_mutex;
  Status first_error;
  std::vector<std::thread> threads;
  threads.reserve(sessions.size());
  for (std::size_t index = 0; index < sessions.size(); index++) {
    threads.emplace_back([&, index] {
      io::Prng prng(0x9e3779b97f4a7c15ULL + index);
      std::int64_t done = 0;
      start.wait();
      while (!stop.load(std::memory_order_relaxed)) {
        Result<std::int64_t> result = operation(*sessions[index], prng);
        if (!result.ok()) {
          std::lock_guard<std::mutex> lock(error_mutex);
          if (first_error.ok()) first_error = result.status();
          stop = true;
          break;
        }
        done += *result;
      }
      items += done;
    });
  }
  auto begin = std::chrono::steady_clock::now();
  start.count_down();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (std::thread& thread : threads) thread.join();
  double elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  if (!first_error.ok()) return first_error;
  return static_cast<double>(items.load()) / elapsed_seconds;
}

Summary summarize(std::vector<double> samples) {
  KMB_ASSERT(!samples.empty());
  std::sort(samples.begin(), samples.end());
  std::size_t middle = samples.size() / 2;
  double median = samples.size() % 2 == 1 ? samples[middle] : (samples[middle - 1] + samples[middle]) / 2;
  return Summary{median, samples.front(), samples.back()};
}

}  // namespace kmb::bench
