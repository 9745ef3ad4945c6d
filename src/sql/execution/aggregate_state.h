// The accumulation of one aggregate function (COUNT, SUM, MIN, MAX, AVG) over a set of values:
// shared by the Aggregate operator (one state per group) and the Window operator (one per frame).
// The semantics are documented in aggregate_operator.h.
//
// Thread-safety: value types.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "base/status.h"
#include "kernel/value.h"
#include "sql/planner/bound_expression.h"

namespace kmb::sql {

struct AggregateSpec {
  AggregateFunction function = AggregateFunction::count_star;
  bool distinct = false;
  BoundExpressionPtr argument;  // null for COUNT(*)
  BoundExpressionPtr filter;    // FILTER (WHERE ...): rows for which it is not TRUE are skipped
  kernel::Type type = kernel::Type::bigint;
  std::string text;  // for EXPLAIN
};

struct ValueLess {
  bool operator()(const kernel::Value& a, const kernel::Value& b) const { return kernel::compare_values(a, b) < 0; }
};

struct AggregateState {
  std::int64_t count = 0;
  kernel::Value accumulator;                // SUM/AVG running sum, MIN/MAX best so far
  std::set<kernel::Value, ValueLess> seen;  // DISTINCT
};

// Adds one value (ignored when NULL, except by COUNT(*)).
Status aggregate_update(const AggregateSpec& spec, AggregateState& state, const kernel::Value& value);
// Takes back one value added before. REQUIRES: no DISTINCT; COUNT, or SUM/AVG over integers or
// DECIMAL (whose sums are exact, so removing restores the previous sum).
Status aggregate_remove(const AggregateSpec& spec, AggregateState& state, const kernel::Value& value);
// The aggregate's value for what was added so far (COUNT 0 and NULL for the others when nothing).
Result<kernel::Value> aggregate_finish(const AggregateSpec& spec, const AggregateState& state);

}  // namespace kmb::sql
