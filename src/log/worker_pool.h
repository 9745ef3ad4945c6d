// WorkerPool: a fixed set of threads that runs the numbered tasks of one job at a time, with the
// calling thread taking part. Verification uses it to hash the records of a read chunk on every
// core (verify.h); it has no other state and knows nothing about the log.
//
//   pool.start(task_count, task);  // workers begin claiming tasks 0..task_count-1
//   ... the caller may do other work here (read the next chunk) ...
//   pool.finish();                 // the caller claims tasks too, then waits for all of them
//
// A task is claimed by exactly one thread and runs exactly once. Tasks must not throw. Claims
// take a mutex, so a task should be coarse (tens of microseconds or more).
//
// Waiting (a worker for the next job, the owner for the last task of a job) first polls the
// state a bounded number of times, yielding the processor in between, and only then blocks: a
// job lasts a millisecond or so during verification, and waking a blocked thread can take tens of
// microseconds (more on virtual machines): blocking at once measured 5-10% slower on 2 cores.
//
// Ownership: the pool owns its threads and joins them on destruction. Thread-safety: start() and
// finish() are called by one owning thread; the task function runs on the owner and on workers
// concurrently, so it must only touch state that differs per task index (or is read-only).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace kmb::log {

class WorkerPool {
 public:
  static constexpr std::size_t thread_count_max = 64;

  // `thread_count` threads run tasks, the caller included: thread_count - 1 workers are started.
  // If the system refuses to start one, the pool runs with fewer (see thread_count()); results
  // never depend on the number of threads. REQUIRES: 1 <= thread_count <= thread_count_max.
  explicit WorkerPool(std::size_t thread_count);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  std::size_t thread_count() const { return workers_.size() + 1; }

  // Makes task(0) ... task(task_count - 1) available to the workers and returns at once.
  // REQUIRES: the previous job is finished. `task` must stay valid until finish() returns.
  void start(std::size_t task_count, std::function<void(std::size_t)> task);

  // Runs unclaimed tasks of the current job on the calling thread, then waits until every task has
  // completed. Afterwards no worker touches the job's data.
  void finish();

  // start() followed by finish().
  void run(std::size_t task_count, std::function<void(std::size_t)> task);

 private:
  static constexpr std::size_t poll_count_max = 200;

  void work();
  // Waits until `ready()` (evaluated under `lock`) holds: polls, then blocks on `condition`.
  template <typename Ready>
  void await(std::unique_lock<std::mutex>& lock, std::condition_variable& condition, Ready ready);
  // Claims the next task under `lock`; returns false when none is left.
  bool claim(std::size_t& index);
  // Claims and runs tasks of the current job until none is left unclaimed, counting each one done.
  // REQUIRES: `lock` holds mutex_; it is released around each task and held again on return.
  void run_claimed(std::unique_lock<std::mutex>& lock);

  std::mutex mutex_;
  std::condition_variable work_available_;
  std::condition_variable job_done_;
  std::function<void(std::size_t)> task_;
  std::size_t task_count_ = 0;  // Tasks in the current job.
  std::size_t task_next_ = 0;   // First unclaimed task.
  std::size_t task_done_count_ = 0;
  bool stopping_ = false;
  std::vector<std::jthread> workers_;  // Declared last: started after, joined before the rest.
};

}  // namespace kmb::log
