// INSERT ... ON CONFLICT: which inserted rows collide with an existing row on the primary key, and
// what happens to them. DO NOTHING drops the row (also when an earlier row of the same statement
// has its key). DO UPDATE SET ... [WHERE ...] turns it into an update of the existing row; the
// expressions read the existing row by the table's name (or unqualified) and the proposed row as
// EXCLUDED.column. A row whose WHERE is not TRUE is left alone; two rows of one statement with the
// same key are an error for DO UPDATE, and the primary key cannot be assigned.
//
// Thread-safety: one per statement, used by one thread.
#pragma once

#include <string>
#include <vector>

#include "kernel/command.h"
#include "sql/parser/statement.h"
#include "sql/planner/planner_context.h"
#include "sql/planner/write_planner.h"

namespace kmb::sql {

struct OnConflictPlan {
  bool do_update = false;
  std::vector<std::size_t> key_positions;  // live-column positions of the primary key, in key order
  // live-column position -> new value, over [existing live columns..., proposed live columns...]
  std::vector<std::pair<std::size_t, BoundExpressionPtr>> assignments;
  BoundExpressionPtr where;
};

Result<OnConflictPlan> plan_on_conflict(const OnConflict& conflict, const InsertPlan& insert,
                                        const PlannerContext& context);

struct UpsertResult {
  std::vector<kernel::Row> inserted;  // rows still to insert
  kernel::UpdateRows update;          // conflicting rows' new versions (update.table is set)
};

Result<UpsertResult> apply_on_conflict(const OnConflictPlan& plan, const InsertPlan& insert,
                                       std::vector<kernel::Row> rows);

}  // namespace kmb::sql
