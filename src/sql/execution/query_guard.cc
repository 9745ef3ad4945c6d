#include "sql/execution/query_guard.h"

namespace kmb::sql {

QueryGuard::QueryGuard(const QueryLimits& limits) : limits_(limits) {
  if (limits_.check_interval_rows > 0) interval_rows_ = limits_.check_interval_rows;
  if (limits_.time_max_ms > 0) {
    KMB_ASSERT(limits_.clock != nullptr);
    deadline_ns_ = limits_.clock->monotonic_ns() + limits_.time_max_ms * 1'000'000;
  }
}

Status QueryGuard::check() {
  if (limits_.cancelled && limits_.cancelled->load(std::memory_order_relaxed)) {
    return aborted("query cancelled");
  }
  if (limits_.time_max_ms > 0 && limits_.clock->monotonic_ns() >= deadline_ns_) {
    return resource_exhausted("query exceeded the time limit of " + std::to_string(limits_.time_max_ms) +
                              " ms (query_time_max_ms)");
  }
  return Status::ok_status();
}

Status QueryGuard::reserve(std::uint64_t bytes) {
  if (limits_.memory_max_bytes > 0 && memory_used_bytes_ + bytes > limits_.memory_max_bytes) {
    return resource_exhausted("query needs more than the intermediate memory limit of " +
                              std::to_string(limits_.memory_max_bytes) +
                              " bytes (intermediate_memory_max_bytes) for sorting, grouping, joining or "
                              "buffering rows");
  }
  memory_used_bytes_ += bytes;
  return Status::ok_status();
}

void QueryGuard::release(std::uint64_t bytes) {
  KMB_ASSERT(bytes <= memory_used_bytes_);
  memory_used_bytes_ -= bytes;
}

std::uint64_t row_size_bytes(const kernel::Row& row) {
  std::uint64_t bytes = sizeof(kernel::Row) + row.capacity() * sizeof(kernel::Value);
  for (const kernel::Value& value : row) {
    const kernel::Type type = value.type();
    if (type == kernel::Type::text || type == kernel::Type::json) {
      bytes += value.as_string().capacity();
    } else if (type == kernel::Type::bytes) {
      bytes += value.as_bytes().capacity();
    }
  }
  return bytes;
}

Status MemoryReservation::add(std::uint64_t bytes) {
  if (!guard_) return Status::ok_status();
  KMB_TRY(guard_->reserve(bytes));
  bytes_ += bytes;
  return Status::ok_status();
}

void MemoryReservation::clear() {
  if (guard_) guard_->release(bytes_);
  bytes_ = 0;
}

}  // namespace kmb::sql
