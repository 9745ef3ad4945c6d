// Plans a VALUES list (a SelectNode with `values`): binds every expression without columns of its
// own, converts each column to the common type of its rows, and names the columns column1, ...
//
// Thread-safety: one per statement, used by one thread.
#pragma once

#include "sql/parser/statement.h"
#include "sql/planner/planner_context.h"
#include "sql/planner/select_planner.h"

namespace kmb::sql {

// REQUIRES: !node.values.empty(), every row as long as the first (the parser checks).
Result<SelectPlan> plan_values(const SelectNode& node, const PlannerContext& context);

}  // namespace kmb::sql
