#include "sql/planner/returning_planner.h"

#include "sql/execution/evaluator.h"

namespace kmb::sql {

Result<ReturningPlan> plan_returning(const std::vector<SelectItem>& items, const kernel::TableDef& table,
                                     const std::vector<std::uint32_t>& live_columns, const std::string& name,
                                     const PlannerContext& context) {
  Scope scope;
  ScopeTable scope_table;
  scope_table.name = name;
  for (std::uint32_t column : live_columns) {
    scope_table.columns.push_back(ScopeColumn{table.columns[column].name, table.columns[column].type, false, column});
  }
  KMB_TRY(scope.add_table(scope_table));
  ExpressionBinder binder(context.binder_context(&scope));
  ReturningPlan plan;
  for (const SelectItem& item : items) {
    if (item.expression->kind == ExpressionKind::star) {
      if (!item.expression->names.empty() && !identifier_matches(item.expression->names[0], name)) {
        return invalid_argument("missing FROM-clause entry for table \"" + item.expression->names[0].name + "\"");
      }
      for (std::uint32_t i = 0; i < scope_table.columns.size(); i++) {
        const ScopeColumn& column = scope_table.columns[i];
        plan.expressions.push_back(make_bound_column(i, column.type, column.name));
        plan.names.push_back(column.name);
        plan.types.push_back(column.type);
      }
      continue;
    }
    KMB_ASSIGN_OR_RETURN(BoundExpressionPtr bound, binder.bind(*item.expression, "RETURNING"));
    std::string column_name = "?column?";
    if (item.alias) {
      column_name = item.alias->name;
    } else if (bound->kind == BoundKind::column) {
      column_name = bound->name;
    } else if (item.expression->kind == ExpressionKind::function) {
      column_name = item.expression->function_name;
    }
    plan.names.push_back(std::move(column_name));
    plan.types.push_back(bound->type);
    plan.expressions.push_back(std::move(bound));
  }
  return plan;
}

Result<std::vector<kernel::Row>> evaluate_returning(const ReturningPlan& plan, const std::vector<kernel::Row>& rows) {
  std::vector<kernel::Row> result;
  result.reserve(rows.size());
  for (const kernel::Row& row : rows) {
    kernel::Row output;
    for (const BoundExpressionPtr& expression : plan.expressions) {
      KMB_ASSIGN_OR_RETURN(kernel::Value value, evaluate(*expression, row));
      output.push_back(std::move(value));
    }
    result.push_back(std::move(output));
  }
  return result;
}

}  // namespace kmb::sql
