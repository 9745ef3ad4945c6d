// REINDEX [name]: SQLite's maintenance statement, accepted so scripts written for it run, and
// checked so a typo is still an error — but it does nothing.
//
// Why nothing: an index in Kimberlite is a projection derived from the log (State = Apply(
// InitialState, Log)), kept up to date by applying each record, never written by a user. There is
// no index that could drift from its table and need rebuilding, so REINDEX produces no command and
// logs nothing (a log record would be an event that changed no state). The name must be a live
// table (all its indexes) or index; without a name every index is meant.
//
// Thread-safety: pure functions over a view used by one thread.
#pragma once

#include "sql/parser/statement.h"
#include "sql/planner/ddl_planner.h"
#include "sql/planner/planner_context.h"

namespace kmb::sql {

// A plan without commands, tag "REINDEX"; not_found when the name is no table or index,
// invalid_argument for a view.
Result<DdlPlan> plan_reindex(const ReindexStatement& statement, const PlannerContext& context);

}  // namespace kmb::sql
