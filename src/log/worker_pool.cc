#include "log/worker_pool.h"

#include <system_error>

#include "base/assert.h"

namespace kmb::log {

WorkerPool::WorkerPool(std::size_t thread_count) {
  KMB_ASSERT(thread_count >= 1);
  KMB_ASSERT(thread_count <= thread_count_max);
  workers_.reserve(thread_count - 1);
  for (std::size_t i = 1; i < thread_count; i++) {
    try {
      workers_.emplace_back([this] { work(); });
    } catch (const std::system_error&) {
      break;  // The system has no thread to spare: run with those started (at least the caller).
    }
  }
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // The owner finishes every job it starts; a job still running here would outlive its data.
    KMB_ASSERT(task_done_count_ == task_count_);
    stopping_ = true;
  }
  work_available_.notify_all();
  workers_.clear();  // Joins.
}

template <typename Ready>
void WorkerPool::await(std::unique_lock<std::mutex>& lock, std::condition_variable& condition, Ready ready) {
  for (std::size_t poll = 0; poll < poll_count_max && !ready(); poll++) {
    lock.unlock();
    std::this_thread::yield();
    lock.lock();
  }
  condition.wait(lock, ready);
}

bool WorkerPool::claim(std::size_t& index) {
  if (task_next_ >= task_count_) return false;
  index = task_next_;
  task_next_ += 1;
  return true;
}

void WorkerPool::start(std::size_t task_count, std::function<void(std::size_t)> task) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    KMB_ASSERT(task_done_count_ == task_count_);
    task_ = std::move(task);
    task_count_ = task_count;
    task_next_ = 0;
    task_done_count_ = 0;
  }
  if (task_count > 0) work_available_.notify_all();
}

void WorkerPool::finish() {
  std::unique_lock<std::mutex> lock(mutex_);
  run_claimed(lock);
  await(lock, job_done_, [this] { return task_done_count_ == task_count_; });
}

void WorkerPool::run_claimed(std::unique_lock<std::mutex>& lock) {
  std::size_t index = 0;
  while (claim(index)) {
    // task_ cannot change while this task is unfinished: start() requires the job to be done.
    lock.unlock();
    task_(index);
    lock.lock();
    task_done_count_ += 1;
    if (task_done_count_ == task_count_) job_done_.notify_all();
  }
}

void WorkerPool::run(std::size_t task_count, std::function<void(std::size_t)> task) {
  start(task_count, std::move(task));
  finish();
}

void WorkerPool::work() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    await(lock, work_available_, [this] { return stopping_ || task_next_ < task_count_; });
    if (stopping_) return;
    run_claimed(lock);
  }
}

}  // namespace kmb::log
