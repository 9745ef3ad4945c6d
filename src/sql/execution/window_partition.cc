#include "sql/execution/window_partition.h"

#include <algorithm>
#include <deque>

#include "sql/execution/aggregate_state.h"
#include "sql/execution/arithmetic.h"
#include "sql/execution/decimal_math.h"

namespace kmb::sql {

namespace {

using kernel::Value;

// position - n and position + n clamped to [0, limit], for any n >= 0 (offsets may be huge).
std::size_t subtract_clamped(std::size_t position, std::int64_t n) {
  KMB_ASSERT(n >= 0);
  const auto offset = static_cast<std::uint64_t>(n);
  return offset >= position ? 0 : position - static_cast<std::size_t>(offset);
}

std::size_t add_clamped(std::size_t position, std::int64_t n, std::size_t limit) {
  KMB_ASSERT(n >= 0);
  KMB_ASSERT(position <= limit);
  const auto offset = static_cast<std::uint64_t>(n);
  return offset >= limit - position ? limit : position + static_cast<std::size_t>(offset);
}

// Integers become DECIMAL for RANGE bound arithmetic, so `key +/- offset` cannot overflow.
Value widen(const Value& value) {
  if (kernel::is_integer_type(value.type())) return Value::decimal(decimal_from_integer(value.as_int()));
  return value;
}

const Value& null_value() {
  static const Value null;
  return null;
}

}  // namespace

WindowPartition::WindowPartition(std::span<const kernel::Row* const> order_keys, const std::vector<WindowOrder>& orders)
    : order_keys_(order_keys), orders_(orders), peer_start_(order_keys.size()), peer_end_(order_keys.size()) {
  const std::size_t size = order_keys.size();
  std::size_t group_start = 0;
  for (std::size_t position = 0; position < size; position++) {
    bool peer = position > 0;
    for (std::size_t key = 0; peer && key < orders.size(); key++) {
      peer = kernel::compare_values((*order_keys[position])[key], (*order_keys[position - 1])[key]) == 0;
    }
    if (!peer) {
      for (std::size_t member = group_start; member < position; member++) peer_end_[member] = position;
      group_start = position;
    }
    peer_start_[position] = group_start;
  }
  for (std::size_t member = group_start; member < size; member++) peer_end_[member] = size;

  non_null_start_ = 0;
  non_null_end_ = size;
  if (!orders.empty()) {
    // NULL keys are contiguous: at the front with NULLS FIRST, at the back with NULLS LAST.
    if (orders[0].nulls_first) {
      while (non_null_start_ < size && (*order_keys[non_null_start_])[0].is_null()) non_null_start_++;
    } else {
      while (non_null_end_ > 0 && (*order_keys[non_null_end_ - 1])[0].is_null()) non_null_end_--;
    }
  }
}

Result<FrameRange> WindowPartition::frame(const WindowFrame& frame, std::size_t position) const {
  const bool rows = frame.unit == FrameUnit::rows;
  const std::size_t size = this->size();
  FrameRange range;
  switch (frame.start.kind) {
    case FrameBoundKind::unbounded_preceding:
      range.start = 0;
      break;
    case FrameBoundKind::current_row:
      range.start = rows ? position : peer_start_[position];
      break;
    case FrameBoundKind::preceding:
    case FrameBoundKind::following:
      if (!rows) {
        KMB_ASSIGN_OR_RETURN(range.start, range_offset_bound(frame.start, position, true));
      } else if (frame.start.kind == FrameBoundKind::preceding) {
        range.start = subtract_clamped(position, frame.start.offset.as_int());
      } else {
        range.start = add_clamped(position, frame.start.offset.as_int(), size);
      }
      break;
    case FrameBoundKind::unbounded_following:
      range.start = size;
      break;
  }
  switch (frame.end.kind) {
    case FrameBoundKind::unbounded_preceding:
      range.end = 0;
      break;
    case FrameBoundKind::current_row:
      range.end = rows ? position + 1 : peer_end_[position];
      break;
    case FrameBoundKind::preceding:
    case FrameBoundKind::following:
      if (!rows) {
        KMB_ASSIGN_OR_RETURN(range.end, range_offset_bound(frame.end, position, false));
      } else if (frame.end.kind == FrameBoundKind::preceding) {
        range.end = subtract_clamped(position + 1, frame.end.offset.as_int());
      } else {
        range.end = add_clamped(position + 1, frame.end.offset.as_int(), size);
      }
      break;
    case FrameBoundKind::unbounded_following:
      range.end = size;
      break;
  }
  return range;
}

// RANGE n PRECEDING/FOLLOWING: the first position whose key is at or past `key -/+ n` (a start),
// or past it (an end), in the sort's direction. A NULL key's frame is its peer group (NULLs are
// in range only of NULLs); a non-NULL key's frame never contains NULL keys.
Result<std::size_t> WindowPartition::range_offset_bound(const WindowFrameBound& bound, std::size_t position,
                                                        bool is_start) const {
  KMB_ASSERT(orders_.size() == 1);
  const Value& key = (*order_keys_[position])[0];
  if (key.is_null()) return is_start ? peer_start_[position] : peer_end_[position];
  const WindowOrder& order = orders_[0];
  // PRECEDING moves against the sort: towards smaller keys ascending, larger ones descending.
  const bool towards_smaller = (bound.kind == FrameBoundKind::preceding) != order.descending;
  KMB_ASSIGN_OR_RETURN(Value target,
                       evaluate_arithmetic(towards_smaller ? BinaryOperator::subtract : BinaryOperator::add, widen(key),
                                           widen(bound.offset)));
  const int direction = order.descending ? -1 : 1;
  std::size_t low = non_null_start_;
  std::size_t high = non_null_end_;
  while (low < high) {
    const std::size_t middle = low + (high - low) / 2;
    const int order_to_target = direction * kernel::compare_values((*order_keys_[middle])[0], target);
    const bool before_bound = is_start ? order_to_target < 0 : order_to_target <= 0;
    if (before_bound) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}

Status WindowPartition::compute(const WindowCall& call, kernel::Type type, const std::vector<kernel::Row>& arguments,
                                const std::vector<bool>& included, QueryGuard* guard,
                                std::vector<kernel::Value>& results) const {
  KMB_ASSERT(arguments.size() == size());
  KMB_ASSERT(included.size() == size());
  results.assign(size(), Value::null());
  switch (call.function) {
    case WindowFunction::row_number:
    case WindowFunction::rank:
    case WindowFunction::dense_rank:
    case WindowFunction::percent_rank:
    case WindowFunction::cume_dist:
    case WindowFunction::ntile:
      return compute_ranking(call, arguments, results);
    case WindowFunction::lag:
    case WindowFunction::lead:
      return compute_offset(call, arguments, results);
    case WindowFunction::first_value:
    case WindowFunction::last_value:
    case WindowFunction::nth_value:
      return compute_value(call, arguments, guard, results);
    case WindowFunction::aggregate:
      return compute_aggregate(call, type, arguments, included, guard, results);
  }
  KMB_UNREACHABLE();
}

Status WindowPartition::compute_ranking(const WindowCall& call, const std::vector<kernel::Row>& arguments,
                                        std::vector<kernel::Value>& results) const {
  const std::size_t size = this->size();
  if (size == 0) return Status::ok_status();
  // NTILE takes its bucket count from the partition's first row.
  std::uint64_t buckets = 0;
  if (call.function == WindowFunction::ntile) {
    const Value& argument = arguments[0][0];
    if (argument.is_null()) return Status::ok_status();  // all NULL
    if (argument.as_int() <= 0) return invalid_argument("argument of ntile must be greater than zero");
    buckets = static_cast<std::uint64_t>(argument.as_int());
  }
  // NTILE: the first size % buckets buckets hold one row more than the others.
  const std::uint64_t per_bucket = buckets == 0 ? 0 : size / buckets;
  const std::uint64_t larger_buckets = buckets == 0 ? 0 : size % buckets;
  const std::uint64_t larger_rows = larger_buckets * (per_bucket + 1);
  std::int64_t dense_rank = 0;
  for (std::size_t position = 0; position < size; position++) {
    if (peer_start_[position] == position) dense_rank++;
    switch (call.function) {
      case WindowFunction::row_number:
        results[position] = Value::integer(static_cast<std::int64_t>(position + 1));
        break;
      case WindowFunction::rank:
        results[position] = Value::integer(static_cast<std::int64_t>(peer_start_[position] + 1));
        break;
      case WindowFunction::dense_rank:
        results[position] = Value::integer(dense_rank);
        break;
      case WindowFunction::percent_rank:
        results[position] = Value::floating(
            size > 1 ? static_cast<double>(peer_start_[position]) / static_cast<double>(size - 1) : 0.0);
        break;
      case WindowFunction::cume_dist:
        results[position] = Value::floating(static_cast<double>(peer_end_[position]) / static_cast<double>(size));
        break;
      case WindowFunction::ntile: {
        const std::uint64_t bucket = position < larger_rows ? position / (per_bucket + 1)
                                                            : larger_buckets + (position - larger_rows) / per_bucket;
        results[position] = Value::integer(static_cast<std::int64_t>(bucket + 1));
        break;
      }
      default:
        KMB_UNREACHABLE();
    }
  }
  return Status::ok_status();
}

// LAG/LEAD(value [, offset [, default]]): the value `offset` rows before/after in the partition
// (a negative offset looks the other way), else the default (evaluated at the current row).
Status WindowPartition::compute_offset(const WindowCall& call, const std::vector<kernel::Row>& arguments,
                                       std::vector<kernel::Value>& results) const {
  const auto size = static_cast<std::int64_t>(this->size());
  for (std::int64_t position = 0; position < size; position++) {
    const kernel::Row& here = arguments[static_cast<std::size_t>(position)];
    std::int64_t offset = 1;
    if (here.size() > 1) {
      if (here[1].is_null()) continue;  // NULL
      offset = here[1].as_int();
    }
    // Clamp first so that position +/- offset cannot overflow; anything past the ends is outside.
    offset = std::max<std::int64_t>(std::min<std::int64_t>(offset, size), -size);
    const std::int64_t target = call.function == WindowFunction::lag ? position - offset : position + offset;
    if (target >= 0 && target < size) {
      results[static_cast<std::size_t>(position)] = arguments[static_cast<std::size_t>(target)][0];
    } else if (here.size() > 2) {
      results[static_cast<std::size_t>(position)] = here[2];
    }
  }
  return Status::ok_status();
}

Status WindowPartition::compute_value(const WindowCall& call, const std::vector<kernel::Row>& arguments,
                                      QueryGuard* guard, std::vector<kernel::Value>& results) const {
  for (std::size_t position = 0; position < size(); position++) {
    KMB_TRY(guard_tick(guard));
    KMB_ASSIGN_OR_RETURN(FrameRange range, frame(call.frame, position));
    if (range.start >= range.end) continue;  // empty frame: NULL
    std::size_t pick = range.start;
    if (call.function == WindowFunction::last_value) {
      pick = range.end - 1;
    } else if (call.function == WindowFunction::nth_value) {
      const Value& n = arguments[position][1];
      if (n.is_null()) continue;
      if (n.as_int() <= 0) return invalid_argument("argument of nth_value must be greater than zero");
      const auto index = static_cast<std::uint64_t>(n.as_int()) - 1;
      if (index >= range.end - range.start) continue;
      pick = range.start + static_cast<std::size_t>(index);
    }
    results[position] = arguments[pick][0];
  }
  return Status::ok_status();
}

Status WindowPartition::compute_aggregate(const WindowCall& call, kernel::Type type,
                                          const std::vector<kernel::Row>& arguments, const std::vector<bool>& included,
                                          QueryGuard* guard, std::vector<kernel::Value>& results) const {
  AggregateSpec spec;
  spec.function = call.aggregate;
  spec.type = type;
  const bool count_star = call.aggregate == AggregateFunction::count_star;
  auto add = [&](AggregateState& state, std::size_t position) -> Status {
    KMB_TRY(guard_tick(guard));
    if (!included[position]) return Status::ok_status();
    return aggregate_update(spec, state, count_star ? null_value() : arguments[position][0]);
  };
  const std::size_t size = this->size();
  if (call.frame.start.kind == FrameBoundKind::unbounded_preceding) {
    // Frames [0, end) whose end never moves backwards: one running state.
    AggregateState state;
    std::size_t added = 0;
    for (std::size_t position = 0; position < size; position++) {
      KMB_ASSIGN_OR_RETURN(FrameRange range, frame(call.frame, position));
      KMB_ASSERT(range.end >= added);
      for (; added < range.end; added++) KMB_TRY(add(state, added));
      KMB_ASSIGN_OR_RETURN(results[position], aggregate_finish(spec, state));
    }
    return Status::ok_status();
  }
  if (call.frame.end.kind == FrameBoundKind::unbounded_following) {
    // Frames [start, size) whose start never moves backwards: one running state from the end.
    AggregateState state;
    std::size_t added_from = size;
    for (std::size_t position = size; position-- > 0;) {
      KMB_ASSIGN_OR_RETURN(FrameRange range, frame(call.frame, position));
      KMB_ASSERT(range.start <= added_from);
      while (added_from > range.start) KMB_TRY(add(state, --added_from));
      KMB_ASSIGN_OR_RETURN(results[position], aggregate_finish(spec, state));
    }
    return Status::ok_status();
  }
  // Frames bounded on both sides slide forward: both ends only move towards the partition's end.
  if (call.aggregate == AggregateFunction::min || call.aggregate == AggregateFunction::max) {
    return compute_sliding_extreme(call, arguments, included, guard, results);
  }
  const bool floating = std::any_of(arguments.begin(), arguments.end(), [&](const kernel::Row& row) {
    return !count_star && (row[0].type() == kernel::Type::real || row[0].type() == kernel::Type::double_precision);
  });
  if (!floating) return compute_sliding_aggregate(call, type, arguments, included, guard, results);
  // Floating-point sums are not exactly reversible: recompute each frame (linear in its size).
  for (std::size_t position = 0; position < size; position++) {
    KMB_ASSIGN_OR_RETURN(FrameRange range, frame(call.frame, position));
    AggregateState state;
    for (std::size_t member = range.start; member < range.end; member++) KMB_TRY(add(state, member));
    KMB_ASSIGN_OR_RETURN(results[position], aggregate_finish(spec, state));
  }
  return Status::ok_status();
}

// COUNT, and SUM/AVG of exact numbers, over sliding frames: rows entering the frame are added and
// rows leaving it removed, so each row is added and removed at most once.
Status WindowPartition::compute_sliding_aggregate(const WindowCall& call, kernel::Type type,
                                                  const std::vector<kernel::Row>& arguments,
                                                  const std::vector<bool>& included, QueryGuard* guard,
                                                  std::vector<kernel::Value>& results) const {
  AggregateSpec spec;
  spec.function = call.aggregate;
  spec.type = type;
  const bool count_star = call.aggregate == AggregateFunction::count_star;
  const auto value_at = [&](std::size_t position) -> const Value& {
    return count_star ? null_value() : arguments[position][0];
  };
  AggregateState state;
  std::size_t low = 0;  // the state holds the included rows of [low, high)
  std::size_t high = 0;
  for (std::size_t position = 0; position < size(); position++) {
    KMB_ASSIGN_OR_RETURN(FrameRange range, frame(call.frame, position));
    const std::size_t end = std::max(range.start, range.end);  // an empty frame is [start, start)
    KMB_ASSERT(range.start >= low);
    KMB_ASSERT(end >= high);
    if (range.start >= high) {  // no overlap with the previous frame: start afresh
      state = AggregateState{};
      low = high = range.start;
    }
    for (; low < range.start; low++) {
      KMB_TRY(guard_tick(guard));
      if (included[low]) KMB_TRY(aggregate_remove(spec, state, value_at(low)));
    }
    for (; high < end; high++) {
      KMB_TRY(guard_tick(guard));
      if (included[high]) KMB_TRY(aggregate_update(spec, state, value_at(high)));
    }
    KMB_ASSIGN_OR_RETURN(results[position], aggregate_finish(spec, state));
  }
  return Status::ok_status();
}

// MIN/MAX over sliding frames: a deque of the positions that can still become the frame's extreme
// (values strictly improving from back to front), so each row enters and leaves it once.
Status WindowPartition::compute_sliding_extreme(const WindowCall& call, const std::vector<kernel::Row>& arguments,
                                                const std::vector<bool>& included, QueryGuard* guard,
                                                std::vector<kernel::Value>& results) const {
  const int better = call.aggregate == AggregateFunction::min ? -1 : 1;
  std::deque<std::size_t> candidates;
  std::size_t low = 0;
  std::size_t high = 0;
  for (std::size_t position = 0; position < size(); position++) {
    KMB_ASSIGN_OR_RETURN(FrameRange range, frame(call.frame, position));
    const std::size_t end = std::max(range.start, range.end);
    KMB_ASSERT(range.start >= low);
    KMB_ASSERT(end >= high);
    if (range.start >= high) high = range.start;
    low = range.start;
    while (!candidates.empty() && candidates.front() < low) candidates.pop_front();
    for (; high < end; high++) {
      KMB_TRY(guard_tick(guard));
      const Value& value = arguments[high][0];
      if (!included[high] || value.is_null()) continue;
      while (!candidates.empty() && kernel::compare_values(value, arguments[candidates.back()][0]) * better >= 0) {
        candidates.pop_back();
      }
      candidates.push_back(high);
    }
    results[position] = candidates.empty() ? Value::null() : arguments[candidates.front()][0];
  }
  return Status::ok_status();
}

}  // namespace kmb::sql
