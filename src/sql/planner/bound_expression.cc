#include "sql/planner/bound_expression.h"

#include "sql/parser/expression_printer.h"
#include "sql/planner/window_call.h"

namespace kmb::sql {

BoundExpressionPtr make_bound_constant(kernel::Value value, kernel::Type type) {
  auto expression = std::make_unique<BoundExpression>();
  expression->kind = BoundKind::constant;
  expression->type = type;
  expression->value = std::move(value);
  return expression;
}

BoundExpressionPtr make_bound_column(std::uint32_t slot, kernel::Type type, std::string name) {
  auto expression = std::make_unique<BoundExpression>();
  expression->kind = BoundKind::column;
  expression->type = type;
  expression->slot = slot;
  expression->name = std::move(name);
  return expression;
}

BoundExpressionPtr copy_bound(const BoundExpression& expression) {
  auto copy = std::make_unique<BoundExpression>();
  copy->kind = expression.kind;
  copy->type = expression.type;
  copy->value = expression.value;
  copy->parameter_index = expression.parameter_index;
  copy->slot = expression.slot;
  copy->name = expression.name;
  copy->op = expression.op;
  copy->negated = expression.negated;
  copy->boolean_value = expression.boolean_value;
  copy->case_insensitive = expression.case_insensitive;
  copy->has_else = expression.has_else;
  copy->cast_type = expression.cast_type;
  copy->function = expression.function;
  copy->aggregate = expression.aggregate;
  copy->distinct = expression.distinct;
  copy->has_filter = expression.has_filter;
  copy->frame = expression.frame;
  copy->subquery = expression.subquery;
  copy->subquery_kind = expression.subquery_kind;
  copy->window = expression.window;
  for (const BoundExpressionPtr& child : expression.children) copy->children.push_back(copy_bound(*child));
  return copy;
}

bool bound_equal(const BoundExpression& a, const BoundExpression& b) {
  if (a.kind != b.kind || a.type != b.type || a.children.size() != b.children.size()) return false;
  switch (a.kind) {
    case BoundKind::constant:
      if (!(a.value == b.value) || a.parameter_index != b.parameter_index) return false;
      break;
    case BoundKind::column:
      if (a.slot != b.slot) return false;
      break;
    case BoundKind::comparison:
    case BoundKind::arithmetic:
      if (a.op != b.op) return false;
      break;
    case BoundKind::cast:
      if (a.cast_type.type != b.cast_type.type || a.cast_type.precision != b.cast_type.precision ||
          a.cast_type.scale != b.cast_type.scale) {
        return false;
      }
      break;
    case BoundKind::function:
      if (a.function != b.function) return false;
      break;
    case BoundKind::aggregate:
      if (a.aggregate != b.aggregate || a.distinct != b.distinct || a.has_filter != b.has_filter) return false;
      break;
    case BoundKind::outer_column:
      if (a.frame != b.frame || a.slot != b.slot) return false;
      break;
    case BoundKind::subquery:
      if (a.subquery != b.subquery || a.subquery_kind != b.subquery_kind || a.op != b.op) return false;
      break;
    case BoundKind::window:
      if (a.has_filter != b.has_filter || !window_call_equal(*a.window, *b.window)) return false;
      break;
    default: break;
  }
  if (a.negated != b.negated || a.boolean_value != b.boolean_value || a.case_insensitive != b.case_insensitive ||
      a.has_else != b.has_else) {
    return false;
  }
  for (std::size_t i = 0; i < a.children.size(); i++) {
    if (!bound_equal(*a.children[i], *b.children[i])) return false;
  }
  return true;
}

bool is_constant_expression(const BoundExpression& expression) {
  if (expression.kind == BoundKind::column || expression.kind == BoundKind::aggregate ||
      expression.kind == BoundKind::outer_column || expression.kind == BoundKind::subquery ||
      expression.kind == BoundKind::window) {
    return false;
  }
  for (const BoundExpressionPtr& child : expression.children) {
    if (!is_constant_expression(*child)) return false;
  }
  return true;
}

bool contains_aggregate(const BoundExpression& expression) {
  if (expression.kind == BoundKind::aggregate) return true;
  for (const BoundExpressionPtr& child : expression.children) {
    if (contains_aggregate(*child)) return true;
  }
  return false;
}

bool contains_correlated_subquery(const BoundExpression& expression) {
  if (expression.kind == BoundKind::subquery && expression.subquery->correlated()) return true;
  for (const BoundExpressionPtr& child : expression.children) {
    if (contains_correlated_subquery(*child)) return true;
  }
  return false;
}

void collect_slots(const BoundExpression& expression, std::vector<std::uint32_t>& slots) {
  if (expression.kind == BoundKind::column) slots.push_back(expression.slot);
  for (const BoundExpressionPtr& child : expression.children) collect_slots(*child, slots);
}

std::string_view scalar_function_name(ScalarFunction function) {
  switch (function) {
    case ScalarFunction::abs: return "abs";
    case ScalarFunction::ceil: return "ceil";
    case ScalarFunction::floor: return "floor";
    case ScalarFunction::round: return "round";
    case ScalarFunction::mod: return "mod";
    case ScalarFunction::length: return "length";
    case ScalarFunction::lower: return "lower";
    case ScalarFunction::upper: return "upper";
    case ScalarFunction::substr: return "substr";
    case ScalarFunction::trim: return "trim";
    case ScalarFunction::ltrim: return "ltrim";
    case ScalarFunction::rtrim: return "rtrim";
    case ScalarFunction::replace: return "replace";
    case ScalarFunction::concat: return "concat";
    case ScalarFunction::coalesce: return "coalesce";
    case ScalarFunction::nullif: return "nullif";
    case ScalarFunction::greatest: return "greatest";
    case ScalarFunction::least: return "least";
    case ScalarFunction::json_get: return "->";
    case ScalarFunction::json_get_text: return "->>";
  }
  return "?";
}

std::string_view aggregate_function_name(AggregateFunction function) {
  switch (function) {
    case AggregateFunction::count_star:
    case AggregateFunction::count: return "count";
    case AggregateFunction::sum: return "sum";
    case AggregateFunction::min: return "min";
    case AggregateFunction::max: return "max";
    case AggregateFunction::avg: return "avg";
  }
  return "?";
}

namespace {

std::string join_arguments(const BoundExpression& expression, std::size_t from) {
  std::string text;
  for (std::size_t i = from; i < expression.children.size(); i++) {
    if (i > from) text += ", ";
    text += bound_to_sql(*expression.children[i]);
  }
  return text;
}

std::string case_to_sql(const BoundExpression& expression) {
  std::string text = "CASE";
  const std::size_t pairs_end = expression.children.size() - (expression.has_else ? 1 : 0);
  for (std::size_t i = 0; i + 1 < pairs_end; i += 2) {
    text += " WHEN " + bound_to_sql(*expression.children[i]) + " THEN " + bound_to_sql(*expression.children[i + 1]);
  }
  if (expression.has_else) text += " ELSE " + bound_to_sql(*expression.children.back());
  return text + " END";
}

std::string binary_to_sql(const BoundExpression& expression, std::string_view op) {
  return "(" + bound_to_sql(*expression.children[0]) + " " + std::string(op) + " " +
         bound_to_sql(*expression.children[1]) + ")";
}

}  // namespace

std::string bound_to_sql(const BoundExpression& expression) {
  const std::string not_text = expression.negated ? "NOT " : "";
  switch (expression.kind) {
    case BoundKind::constant:
      if (expression.parameter_index) return "$" + std::to_string(*expression.parameter_index);
      return literal_to_sql(expression.value);
    case BoundKind::column: return expression.name;
    case BoundKind::negate: return "(-" + bound_to_sql(*expression.children[0]) + ")";
    case BoundKind::logical_not: return "(NOT " + bound_to_sql(*expression.children[0]) + ")";
    case BoundKind::logical_and: return binary_to_sql(expression, "AND");
    case BoundKind::logical_or: return binary_to_sql(expression, "OR");
    case BoundKind::comparison:
    case BoundKind::arithmetic: return binary_to_sql(expression, binary_operator_text(expression.op));
    case BoundKind::concat: return binary_to_sql(expression, "||");
    case BoundKind::is_null: return "(" + bound_to_sql(*expression.children[0]) + " IS " + not_text + "NULL)";
    case BoundKind::is_boolean:
      return "(" + bound_to_sql(*expression.children[0]) + " IS " + not_text +
             (expression.boolean_value ? "TRUE)" : "FALSE)");
    case BoundKind::is_distinct: return binary_to_sql(expression, "IS " + not_text + "DISTINCT FROM");
    case BoundKind::in_list:
      return "(" + bound_to_sql(*expression.children[0]) + " " + not_text + "IN (" + join_arguments(expression, 1) + "))";
    case BoundKind::like: {
      std::string text = "(" + bound_to_sql(*expression.children[0]) + " " + not_text +
                         (expression.case_insensitive ? "ILIKE " : "LIKE ") + bound_to_sql(*expression.children[1]);
      if (expression.children.size() == 3) text += " ESCAPE " + bound_to_sql(*expression.children[2]);
      return text + ")";
    }
    case BoundKind::case_when: return case_to_sql(expression);
    case BoundKind::cast:
      return "CAST(" + bound_to_sql(*expression.children[0]) + " AS " +
             std::string(kernel::type_name(expression.cast_type.type)) + ")";
    case BoundKind::function:
      if (expression.function == ScalarFunction::json_get || expression.function == ScalarFunction::json_get_text) {
        return binary_to_sql(expression, scalar_function_name(expression.function));
      }
      return std::string(scalar_function_name(expression.function)) + "(" + join_arguments(expression, 0) + ")";
    case BoundKind::aggregate: {
      const std::string filter =
          expression.has_filter ? " FILTER (WHERE " + bound_to_sql(*expression.children.back()) + ")" : "";
      if (expression.aggregate == AggregateFunction::count_star) return "count(*)" + filter;
      return std::string(aggregate_function_name(expression.aggregate)) + "(" + (expression.distinct ? "DISTINCT " : "") +
             bound_to_sql(*expression.children[0]) + ")" + filter;
    }
    case BoundKind::outer_column: return expression.name;
    case BoundKind::window: return window_to_sql(expression);
    case BoundKind::subquery:
      switch (expression.subquery_kind) {
        case SubqueryKind::scalar: return "(SELECT ...)";
        case SubqueryKind::exists: return "EXISTS (SELECT ...)";
        case SubqueryKind::in:
          return "(" + bound_to_sql(*expression.children[0]) + " " + not_text + "IN (SELECT ...))";
        case SubqueryKind::any:
        case SubqueryKind::all:
          return "(" + bound_to_sql(*expression.children[0]) + " " + std::string(binary_operator_text(expression.op)) +
                 (expression.subquery_kind == SubqueryKind::all ? " ALL" : " ANY") + " (SELECT ...))";
      }
      break;
  }
  return "?";
}

void split_conjuncts(const BoundExpression& expression, std::vector<const BoundExpression*>& conjuncts) {
  if (expression.kind == BoundKind::logical_and) {
    split_conjuncts(*expression.children[0], conjuncts);
    split_conjuncts(*expression.children[1], conjuncts);
    return;
  }
  conjuncts.push_back(&expression);
}

}  // namespace kmb::sql
