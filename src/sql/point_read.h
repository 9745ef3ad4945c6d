// Point reads: the statement an application runs most often,
//
//   SELECT a, b, ... | * FROM t [AS OF POSITION p | AS OF TIMESTAMP t | FOR SYSTEM_TIME ...]
//   WHERE k1 = v1 [AND k2 = v2 ...]     -- every primary-key column once, values $n or literals
//
// answered by one primary-key lookup (or, for FOR SYSTEM_TIME ranges, one row's version chain)
// without binding an expression tree or building an operator plan. Binding and planning cost
// about three times the lookup itself (docs/benchmarks.md), and such a statement's plan is
// always the same: PrimaryKeyLookup -> Filter -> Projection.
//
// The shortcut takes only statements whose answer it can give with certainty and returns
// nullopt for everything else, which the caller then plans as usual: other shapes, names that do
// not resolve to exactly one live column (the planner reports why), a view or the audit table, a
// key value whose type is not the key column's (integers for an integer key, text for a text
// key: other pairs go through the planner's coercion rules), NULL key values, a time-travel
// clause the view cannot resolve (the planner reports the error). Results are the planner's to
// the byte: the same column names (an alias, else the catalog's spelling), types, rows, order and
// tag; tests compare the two paths on the same statements (point_read_test.cc).
//
// Inside a transaction the view is the transaction's (its own writes over its snapshot), whose
// lookups record the read for COMMIT's conflict check exactly as the planner's lookups do.
//
// Thread-safety: a pure function over a ReadView used by one thread.
#pragma once

#include <optional>

#include "base/status.h"
#include "sql/engine.h"
#include "sql/parser/statement.h"
#include "sql/planner/planner_context.h"

namespace kmb::sql {

// The result of `node` when it is a point read answered directly; nullopt when the caller must
// plan it. Errors only from the read view itself (I/O, decryption).
Result<std::optional<QueryResult>> try_point_read(const SelectNode& node, const PlannerContext& context);

}  // namespace kmb::sql
