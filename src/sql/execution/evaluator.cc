#include "sql/execution/evaluator.h"

#include <vector>

#include "sql/execution/arithmetic.h"
#include "sql/execution/cast.h"
#include "sql/execution/like.h"
#include "sql/execution/scalar_functions.h"

namespace kmb::sql {

namespace {

using kernel::Value;

// Three-valued booleans: nullopt is NULL.
using Truth = std::optional<bool>;

Value truth_value(Truth truth) { return truth ? Value::boolean(*truth) : Value::null(); }

Result<Truth> evaluate_truth(const BoundExpression& expression, const kernel::Row& row) {
  KMB_ASSIGN_OR_RETURN(Value value, evaluate(expression, row));
  if (value.is_null()) return Truth{};
  if (value.type() != kernel::Type::boolean) return invalid_argument("expected a BOOLEAN value");
  return Truth{value.as_bool()};
}

Result<Value> evaluate_and_or(const BoundExpression& expression, const kernel::Row& row) {
  const bool is_and = expression.kind == BoundKind::logical_and;
  KMB_ASSIGN_OR_RETURN(Truth left, evaluate_truth(*expression.children[0], row));
  // FALSE AND x is FALSE; TRUE OR x is TRUE, without evaluating x.
  if (left && *left != is_and) return Value::boolean(*left);
  KMB_ASSIGN_OR_RETURN(Truth right, evaluate_truth(*expression.children[1], row));
  if (right && *right != is_and) return Value::boolean(*right);
  if (!left || !right) return Value::null();
  return Value::boolean(is_and);
}

bool comparison_holds(BinaryOperator op, int order) {
  switch (op) {
    case BinaryOperator::equal: return order == 0;
    case BinaryOperator::not_equal: return order != 0;
    case BinaryOperator::less: return order < 0;
    case BinaryOperator::less_equal: return order <= 0;
    case BinaryOperator::greater: return order > 0;
    case BinaryOperator::greater_equal: return order >= 0;
    default: KMB_UNREACHABLE();
  }
}

Result<Value> evaluate_comparison(const BoundExpression& expression, const kernel::Row& row) {
  KMB_ASSIGN_OR_RETURN(Value left, evaluate(*expression.children[0], row));
  KMB_ASSIGN_OR_RETURN(Value right, evaluate(*expression.children[1], row));
  if (left.is_null() || right.is_null()) return Value::null();
  return Value::boolean(comparison_holds(expression.op, compare_sql(left, right)));
}

Result<Value> evaluate_in_list(const BoundExpression& expression, const kernel::Row& row) {
  // An empty list (a SQLite extension) contains nothing, not even NULL.
  if (expression.children.size() == 1) return Value::boolean(expression.negated);
  KMB_ASSIGN_OR_RETURN(Value operand, evaluate(*expression.children[0], row));
  if (operand.is_null()) return Value::null();
  bool saw_null = false;
  for (std::size_t i = 1; i < expression.children.size(); i++) {
    KMB_ASSIGN_OR_RETURN(Value item, evaluate(*expression.children[i], row));
    if (item.is_null()) {
      saw_null = true;
    } else if (compare_sql(operand, item) == 0) {
      return Value::boolean(!expression.negated);
    }
  }
  if (saw_null) return Value::null();
  return Value::boolean(expression.negated);
}

Result<Value> evaluate_like(const BoundExpression& expression, const kernel::Row& row) {
  KMB_ASSIGN_OR_RETURN(Value text, evaluate(*expression.children[0], row));
  KMB_ASSIGN_OR_RETURN(Value pattern, evaluate(*expression.children[1], row));
  Value escape;
  if (expression.children.size() == 3) {
    KMB_ASSIGN_OR_RETURN(escape, evaluate(*expression.children[2], row));
    if (escape.is_null()) return Value::null();
  }
  if (text.is_null() || pattern.is_null()) return Value::null();
  std::optional<std::string_view> escape_text;
  if (!escape.is_null()) escape_text = escape.as_string();
  KMB_ASSIGN_OR_RETURN(bool matched,
                       like_match(text.as_string(), pattern.as_string(), escape_text, expression.case_insensitive));
  return Value::boolean(matched != expression.negated);
}

Result<Value> evaluate_case(const BoundExpression& expression, const kernel::Row& row) {
  const std::size_t pairs_end = expression.children.size() - (expression.has_else ? 1 : 0);
  for (std::size_t i = 0; i + 1 < pairs_end; i += 2) {
    KMB_ASSIGN_OR_RETURN(Truth condition, evaluate_truth(*expression.children[i], row));
    if (condition.value_or(false)) return evaluate(*expression.children[i + 1], row);
  }
  if (expression.has_else) return evaluate(*expression.children.back(), row);
  return Value::null();
}

Result<Value> evaluate_function(const BoundExpression& expression, const kernel::Row& row) {
  if (expression.function == ScalarFunction::coalesce) {
    for (const BoundExpressionPtr& argument : expression.children) {
      KMB_ASSIGN_OR_RETURN(Value value, evaluate(*argument, row));
      if (!value.is_null()) return value;
    }
    return Value::null();
  }
  std::vector<Value> arguments;
  arguments.reserve(expression.children.size());
  for (const BoundExpressionPtr& argument : expression.children) {
    KMB_ASSIGN_OR_RETURN(Value value, evaluate(*argument, row));
    arguments.push_back(std::move(value));
  }
  return evaluate_scalar_function(expression.function, arguments);
}

// op ANY: TRUE when some comparison is TRUE, else NULL when some is NULL, else FALSE (also for no
// rows). op ALL: FALSE when some comparison is FALSE, else NULL when some is NULL, else TRUE.
Result<Value> evaluate_quantified(const BoundExpression& expression, const kernel::Row& row) {
  const bool all = expression.subquery_kind == SubqueryKind::all;
  KMB_ASSIGN_OR_RETURN(Value operand, evaluate(*expression.children[0], row));
  bool decided = false;
  bool saw_null = false;
  KMB_TRY(expression.subquery->run(row, [&](const kernel::Row& inner) -> Result<bool> {
    if (operand.is_null() || inner[0].is_null()) {
      saw_null = true;
      return true;
    }
    decided = comparison_holds(expression.op, compare_sql(operand, inner[0])) != all;
    return !decided;
  }));
  if (decided) return Value::boolean(!all);
  if (saw_null) return Value::null();
  return Value::boolean(all);
}

// Scalar: NULL for no rows, an error for more than one. EXISTS: whether there is a row. IN: three-
// valued membership of the operand among the first column's values.
Result<Value> evaluate_subquery(const BoundExpression& expression, const kernel::Row& row) {
  const Subquery& subquery = *expression.subquery;
  switch (expression.subquery_kind) {
    case SubqueryKind::scalar: {
      Value result;
      std::uint64_t rows = 0;
      KMB_TRY(subquery.run(row, [&](const kernel::Row& inner) -> Result<bool> {
        if (++rows > 1) return invalid_argument("more than one row returned by a subquery used as an expression");
        result = inner[0];
        return true;
      }));
      return result;
    }
    case SubqueryKind::exists: {
      bool found = false;
      KMB_TRY(subquery.run(row, [&](const kernel::Row&) -> Result<bool> {
        found = true;
        return false;
      }));
      return Value::boolean(found);
    }
    case SubqueryKind::in: {
      KMB_ASSIGN_OR_RETURN(Value operand, evaluate(*expression.children[0], row));
      bool found = false;
      bool saw_null = operand.is_null();
      bool any_row = false;
      KMB_TRY(subquery.run(row, [&](const kernel::Row& inner) -> Result<bool> {
        any_row = true;
        if (operand.is_null()) return false;
        if (inner[0].is_null()) {
          saw_null = true;
          return true;
        }
        found = compare_sql(operand, inner[0]) == 0;
        return !found;
      }));
      if (found) return Value::boolean(!expression.negated);
      if (!any_row) return Value::boolean(expression.negated);
      if (saw_null) return Value::null();
      return Value::boolean(expression.negated);
    }
    case SubqueryKind::any:
    case SubqueryKind::all: return evaluate_quantified(expression, row);
  }
  KMB_UNREACHABLE();
}

Result<Value> evaluate_is(const BoundExpression& expression, const kernel::Row& row) {
  KMB_ASSIGN_OR_RETURN(Value operand, evaluate(*expression.children[0], row));
  bool result = false;
  if (expression.kind == BoundKind::is_null) {
    result = operand.is_null();
  } else if (expression.kind == BoundKind::is_boolean) {
    result = !operand.is_null() && operand.as_bool() == expression.boolean_value;
  } else {
    KMB_ASSIGN_OR_RETURN(Value other, evaluate(*expression.children[1], row));
    if (operand.is_null() || other.is_null()) {
      result = operand.is_null() != other.is_null();
    } else {
      result = compare_sql(operand, other) != 0;
    }
  }
  return Value::boolean(result != expression.negated);
}

Result<Value> evaluate_binary(const BoundExpression& expression, const kernel::Row& row) {
  KMB_ASSIGN_OR_RETURN(Value left, evaluate(*expression.children[0], row));
  KMB_ASSIGN_OR_RETURN(Value right, evaluate(*expression.children[1], row));
  if (expression.kind == BoundKind::concat) return evaluate_concat(left, right);
  return evaluate_arithmetic(expression.op, left, right);
}

}  // namespace

int compare_sql(const Value& a, const Value& b) { return kernel::compare_values(a, b); }

Result<Value> evaluate(const BoundExpression& expression, const kernel::Row& row) {
  switch (expression.kind) {
    case BoundKind::constant: return expression.value;
    case BoundKind::column:
      KMB_ASSERT(expression.slot < row.size());
      return row[expression.slot];
    case BoundKind::negate: {
      KMB_ASSIGN_OR_RETURN(Value operand, evaluate(*expression.children[0], row));
      return evaluate_negate(operand);
    }
    case BoundKind::logical_not: {
      KMB_ASSIGN_OR_RETURN(Truth operand, evaluate_truth(*expression.children[0], row));
      return truth_value(operand ? Truth{!*operand} : Truth{});
    }
    case BoundKind::logical_and:
    case BoundKind::logical_or: return evaluate_and_or(expression, row);
    case BoundKind::comparison: return evaluate_comparison(expression, row);
    case BoundKind::arithmetic:
    case BoundKind::concat: return evaluate_binary(expression, row);
    case BoundKind::is_null:
    case BoundKind::is_boolean:
    case BoundKind::is_distinct: return evaluate_is(expression, row);
    case BoundKind::in_list: return evaluate_in_list(expression, row);
    case BoundKind::like: return evaluate_like(expression, row);
    case BoundKind::case_when: return evaluate_case(expression, row);
    case BoundKind::cast: {
      KMB_ASSIGN_OR_RETURN(Value operand, evaluate(*expression.children[0], row));
      return cast_value(operand, expression.cast_type);
    }
    case BoundKind::function: return evaluate_function(expression, row);
    case BoundKind::outer_column:
      KMB_ASSERT(expression.frame && expression.frame->row);
      KMB_ASSERT(expression.slot < expression.frame->row->size());
      return (*expression.frame->row)[expression.slot];
    case BoundKind::subquery: return evaluate_subquery(expression, row);
    case BoundKind::window: return internal_error("window function evaluated outside a window operator");
    case BoundKind::aggregate: break;
  }
  return internal_error("aggregate evaluated outside an aggregation");
}

Result<bool> evaluate_predicate(const BoundExpression& expression, const kernel::Row& row) {
  KMB_ASSIGN_OR_RETURN(Truth truth, evaluate_truth(expression, row));
  return truth.value_or(false);
}

Result<Value> evaluate_constant(const BoundExpression& expression) {
  KMB_ASSERT(is_constant_expression(expression));
  static const kernel::Row empty;
  return evaluate(expression, empty);
}

}  // namespace kmb::sql
