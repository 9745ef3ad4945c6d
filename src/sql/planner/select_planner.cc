#include "sql/planner/select_planner.h"

#include "sql/execution/aggregate_operator.h"
#include "sql/execution/basic_operators.h"
#include "sql/execution/evaluator.h"
#include "sql/execution/sort_operator.h"
#include "sql/planner/cte_planner.h"
#include "sql/planner/from_planner.h"
#include "sql/planner/set_operation_planner.h"
#include "sql/planner/values_planner.h"
#include "sql/planner/window_call.h"
#include "sql/planner/window_planner.h"

namespace kmb::sql {

namespace {

struct OutputColumn {
  BoundExpressionPtr expression;
  std::string name;
  std::optional<Identifier> alias;
};

struct SortItem {
  BoundExpressionPtr expression;        // null when `output` names a select-list column
  std::optional<std::size_t> output;
  bool descending = false;
  bool nulls_first = true;
};

std::string derived_name(const ParsedExpression& expression, const BoundExpression& bound) {
  switch (expression.kind) {
    case ExpressionKind::column_ref: return bound.kind == BoundKind::column ? bound.name : expression.names.back().name;
    case ExpressionKind::function: return expression.function_name;
    case ExpressionKind::case_when: return "case";
    case ExpressionKind::cast: {
      const ParsedExpression& inner = *expression.children[0];
      if (inner.kind == ExpressionKind::column_ref || inner.kind == ExpressionKind::function) {
        return derived_name(inner, bound.children.empty() ? bound : *bound.children[0]);
      }
      std::string name(kernel::type_name(expression.cast_type.type));
      for (char& c : name) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      return name;
    }
    default: return "?column?";
  }
}

Status expand_star(const ParsedExpression& star, const Scope& scope, std::vector<OutputColumn>& outputs) {
  if (scope.tables().empty()) return invalid_argument("SELECT * with no tables specified is not valid");
  const ScopeTable* only = nullptr;
  if (!star.names.empty()) {
    only = scope.find_table(star.names[0]);
    if (!only) return invalid_argument("missing FROM-clause entry for table \"" + star.names[0].name + "\"");
  }
  for (const ScopeTable& table : scope.tables()) {
    if (only && only != &table) continue;
    for (std::uint32_t i = 0; i < table.columns.size(); i++) {
      const ScopeColumn& column = table.columns[i];
      if (column.pseudo || (column.using_duplicate && !only)) continue;
      outputs.push_back(OutputColumn{make_bound_column(table.first_slot + i, column.type, column.name), column.name, {}});
    }
  }
  return Status::ok_status();
}

// Replaces GROUP BY expressions and aggregates in a bound expression by references to the
// aggregate's output row: [group values..., aggregate values...].
class AggregateRewriter {
 public:
  explicit AggregateRewriter(std::vector<BoundExpressionPtr>& groups) : groups_(groups) {}

  Result<BoundExpressionPtr> rewrite(BoundExpressionPtr expression) {
    for (std::size_t i = 0; i < groups_.size(); i++) {
      if (bound_equal(*expression, *groups_[i])) {
        return make_bound_column(static_cast<std::uint32_t>(i), expression->type, bound_to_sql(*expression));
      }
    }
    if (expression->kind == BoundKind::aggregate) return aggregate_slot(std::move(expression));
    if (expression->kind == BoundKind::column) {
      return invalid_argument("column \"" + expression->name +
                              "\" must appear in the GROUP BY clause or be used in an aggregate function");
    }
    for (BoundExpressionPtr& child : expression->children) {
      KMB_ASSIGN_OR_RETURN(child, rewrite(std::move(child)));
    }
    return expression;
  }

  std::vector<AggregateSpec> take_aggregates() { return std::move(aggregates_); }

 private:
  BoundExpressionPtr aggregate_slot(BoundExpressionPtr aggregate) {
    const std::string text = bound_to_sql(*aggregate);
    std::size_t index = 0;
    for (; index < seen_.size(); index++) {
      if (bound_equal(*seen_[index], *aggregate)) break;
    }
    if (index == seen_.size()) {
      AggregateSpec spec;
      spec.function = aggregate->aggregate;
      spec.distinct = aggregate->distinct;
      spec.type = aggregate->type;
      spec.text = text;
      if (aggregate->aggregate != AggregateFunction::count_star) spec.argument = copy_bound(*aggregate->children[0]);
      if (aggregate->has_filter) spec.filter = copy_bound(*aggregate->children.back());
      aggregates_.push_back(std::move(spec));
      seen_.push_back(copy_bound(*aggregate));
    }
    return make_bound_column(static_cast<std::uint32_t>(groups_.size() + index), aggregate->type, text);
  }

