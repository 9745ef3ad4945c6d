// QueryGuard: the limits of one statement's execution that are not row counts — the memory its
// operators hold in intermediate buffers, its running time, and cancellation from another thread.
//
// Engine::execute creates one per statement (EngineOptions::intermediate_memory_max_bytes,
// EngineOptions::query_time_max_ms, ExecutionControl::cancelled) and the planner hands it to the
// operators it builds (PlannerContext::guard). Operators that loop over rows call tick() once per
// row; every `check_interval_rows` ticks it reads the cancellation flag and the clock, so the cost
// per row is one increment and a branch. Operators that buffer rows charge their estimated size
// to a MemoryReservation, which gives it back when the operator finishes.
//
// A guard pointer may be null (plans built without limits, e.g. in planner tests): the free
// functions below then do nothing.
//
// Thread-safety: used by the one thread executing the statement; only the cancellation flag is
// written by other threads (atomically).
#pragma once

#include <atomic>
#include <cstdint>

#include "base/status.h"
#include "io/clock.h"
#include "kernel/value.h"

namespace kmb::sql {

struct QueryLimits {
  std::uint64_t memory_max_bytes = 0;            // 0: unlimited
  std::uint64_t time_max_ms = 0;                 // 0: unlimited (then `clock` may be null)
  io::Clock* clock = nullptr;                    // REQUIRES: non-null when time_max_ms > 0
  const std::atomic<bool>* cancelled = nullptr;  // optional; true stops the statement
  // Units of work between two checks of the time and the cancellation flag (0: the default).
  std::uint64_t check_interval_rows = 0;
};

class QueryGuard {
 public:
  static constexpr std::uint64_t check_interval_rows = 1024;  // the default of QueryLimits's

  explicit QueryGuard(const QueryLimits& limits);
  QueryGuard(const QueryGuard&) = delete;
  QueryGuard& operator=(const QueryGuard&) = delete;

  // Counts one unit of work; every check_interval_rows calls, check().
  Status tick() {
    if (++ticks_ % interval_rows_ != 0) return Status::ok_status();
    return check();
  }
  // aborted when cancelled; resource_exhausted when past the time limit.
  Status check();

  // Charges `bytes` of intermediate memory; resource_exhausted past the limit (nothing charged).
  Status reserve(std::uint64_t bytes);
  void release(std::uint64_t bytes);
  std::uint64_t memory_used_bytes() const { return memory_used_bytes_; }

 private:
  QueryLimits limits_;
  std::uint64_t deadline_ns_ = 0;
  std::uint64_t interval_rows_ = check_interval_rows;
  std::uint64_t ticks_ = 0;
  std::uint64_t memory_used_bytes_ = 0;
};

// The error of a result with more than `rows_max` rows (EngineOptions::result_rows_max).
inline Status result_rows_exceeded(std::uint64_t rows_max) {
  return resource_exhausted("query result exceeds the limit of " + std::to_string(rows_max) + " rows");
}

inline Status guard_tick(QueryGuard* guard) {
  return guard ? guard->tick() : Status::ok_status();
}

// The approximate memory a buffered row takes: the vector, its values and their heap data.
std::uint64_t row_size_bytes(const kernel::Row& row);

// The intermediate memory one operator holds during one execution; released on destruction.
class MemoryReservation {
 public:
  explicit MemoryReservation(QueryGuard* guard) : guard_(guard) {}
  ~MemoryReservation() {
    if (guard_) guard_->release(bytes_);
  }
  MemoryReservation(const MemoryReservation&) = delete;
  MemoryReservation& operator=(const MemoryReservation&) = delete;

  Status add(std::uint64_t bytes);
  Status add_row(const kernel::Row& row) { return add(row_size_bytes(row)); }
  // Returns everything held so far (the operator dropped its buffer).
  void clear();

 private:
  QueryGuard* guard_;
  std::uint64_t bytes_ = 0;
};

}  // namespace kmb::sql
