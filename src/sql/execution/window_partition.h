// One partition of a window operator's input, sorted by the window's ORDER BY, and the
// computation of window function values over it (used by window_operator.cc).
//
// Positions are 0-based within the partition. The peer group of a position is the run of rows
// equal to it on every ORDER BY key (all rows when there is no ORDER BY). Frames are half-open
// ranges [start, end) of positions; an empty frame has start >= end.
//
// Thread-safety: used by one thread.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/status.h"
#include "kernel/value.h"
#include "sql/execution/query_guard.h"
#include "sql/planner/window_call.h"

namespace kmb::sql {

struct FrameRange {
  std::size_t start = 0;
  std::size_t end = 0;
};

class WindowPartition {
 public:
  // `order_keys[p]` are the ORDER BY values of position p (each of `orders.size()` values).
  WindowPartition(std::span<const kernel::Row* const> order_keys, const std::vector<WindowOrder>& orders);

  std::size_t size() const { return order_keys_.size(); }
  std::size_t peer_start(std::size_t position) const { return peer_start_[position]; }
  std::size_t peer_end(std::size_t position) const { return peer_end_[position]; }

  Result<FrameRange> frame(const WindowFrame& frame, std::size_t position) const;

  // Computes `call` for every position into `results` (one per position). `arguments[p]` holds
  // the call's argument values at position p; `included[p]` is false where FILTER rejected it.
  Status compute(const WindowCall& call, kernel::Type type, const std::vector<kernel::Row>& arguments,
                 const std::vector<bool>& included, QueryGuard* guard, std::vector<kernel::Value>& results) const;

 private:
  Result<std::size_t> range_offset_bound(const WindowFrameBound& bound, std::size_t position, bool is_start) const;
  Status compute_ranking(const WindowCall& call, const std::vector<kernel::Row>& arguments,
                         std::vector<kernel::Value>& results) const;
  Status compute_offset(const WindowCall& call, const std::vector<kernel::Row>& arguments,
                        std::vector<kernel::Value>& results) const;
  Status compute_value(const WindowCall& call, const std::vector<kernel::Row>& arguments, QueryGuard* guard,
                       std::vector<kernel::Value>& results) const;
  Status compute_aggregate(const WindowCall& call, kernel::Type type, const std::vector<kernel::Row>& arguments,
                           const std::vector<bool>& included, QueryGuard* guard,
                           std::vector<kernel::Value>& results) const;

  Status compute_sliding_aggregate(const WindowCall& call, kernel::Type type, const std::vector<kernel::Row>& arguments,
                                   const std::vector<bool>& included, QueryGuard* guard,
                                   std::vector<kernel::Value>& results) const;
  Status compute_sliding_extreme(const WindowCall& call, const std::vector<kernel::Row>& arguments,
                                 const std::vector<bool>& included, QueryGuard* guard,
                                 std::vector<kernel::Value>& results) const;

  std::span<const kernel::Row* const> order_keys_;
  const std::vector<WindowOrder>& orders_;
  std::vector<std::size_t> peer_start_;
  std::vector<std::size_t> peer_end_;
  // Positions [non_null_start_, non_null_end_) have a non-NULL first ORDER BY key.
  std::size_t non_null_start_ = 0;
  std::size_t non_null_end_ = 0;
};

}  // namespace kmb::sql
