// Common table expressions: WITH name [(columns)] AS (query), ... and WITH RECURSIVE.
//
// A WITH list puts its names in scope (PlannerContext::ctes) for the query it belongs to; each
// name is visible to the queries after it. A reference to a name in FROM plans the named query
// there (non-recursive queries are planned once per reference and run as part of that plan).
//
// WITH RECURSIVE name AS (anchor UNION [ALL] step): the anchor must not mention name; the step
// reads name as the rows the previous iteration produced (the working table). Iteration stops
// when a step produces no (new) rows; more than recursion_depth_max iterations is an error, and
// all rows together are bounded by rows_max.
//
// Thread-safety: one per statement, used by one thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sql/execution/operator.h"
#include "sql/parser/statement.h"
#include "sql/planner/planner_context.h"
#include "sql/planner/select_planner.h"
#include "sql/planner/table_source.h"

namespace kmb::sql {

// The rows of a recursive CTE's previous iteration, shared by the recursion operator (which
// writes them) and the scans of the CTE inside the step (which read them).
struct WorkingTable {
  std::vector<kernel::Row> rows;
  bool referenced = false;  // set when the step is planned with a scan of it
};

struct CteEntry {
  const CommonTableExpression* definition = nullptr;
  std::shared_ptr<const CteEntry> next;  // names defined before this one (and enclosing ones)
  bool recursive = false;                // defined by WITH RECURSIVE
  // Set while planning a recursive step: references read this working table.
  std::shared_ptr<WorkingTable> working;
  std::vector<std::string> names;
  std::vector<kernel::Type> types;
};

// Plans `node` (which has a WITH list) with its names in scope.
Result<SelectPlan> plan_with(const SelectNode& node, const PlannerContext& context);

// If `reference` (a base table without time travel) names a CTE in scope, its source; else nullopt.
Result<std::optional<TableSource>> bind_cte_source(const TableRef& reference, const PlannerContext& context);

}  // namespace kmb::sql
