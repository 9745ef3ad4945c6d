// Subqueries used as expressions: (SELECT ...), EXISTS (SELECT ...), x IN (SELECT ...). The
// planner plans the query once; the evaluator runs it per row of the enclosing query. A subquery
// that reads no column of an enclosing query (uncorrelated) runs once per statement and its rows
// are kept (at most rows_max); a correlated one runs for every enclosing row, with that row
// published through the CorrelationFrame its outer_column nodes read.
//
// Thread-safety: one per statement, used by one thread.
#pragma once

#include <memory>

#include "sql/parser/statement.h"
#include "sql/planner/planner_context.h"

namespace kmb::sql {

// REQUIRES: !context.outer.empty() (outer[0] is the query the subquery appears in).
Result<std::shared_ptr<const Subquery>> plan_subquery(const SelectNode& query, const PlannerContext& context);

}  // namespace kmb::sql
