// Plans `left UNION|INTERSECT|EXCEPT [ALL] right` (a SelectNode with a set operator): both sides
// must have the same number of columns, whose types are converted to common ones; the result's
// column names are the left side's. Its ORDER BY may name output columns (by name or ordinal) or
// expressions over them; LIMIT and OFFSET apply last.
//
// Thread-safety: one per statement, used by one thread.
#pragma once

#include "sql/parser/statement.h"
#include "sql/planner/planner_context.h"
#include "sql/planner/select_planner.h"

namespace kmb::sql {

// REQUIRES: node.set_operator != SetOperator::none.
Result<SelectPlan> plan_set_operation(const SelectNode& node, const PlannerContext& context);

// ORDER BY, LIMIT and OFFSET of `node` over `plan`'s result columns (names resolve to them).
Result<SelectPlan> order_and_limit_result(SelectPlan plan, const SelectNode& node, const PlannerContext& context);

}  // namespace kmb::sql
