// Plans a FROM clause and its WHERE: binds every table reference (in FROM order, which is also the
// order of their columns in the rows), binds WHERE against all of them, picks each scan's access
// path from the WHERE conjuncts that constrain that table, and joins the scans with nested loops
// (comma lists and CROSS JOIN as cross products, [INNER] JOIN ... ON, LEFT JOIN ... ON).
//
// Thread-safety: one per statement, used by one thread.
#pragma once

#include <memory>
#include <vector>

#include "sql/execution/operator.h"
#include "sql/parser/statement.h"
#include "sql/planner/bound_expression.h"
#include "sql/planner/planner_context.h"
#include "sql/planner/scope.h"

namespace kmb::sql {

struct FromPlan {
  OperatorPtr root;
  Scope scope;
  BoundExpressionPtr where;  // bound WHERE, null when absent; the caller adds the Filter
};

// REQUIRES: !from.empty().
Result<FromPlan> plan_from(const std::vector<std::unique_ptr<TableRef>>& from, const ParsedExpression* where,
                           const PlannerContext& context);

}  // namespace kmb::sql
