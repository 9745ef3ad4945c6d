// Plans a SELECT into an operator tree:
//
//   scans/joins -> Filter(WHERE) -> [Aggregate -> Filter(HAVING)] -> Projection -> [Distinct]
//     -> [Sort] -> [Limit]
//
// The projection computes the select list plus any ORDER BY keys that are not in it (hidden
// columns, dropped from the result). ORDER BY accepts an output column name or alias, a 1-based
// ordinal, or any expression; GROUP BY accepts expressions, ordinals and select-list aliases.
// With aggregation every select, HAVING and ORDER BY expression must be built from GROUP BY
// expressions and aggregates.
//
// Thread-safety: one per statement, used by one thread.
#pragma once

#include <string>
#include <vector>

#include "sql/execution/operator.h"
#include "sql/parser/statement.h"
#include "sql/planner/planner_context.h"

namespace kmb::sql {

struct SelectPlan {
  OperatorPtr root;
  std::vector<std::string> names;
  std::vector<kernel::Type> types;
  std::size_t width = 0;  // the leading columns of root's rows that are the result
};

// Any query: WITH, set operations, or a simple SELECT.
Result<SelectPlan> plan_select(const SelectNode& node, const PlannerContext& context);
// The query without its WITH list (the caller has put the WITH names into `context`).
Result<SelectPlan> plan_select_body(const SelectNode& node, const PlannerContext& context);

}  // namespace kmb::sql
