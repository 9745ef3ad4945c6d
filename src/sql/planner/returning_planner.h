// RETURNING for INSERT, UPDATE and DELETE: the items are bound over the table's live columns (a
// row holds one value per live column, in TableDef::columns order) and evaluated against each
// written row: the inserted rows, the new versions of updated rows, the last versions of deleted
// rows. `*` is every live column.
//
// Thread-safety: one per statement, used by one thread.
#pragma once

#include <string>
#include <vector>

#include "sql/parser/statement.h"
#include "sql/planner/planner_context.h"

namespace kmb::sql {

struct ReturningPlan {
  std::vector<BoundExpressionPtr> expressions;
  std::vector<std::string> names;
  std::vector<kernel::Type> types;
};

Result<ReturningPlan> plan_returning(const std::vector<SelectItem>& items, const kernel::TableDef& table,
                                     const std::vector<std::uint32_t>& live_columns, const std::string& name,
                                     const PlannerContext& context);

Result<std::vector<kernel::Row>> evaluate_returning(const ReturningPlan& plan, const std::vector<kernel::Row>& rows);

}  // namespace kmb::sql
