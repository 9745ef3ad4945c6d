// Evaluates bound expressions against one input row, with SQL's three-valued logic: NULL AND
// FALSE is FALSE, NULL OR TRUE is TRUE, a comparison with NULL is NULL, and a WHERE keeps a row
// only when its condition is TRUE.
//
// Recursion depth is bounded by the parser's expression depth limit.
// Thread-safety: pure functions.
#pragma once

#include "base/status.h"
#include "kernel/value.h"
#include "sql/planner/bound_expression.h"

namespace kmb::sql {

Result<kernel::Value> evaluate(const BoundExpression& expression, const kernel::Row& row);
// True only when the condition evaluates to TRUE (not FALSE, not NULL).
Result<bool> evaluate_predicate(const BoundExpression& expression, const kernel::Row& row);
// Evaluates an expression that reads no columns (a constant, a parameter, a folded cast, ...).
Result<kernel::Value> evaluate_constant(const BoundExpression& expression);

// <0, 0, >0 for two non-NULL values the binder found comparable (numbers by value, DATE against
// TIMESTAMP by instant).
int compare_sql(const kernel::Value& a, const kernel::Value& b);

}  // namespace kmb::sql