  std::vector<BoundExpressionPtr>& groups_;
  std::vector<BoundExpressionPtr> seen_;
  std::vector<AggregateSpec> aggregates_;
};

// A non-negative integer constant (LIMIT, OFFSET), or nullopt for NULL/absent.
Result<std::optional<std::uint64_t>> row_count(const ParsedExpression* expression, const char* clause,
                                               const PlannerContext& context) {
  if (!expression) return std::optional<std::uint64_t>();
  ExpressionBinder binder(context.binder_context(nullptr));
  KMB_ASSIGN_OR_RETURN(BoundExpressionPtr bound, binder.bind(*expression, clause));
  KMB_ASSIGN_OR_RETURN(kernel::Value value, evaluate_constant(*bound));
  if (value.is_null()) return std::optional<std::uint64_t>();
  if (!kernel::is_integer_type(value.type())) {
    return invalid_argument(std::string("argument of ") + clause + " must be an integer");
  }
  if (value.as_int() < 0) return invalid_argument(std::string(clause) + " must not be negative");
  return std::optional<std::uint64_t>(static_cast<std::uint64_t>(value.as_int()));
}

std::optional<std::size_t> ordinal_of(const ParsedExpression& expression) {
  if (expression.kind != ExpressionKind::constant || !kernel::is_integer_type(expression.value.type())) {
    return std::nullopt;
  }
  return static_cast<std::size_t>(expression.value.as_int());
}

Status correlated_in_aggregate() {
  return invalid_argument("a correlated subquery in the select list, HAVING or ORDER BY of an aggregate query is not supported");
}

class SelectPlanner {
 public:
  SelectPlanner(const SelectNode& node, const PlannerContext& context) : node_(node), context_(context) {}

  Result<SelectPlan> plan() {
    KMB_TRY(plan_source());
    BinderContext binder_context = context_.binder_context(&scope_);
    binder_context.windows = &node_.windows;
    ExpressionBinder binder(std::move(binder_context));
    KMB_TRY(bind_outputs(binder));
    KMB_TRY(bind_order_by(binder));
    KMB_TRY(plan_aggregation(binder));
    plan_window_functions();
    KMB_TRY(plan_projection());
    return finish();
  }

 private:
  Status plan_source() {
    if (node_.from.empty()) {
      root_ = std::make_unique<SingleRowOperator>();
      if (!node_.where) return Status::ok_status();
      ExpressionBinder binder(context_.binder_context(&scope_));
      KMB_ASSIGN_OR_RETURN(BoundExpressionPtr where, binder.bind_condition(*node_.where, "WHERE"));
      root_ = std::make_unique<FilterOperator>(std::move(root_), std::move(where));
      return Status::ok_status();
    }
    KMB_ASSIGN_OR_RETURN(FromPlan from, plan_from(node_.from, node_.where.get(), context_));
    scope_ = std::move(from.scope);
    root_ = std::move(from.root);
    if (from.where) root_ = std::make_unique<FilterOperator>(std::move(root_), std::move(from.where));
    return Status::ok_status();
  }

  Status bind_outputs(ExpressionBinder& binder) {
    for (const SelectItem& item : node_.items) {
      if (item.expression->kind == ExpressionKind::star) {
        KMB_TRY(expand_star(*item.expression, scope_, outputs_));
        continue;
      }
      KMB_ASSIGN_OR_RETURN(BoundExpressionPtr bound, binder.bind(*item.expression, "SELECT", true, true));
      std::string name = item.alias ? item.alias->name : derived_name(*item.expression, *bound);
      outputs_.push_back(OutputColumn{std::move(bound), std::move(name), item.alias});
    }
    return Status::ok_status();
  }

