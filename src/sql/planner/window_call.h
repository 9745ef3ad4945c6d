// A bound window function call: what a BoundKind::window node computes and over which window.
//
// The node's children hold every expression the call evaluates against its input row, so that
// rewrites over children (GROUP BY/aggregate substitution) reach them all:
//
//   [arguments (argument_count)..., FILTER condition (when has_filter)...,
//    PARTITION BY keys (partition_count)..., ORDER BY keys (orders.size())...]
//
// Frame offsets are constants, checked and evaluated by the binder.
//
// Thread-safety: immutable once built; shared between copies of a bound expression.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "kernel/value.h"
#include "sql/parser/statement.h"
#include "sql/planner/bound_expression.h"

namespace kmb::sql {

enum class WindowFunction : std::uint8_t {
  row_number,
  rank,
  dense_rank,
  percent_rank,
  cume_dist,
  ntile,
  lag,
  lead,
  first_value,
  last_value,
  nth_value,
  aggregate,  // COUNT, SUM, MIN, MAX, AVG over the frame: WindowCall::aggregate
};

struct WindowFrameBound {
  FrameBoundKind kind = FrameBoundKind::current_row;
  kernel::Value offset;  // preceding/following: a non-negative number (an integer for ROWS)
};

// The default frame is RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW: with ORDER BY it ends
// at the current row's last peer; without ORDER BY every row is a peer, so it is the partition.
struct WindowFrame {
  FrameUnit unit = FrameUnit::range;
  WindowFrameBound start{FrameBoundKind::unbounded_preceding, {}};
  WindowFrameBound end{FrameBoundKind::current_row, {}};
};

struct WindowOrder {
  bool descending = false;
  bool nulls_first = true;
};

struct WindowCall {
  WindowFunction function = WindowFunction::row_number;
  AggregateFunction aggregate = AggregateFunction::count_star;  // function == aggregate
  std::uint32_t argument_count = 0;
  std::uint32_t partition_count = 0;
  std::vector<WindowOrder> orders;
  WindowFrame frame;
};

// The parts of a BoundKind::window node's children.
struct WindowParts {
  std::span<const BoundExpressionPtr> arguments;
  const BoundExpression* filter = nullptr;
  std::span<const BoundExpressionPtr> partition;
  std::span<const BoundExpressionPtr> order;
};
WindowParts window_parts(const BoundExpression& expression);

std::string_view window_function_name(WindowFunction function);
// True for functions that read the frame (FIRST_VALUE, LAST_VALUE, NTH_VALUE, aggregates); the
// ranking functions, NTILE, LAG and LEAD look at the whole partition.
bool uses_frame(WindowFunction function);
bool window_call_equal(const WindowCall& a, const WindowCall& b);
// True when two window nodes partition and order rows the same way (one sort serves both).
bool same_window_order(const BoundExpression& a, const BoundExpression& b);
bool contains_window(const BoundExpression& expression);

// For EXPLAIN: "sum(x) OVER (PARTITION BY g ORDER BY t ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)".
std::string window_to_sql(const BoundExpression& expression);

}  // namespace kmb::sql
