// Plans INSERT, UPDATE and DELETE against the newest state (the view Session::write hands the
// statement). UPDATE and DELETE find their rows with the same access-path selection as SELECT;
// every SET expression is evaluated against the row's old values.
//
// Thread-safety: one per statement, used by one thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sql/execution/table_scan.h"
#include "sql/parser/statement.h"
#include "sql/planner/planner_context.h"
#include "sql/planner/select_planner.h"

namespace kmb::sql {

struct InsertPlan {
  std::unique_ptr<projection::TableView> table;
  std::vector<std::uint32_t> live_columns;              // TableDef::columns indexes of live columns
  std::vector<std::optional<std::size_t>> value_index;  // per live column: its value's index, or DEFAULT
  std::vector<std::vector<BoundExpressionPtr>> rows;    // VALUES (null entries mean DEFAULT)
  std::optional<SelectPlan> select;                     // INSERT ... SELECT
};

struct ModifyPlan {
  bool update = false;
  std::unique_ptr<TableScanOperator> scan;
  BoundExpressionPtr where;  // over the scan's rows; null when absent
  std::vector<std::uint32_t> live_columns;
  // UPDATE: TableDef::columns index -> new value (null expression: the column's DEFAULT).
  std::vector<std::pair<std::uint32_t, BoundExpressionPtr>> assignments;
  // The scan-row slot of each live column.
  std::vector<std::uint32_t> live_slots;
};

Result<InsertPlan> plan_insert(const InsertStatement& statement, const PlannerContext& context);
Result<ModifyPlan> plan_update(const UpdateStatement& statement, const PlannerContext& context);
Result<ModifyPlan> plan_delete(const DeleteStatement& statement, const PlannerContext& context);

std::vector<std::string> explain_insert(const InsertPlan& plan);
std::vector<std::string> explain_modify(const ModifyPlan& plan);

}  // namespace kmb::sql
