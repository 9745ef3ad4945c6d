// Views: CREATE VIEW / DROP VIEW into kernel commands, and the expansion of a view referenced in
// FROM into the plan of its query.
//
// A view's definition is its query's SQL text, kept in the versioned catalog (so it is in the log,
// audited and time-travelled like any definition). A reference to it is planned like a subquery
// in FROM, with no parameters, enclosing queries or WITH names of the referencing query, under the
// view's declared column names. A time-travel clause on the reference (AS OF ...) picks the view's
// definition as of that position *and* reads its tables as of that position (unless the view's
// own query says otherwise); row history (FOR SYSTEM_TIME BETWEEN/FROM/ALL) of a view is an error.
//
// CREATE VIEW plans the query once, to check it and to record what it reads: the kernel then
// refuses to drop a table or view another view depends on, so a view never dangles and views
// never form a cycle. Expansion is also bounded by view_depth_max.
//
// Thread-safety: pure functions over a view used by one thread.
#pragma once

#include <optional>

#include "sql/parser/statement.h"
#include "sql/planner/ddl_planner.h"
#include "sql/planner/planner_context.h"
#include "sql/planner/table_source.h"

namespace kmb::sql {

inline constexpr std::uint32_t view_depth_max = 32;

Result<DdlPlan> plan_create_view(const CreateViewStatement& statement, const PlannerContext& context);
Result<DdlPlan> plan_drop_view(const DropViewStatement& statement, const PlannerContext& context);

// The view `reference` names (at its time-travel position) as a FROM item; nullopt when no view has
// that name there (it is then a table, or nothing).
Result<std::optional<TableSource>> bind_view_source(const TableRef& reference, const PlannerContext& context);

// invalid_argument when `name` is a view: INSERT, UPDATE and DELETE need a table.
Status check_not_a_view(const Identifier& name, const PlannerContext& context);

}  // namespace kmb::sql