  Status bind_order_by(ExpressionBinder& binder) {
    for (const OrderItem& item : node_.order_by) {
      SortItem sort;
      sort.descending = item.descending;
      sort.nulls_first = item.nulls_first.value_or(!item.descending);
      if (std::optional<std::size_t> ordinal = ordinal_of(*item.expression)) {
        if (*ordinal < 1 || *ordinal > outputs_.size()) {
          return invalid_argument("ORDER BY position " + std::to_string(*ordinal) + " is not in select list");
        }
        sort.output = *ordinal - 1;
      } else if (std::optional<std::size_t> output = output_named(*item.expression)) {
        sort.output = output;
      } else {
        KMB_ASSIGN_OR_RETURN(sort.expression, binder.bind(*item.expression, "ORDER BY", true, true));
      }
      sorts_.push_back(std::move(sort));
    }
    return Status::ok_status();
  }

  // An unqualified name that matches an output column's alias (or name, when it is not also an
  // input column).
  std::optional<std::size_t> output_named(const ParsedExpression& expression) const {
    if (expression.kind != ExpressionKind::column_ref || expression.names.size() != 1) return std::nullopt;
    for (std::size_t i = 0; i < outputs_.size(); i++) {
      if (outputs_[i].alias && identifier_matches(expression.names[0], outputs_[i].alias->name)) return i;
    }
    if (scope_.resolve(expression.names).ok()) return std::nullopt;
    for (std::size_t i = 0; i < outputs_.size(); i++) {
      if (identifier_matches(expression.names[0], outputs_[i].name)) return i;
    }
    return std::nullopt;
  }

  bool needs_aggregation() const {
    if (!node_.group_by.empty() || node_.having) return true;
    for (const OutputColumn& output : outputs_) {
      if (contains_aggregate(*output.expression)) return true;
    }
    for (const SortItem& sort : sorts_) {
      if (sort.expression && contains_aggregate(*sort.expression)) return true;
    }
    return false;
  }

  Result<BoundExpressionPtr> bind_group(ExpressionBinder& binder, const ParsedExpression& expression) {
    if (std::optional<std::size_t> ordinal = ordinal_of(expression)) {
      if (*ordinal < 1 || *ordinal > outputs_.size()) {
        return invalid_argument("GROUP BY position " + std::to_string(*ordinal) + " is not in select list");
      }
      if (contains_aggregate(*outputs_[*ordinal - 1].expression)) {
        return invalid_argument("aggregate functions are not allowed in GROUP BY");
      }
      if (contains_window(*outputs_[*ordinal - 1].expression)) {
        return invalid_argument("window functions are not allowed in GROUP BY");
      }
      return copy_bound(*outputs_[*ordinal - 1].expression);
    }
    if (expression.kind == ExpressionKind::column_ref && expression.names.size() == 1 &&
        !scope_.resolve(expression.names).ok()) {
      for (const OutputColumn& output : outputs_) {
        if (!output.alias || !identifier_matches(expression.names[0], output.alias->name)) continue;
        if (contains_window(*output.expression)) return invalid_argument("window functions are not allowed in GROUP BY");
        if (!contains_aggregate(*output.expression)) return copy_bound(*output.expression);
      }
    }
    return binder.bind(expression, "GROUP BY");
  }

  Status plan_aggregation(ExpressionBinder& binder) {
    if (!needs_aggregation()) return Status::ok_status();
    // A correlated subquery reads the row it is evaluated against by its scope's layout, which
    // aggregation replaces.
    for (const OutputColumn& output : outputs_) {
      if (contains_correlated_subquery(*output.expression)) return correlated_in_aggregate();
    }
    for (const SortItem& sort : sorts_) {
      if (sort.expression && contains_correlated_subquery(*sort.expression)) return correlated_in_aggregate();
    }
    std::vector<BoundExpressionPtr> groups;
    for (const ParsedExpressionPtr& group : node_.group_by) {
      KMB_ASSIGN_OR_RETURN(BoundExpressionPtr bound, bind_group(binder, *group));
      groups.push_back(std::move(bound));
    }
    AggregateRewriter rewriter(groups);
    for (OutputColumn& output : outputs_) {
      KMB_ASSIGN_OR_RETURN(output.expression, rewriter.rewrite(std::move(output.expression)));
    }
    for (SortItem& sort : sorts_) {
      if (sort.expression) {
        KMB_ASSIGN_OR_RETURN(sort.expression, rewriter.rewrite(std::move(sort.expression)));
      }
    }
    BoundExpressionPtr having;
    if (node_.having) {
      KMB_ASSIGN_OR_RETURN(having, binder.bind_condition(*node_.having, "HAVING", true));
      if (contains_correlated_subquery(*having)) return correlated_in_aggregate();
      KMB_ASSIGN_OR_RETURN(having, rewriter.rewrite(std::move(having)));
    }
    std::vector<AggregateSpec> aggregates = rewriter.take_aggregates();
    row_width_ = groups.size() + aggregates.size();
    root_ = std::make_unique<AggregateOperator>(std::move(root_), std::move(groups), std::move(aggregates),
                                                context_.rows_max, context_.guard);
    if (having) root_ = std::make_unique<FilterOperator>(std::move(root_), std::move(having));
    return Status::ok_status();
  }

