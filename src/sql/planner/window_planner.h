// Plans window function calls: takes them out of the select list and ORDER BY expressions and
// puts a Window operator (execution/window_operator.h) between the rows they are computed over
// (after WHERE, GROUP BY and HAVING) and the projection.
//
// Thread-safety: one per statement, used by one thread.
#pragma once

#include <span>

#include "sql/execution/operator.h"
#include "sql/planner/bound_expression.h"
#include "sql/planner/planner_context.h"

namespace kmb::sql {

// Replaces every window call in `*expressions` by a column reference to the slot the Window
// operator fills (`input_width` + the call's index; equal calls share a slot) and returns
// `input` wrapped in that operator, or `input` itself when there are no window calls.
// REQUIRES: `input` produces rows of `input_width` columns.
OperatorPtr plan_windows(OperatorPtr input, std::size_t input_width, std::span<BoundExpressionPtr* const> expressions,
                         const PlannerContext& context);

}  // namespace kmb::sql
