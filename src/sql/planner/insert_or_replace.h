// SQLite's INSERT OR IGNORE, INSERT OR REPLACE and REPLACE, on top of INSERT ... ON CONFLICT.
//
// The parser turns them into an OnConflict clause (statement.h, ConflictSyntax): OR IGNORE is DO
// NOTHING on the primary key; REPLACE is DO UPDATE. What the parser cannot know is the table, so
// this file finishes the desugaring against its definition:
//   * REPLACE assigns every live non-key column from EXCLUDED, so the stored row becomes exactly
//     the proposed row, with defaults (or NULL) in the columns the statement did not list — the
//     row SQLite's delete-then-insert leaves behind. Of several proposed rows with one key the
//     last wins, as each replaces the one before in SQLite.
//   * On a table without a primary key (its rows get generated ids) no row can conflict, so both
//     forms are a plain insert; ON CONFLICT written out there stays an error.
// The rest is the ON CONFLICT machinery (on_conflict_planner.h) unchanged.
//
// Thread-safety: one per statement, used by one thread.
#pragma once

#include <vector>

#include "kernel/schema.h"
#include "sql/parser/statement.h"
#include "sql/planner/on_conflict_planner.h"
#include "sql/planner/planner_context.h"
#include "sql/planner/write_planner.h"

namespace kmb::sql {

// False when the clause can be dropped and the statement run as a plain insert into `def`.
bool conflict_clause_applies(const OnConflict& conflict, const kernel::TableDef& def);

// plan_on_conflict for every spelling of the clause.
// REQUIRES: conflict_clause_applies(conflict, insert.table->def()).
Result<OnConflictPlan> plan_conflict_clause(const OnConflict& conflict, const InsertPlan& insert,
                                            const PlannerContext& context);

// apply_on_conflict for every spelling of the clause (`plan` from plan_conflict_clause).
Result<UpsertResult> apply_conflict_clause(const OnConflict& conflict, const OnConflictPlan& plan,
                                           const InsertPlan& insert, std::vector<kernel::Row> rows);

}  // namespace kmb::sql