  // Window functions run over the rows after WHERE, GROUP BY and HAVING, before the projection.
  void plan_window_functions() {
    std::vector<BoundExpressionPtr*> expressions;
    for (OutputColumn& output : outputs_) expressions.push_back(&output.expression);
    for (SortItem& sort : sorts_) {
      if (sort.expression) expressions.push_back(&sort.expression);
    }
    root_ = plan_windows(std::move(root_), row_width_.value_or(scope_.width()), expressions, context_);
  }

  Status plan_projection() {
    std::vector<BoundExpressionPtr> expressions;
    for (OutputColumn& output : outputs_) expressions.push_back(copy_bound(*output.expression));
    for (SortItem& sort : sorts_) {
      if (sort.output) continue;
      for (std::size_t i = 0; i < outputs_.size(); i++) {
        if (bound_equal(*sort.expression, *outputs_[i].expression)) sort.output = i;
      }
      if (sort.output) continue;
      if (node_.distinct) {
        return invalid_argument("for SELECT DISTINCT, ORDER BY expressions must appear in select list");
      }
      sort.output = expressions.size();
      expressions.push_back(copy_bound(*sort.expression));
    }
    root_ = std::make_unique<ProjectionOperator>(std::move(root_), std::move(expressions), outputs_.size());
    return Status::ok_status();
  }

  Result<SelectPlan> finish() {
    if (node_.distinct) root_ = std::make_unique<DistinctOperator>(std::move(root_), outputs_.size(), context_.rows_max,
                                                                  context_.guard);
    if (!sorts_.empty()) {
      std::vector<SortKey> keys;
      for (const SortItem& sort : sorts_) {
        const std::string text = *sort.output < outputs_.size() ? outputs_[*sort.output].name
                                                                 : bound_to_sql(*sort.expression);
        keys.push_back(SortKey{static_cast<std::uint32_t>(*sort.output), sort.descending, sort.nulls_first, text});
      }
      root_ = std::make_unique<SortOperator>(std::move(root_), std::move(keys), context_.rows_max, context_.guard);
    }
    KMB_ASSIGN_OR_RETURN(std::optional<std::uint64_t> limit, row_count(node_.limit.get(), "LIMIT", context_));
    KMB_ASSIGN_OR_RETURN(std::optional<std::uint64_t> offset, row_count(node_.offset.get(), "OFFSET", context_));
    if (limit || offset.value_or(0) > 0) {
      root_ = std::make_unique<LimitOperator>(std::move(root_), limit, offset.value_or(0));
    }
    SelectPlan plan;
    plan.root = std::move(root_);
    plan.width = outputs_.size();
    for (const OutputColumn& output : outputs_) {
      plan.names.push_back(output.name);
      plan.types.push_back(output.expression->type);
    }
    return plan;
  }

  const SelectNode& node_;
  const PlannerContext& context_;
  Scope scope_;
  OperatorPtr root_;
  std::vector<OutputColumn> outputs_;
  std::vector<SortItem> sorts_;
  std::optional<std::size_t> row_width_;  // set by aggregation: [groups..., aggregates...]
};

}  // namespace

Result<SelectPlan> plan_select(const SelectNode& node, const PlannerContext& context) {
  if (!node.with.empty()) return plan_with(node, context);
  return plan_select_body(node, context);
}

Result<SelectPlan> plan_select_body(const SelectNode& node, const PlannerContext& context) {
  if (!node.values.empty()) return plan_values(node, context);
  if (node.set_operator != SetOperator::none) return plan_set_operation(node, context);
  return SelectPlanner(node, context).plan();
}

}  // namespace kmb::sql
