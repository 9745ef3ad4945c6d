#include "sql/planner/set_operation_planner.h"

#include "sql/execution/basic_operators.h"
#include "sql/execution/evaluator.h"
#include "sql/execution/set_operation_operator.h"
#include "sql/execution/sort_operator.h"

namespace kmb::sql {

namespace {

std::string_view operator_text(SetOperator op) {
  switch (op) {
    case SetOperator::union_rows: return "UNION";
    case SetOperator::intersect_rows: return "INTERSECT";
    case SetOperator::except_rows: return "EXCEPT";
    case SetOperator::none: break;
  }
  return "?";
}

// The visible columns of `plan`, each converted by `expressions` (columns or casts of columns).
OperatorPtr project(SelectPlan& plan, std::vector<BoundExpressionPtr> expressions) {
  const std::size_t width = expressions.size();
  return std::make_unique<ProjectionOperator>(std::move(plan.root), std::move(expressions), width);
}

Result<std::optional<std::uint64_t>> count_clause(const ParsedExpression* expression, const char* clause,
                                                  const PlannerContext& context) {
  if (!expression) return std::optional<std::uint64_t>();
  ExpressionBinder binder(context.binder_context(nullptr));
  KMB_ASSIGN_OR_RETURN(BoundExpressionPtr bound, binder.bind(*expression, clause));
  if (!is_constant_expression(*bound)) return invalid_argument(std::string("argument of ") + clause + " must be a constant");
  KMB_ASSIGN_OR_RETURN(kernel::Value value, evaluate_constant(*bound));
  if (value.is_null()) return std::optional<std::uint64_t>();
  if (!kernel::is_integer_type(value.type())) return invalid_argument(std::string("argument of ") + clause + " must be an integer");
  if (value.as_int() < 0) return invalid_argument(std::string(clause) + " must not be negative");
  return std::optional<std::uint64_t>(static_cast<std::uint64_t>(value.as_int()));
}

}  // namespace

Result<SelectPlan> plan_set_operation(const SelectNode& node, const PlannerContext& context) {
  KMB_ASSERT(node.set_operator != SetOperator::none);
  KMB_ASSIGN_OR_RETURN(SelectPlan left, plan_select(*node.left, context));
  KMB_ASSIGN_OR_RETURN(SelectPlan right, plan_select(*node.right, context));
  if (left.width != right.width) {
    return invalid_argument("each " + std::string(operator_text(node.set_operator)) +
                            " query must have the same number of columns");
  }
  std::vector<BoundExpressionPtr> left_columns;
  std::vector<BoundExpressionPtr> right_columns;
  SelectPlan plan;
  for (std::size_t i = 0; i < left.width; i++) {
    const auto slot = static_cast<std::uint32_t>(i);
    std::vector<BoundExpressionPtr> pair;
    pair.push_back(make_bound_column(slot, left.types[i], left.names[i]));
    pair.push_back(make_bound_column(slot, right.types[i], right.names[i]));
    KMB_ASSIGN_OR_RETURN(kernel::Type type, unify_types(pair, operator_text(node.set_operator)));
    left_columns.push_back(std::move(pair[0]));
    right_columns.push_back(std::move(pair[1]));
    plan.names.push_back(left.names[i]);
    plan.types.push_back(type);
  }
  plan.width = left.width;
  plan.root = std::make_unique<SetOperationOperator>(project(left, std::move(left_columns)),
                                                     project(right, std::move(right_columns)), node.set_operator,
                                                     node.set_all, plan.width, context.rows_max, context.guard);
  return order_and_limit_result(std::move(plan), node, context);
}

Result<SelectPlan> order_and_limit_result(SelectPlan plan, const SelectNode& node, const PlannerContext& context) {
  if (!node.order_by.empty()) {
    Scope scope;
    ScopeTable table;
    for (std::size_t i = 0; i < plan.width; i++) table.columns.push_back(ScopeColumn{plan.names[i], plan.types[i], false, {}});
    KMB_TRY(scope.add_table(std::move(table)));
    ExpressionBinder binder(context.binder_context(&scope));
    std::vector<BoundExpressionPtr> expressions;
    for (std::size_t i = 0; i < plan.width; i++) {
      expressions.push_back(make_bound_column(static_cast<std::uint32_t>(i), plan.types[i], plan.names[i]));
    }
    std::vector<SortKey> keys;
    for (const OrderItem& item : node.order_by) {
      SortKey key;
      key.descending = item.descending;
      key.nulls_first = item.nulls_first.value_or(!item.descending);
      const ParsedExpression& expression = *item.expression;
      if (expression.kind == ExpressionKind::constant && kernel::is_integer_type(expression.value.type())) {
        const std::int64_t ordinal = expression.value.as_int();
        if (ordinal < 1 || static_cast<std::uint64_t>(ordinal) > plan.width) {
          return invalid_argument("ORDER BY position " + std::to_string(ordinal) + " is not in select list");
        }
        key.slot = static_cast<std::uint32_t>(ordinal - 1);
      } else {
        KMB_ASSIGN_OR_RETURN(BoundExpressionPtr bound, binder.bind(expression, "ORDER BY"));
        if (bound->kind == BoundKind::column) {
          key.slot = bound->slot;
        } else {
          key.slot = static_cast<std::uint32_t>(expressions.size());
          expressions.push_back(std::move(bound));
        }
      }
      key.text = key.slot < plan.width ? plan.names[key.slot] : bound_to_sql(*expressions[key.slot]);
      keys.push_back(std::move(key));
    }
    if (expressions.size() > plan.width) {
      plan.root = std::make_unique<ProjectionOperator>(std::move(plan.root), std::move(expressions), plan.width);
    }
    plan.root = std::make_unique<SortOperator>(std::move(plan.root), std::move(keys), context.rows_max,
                                              context.guard);
  }
  KMB_ASSIGN_OR_RETURN(std::optional<std::uint64_t> limit, count_clause(node.limit.get(), "LIMIT", context));
  KMB_ASSIGN_OR_RETURN(std::optional<std::uint64_t> offset, count_clause(node.offset.get(), "OFFSET", context));
  if (limit || offset.value_or(0) > 0) {
    plan.root = std::make_unique<LimitOperator>(std::move(plan.root), limit, offset.value_or(0));
  }
  return plan;
}

}  // namespace kmb::sql
