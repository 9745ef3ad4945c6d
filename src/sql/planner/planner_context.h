// What the planner needs to plan one statement: the read view it plans (and later executes)
// against, the statement's parameters and limits, the enclosing queries (inside a subquery), the
// common table expressions in scope, and a binder context built from them.
//
// Thread-safety: one per statement, used by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "projection/read_view.h"
#include "sql/planner/expression_binder.h"

namespace kmb::sql {

struct CommonTableExpression;
struct CteEntry;
class QueryGuard;  // execution/query_guard.h

struct PlannerContext {
  const projection::ReadView& view;
  std::span<const kernel::Value> parameters;
  std::uint64_t rows_max = 0;  // EngineOptions::result_rows_max, also bounding buffers
  std::vector<OuterScope> outer;           // enclosing queries, innermost first
  std::shared_ptr<const CteEntry> ctes;    // WITH names in scope, innermost first
  bool cache_subqueries = true;            // false while planning a recursive CTE's step
  std::uint64_t recursion_iterations_max = 10'000;  // EngineOptions::recursion_iterations_max
  // CREATE VIEW: receives the names of the tables and views the query reads (null otherwise).
  std::vector<std::string>* dependencies = nullptr;
  std::uint32_t view_depth = 0;  // views being expanded around this query (view_planner.h)
  QueryGuard* guard = nullptr;  // the statement's memory, time and cancellation limits; null: none
  // False when the statement's text names no pseudo-column (names_pseudo_columns): table scans
  // then leave _position, _actor, ... NULL instead of building them for every row.
  bool pseudo_columns = true;

  // A binder context over `scope` (may be null) with the parameters, NOW() and subqueries.
  BinderContext binder_context(const Scope* scope) const;
};

// NOW(): the commit timestamp of the newest record the view sees (microseconds). The engine never
// reads a clock, so NOW() is deterministic and replays identically; an empty log has no NOW().
Result<std::int64_t> statement_now_micros(const projection::ReadView& view);

}  // namespace kmb::sql
