#include "sql/planner/values_planner.h"

#include "sql/execution/values_operator.h"

namespace kmb::sql {

Result<SelectPlan> plan_values(const SelectNode& node, const PlannerContext& context) {
  KMB_ASSERT(!node.values.empty());
  const std::size_t width = node.values[0].size();
  ExpressionBinder binder(context.binder_context(nullptr));
  std::vector<std::vector<BoundExpressionPtr>> rows;
  rows.reserve(node.values.size());
  for (const std::vector<ParsedExpressionPtr>& values : node.values) {
    KMB_ASSERT(values.size() == width);
    std::vector<BoundExpressionPtr> row;
    for (const ParsedExpressionPtr& value : values) {
      KMB_ASSIGN_OR_RETURN(BoundExpressionPtr bound, binder.bind(*value, "VALUES"));
      row.push_back(std::move(bound));
    }
    rows.push_back(std::move(row));
  }
  SelectPlan plan;
  plan.width = width;
  for (std::size_t column = 0; column < width; column++) {
    std::vector<BoundExpressionPtr> cells;
    for (std::vector<BoundExpressionPtr>& row : rows) cells.push_back(std::move(row[column]));
    KMB_ASSIGN_OR_RETURN(kernel::Type type, unify_types(cells, "VALUES"));
    for (std::size_t i = 0; i < rows.size(); i++) rows[i][column] = std::move(cells[i]);
    plan.names.push_back("column" + std::to_string(column + 1));
    plan.types.push_back(type);
  }
  plan.root = std::make_unique<ValuesOperator>(std::move(rows), context.guard);
  return plan;
}

}  // namespace kmb::sql
