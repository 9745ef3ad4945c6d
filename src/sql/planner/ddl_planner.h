// Plans DDL statements into kernel commands: CREATE/DROP TABLE, ALTER TABLE ADD/DROP COLUMN,
// CREATE/DROP INDEX and CREATE STREAM. Column defaults must be constants; they are evaluated and
// converted to the column's type here. A table constraint UNIQUE (a, b) becomes a unique index
// "<table>_<a>_<b>_key" created in the same record. When IF [NOT] EXISTS makes the statement a
// no-op against the newest catalog, no command is produced (nothing is logged).
//
// Thread-safety: pure functions over a view used by one thread.
#pragma once

#include <string>
#include <vector>

#include "kernel/command.h"
#include "kernel/schema.h"
#include "sql/parser/statement.h"
#include "sql/planner/planner_context.h"

namespace kmb::sql {

struct DdlPlan {
  std::vector<kernel::Command> commands;
  std::string tag;       // "CREATE TABLE", ...
  std::string describe;  // one EXPLAIN line: "CreateTable patients"
};

// Whether a live index of a live table has the name (case-insensitive).
bool index_exists(const kernel::Catalog& catalog, std::string_view name);

// REQUIRES: `statement` holds a DDL statement or REINDEX (not SELECT/INSERT/UPDATE/DELETE/EXPLAIN).
Result<DdlPlan> plan_ddl(const Statement& statement, const PlannerContext& context);

}  // namespace kmb::sql
