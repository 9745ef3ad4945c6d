#include "sql/planner/expression_binder.h"

#include <limits>

#include "sql/execution/arithmetic.h"
#include "sql/execution/cast.h"
#include "sql/execution/evaluator.h"

namespace kmb::sql {

namespace {

using kernel::Type;

std::string type_text(Type type) { return std::string(kernel::type_name(type)); }

BoundExpressionPtr make_node(BoundKind kind, Type type) {
  auto node = std::make_unique<BoundExpression>();
  node->kind = kind;
  node->type = type;
  return node;
}

bool is_boolean_or_null(Type type) { return type == Type::boolean || type == Type::null; }

bool is_text_like(Type type) { return type == Type::text || type == Type::json; }

bool is_string_constant(const BoundExpression& expression) {
  return expression.kind == BoundKind::constant && expression.type == Type::text;
}

// A string constant next to a DATE, TIMESTAMP or UUID operand takes that type. A text parameter
// ($n) adapts to any non-text operand type, as clients often send every parameter as text.
Status coerce_string_constant(BoundExpressionPtr& constant, Type other) {
  if (!is_string_constant(*constant) || other == Type::null || is_text_like(other)) return Status::ok_status();
  const bool typed_by_literal = other == Type::date || other == Type::timestamp || other == Type::uuid ||
                                other == Type::boolean || kernel::is_numeric_type(other);
  if (!typed_by_literal && !constant->parameter_index) return Status::ok_status();
  TypeName target;
  target.type = other;
  KMB_ASSIGN_OR_RETURN(constant, cast_to(std::move(constant), target));
  return Status::ok_status();
}

Type common_type(Type a, Type b) {
  if (a == Type::null) return b;
  if (b == Type::null || a == b) return a;
  if (kernel::is_integer_type(a) && kernel::is_integer_type(b)) return Type::bigint;
  if (kernel::is_numeric_type(a) && kernel::is_numeric_type(b)) {
    if (a == Type::real || a == Type::double_precision || b == Type::real || b == Type::double_precision) {
      return Type::double_precision;
    }
    return Type::decimal;
  }
  if ((a == Type::date && b == Type::timestamp) || (a == Type::timestamp && b == Type::date)) return Type::timestamp;
  if (is_text_like(a) && is_text_like(b)) return Type::text;
  return Type::null;  // no common type
}

}  // namespace

bool comparable(Type a, Type b) {
  if (a == Type::null || b == Type::null || a == b) return true;
  if (kernel::is_numeric_type(a) && kernel::is_numeric_type(b)) return true;
  if ((a == Type::date || a == Type::timestamp) && (b == Type::date || b == Type::timestamp)) return true;
  return is_text_like(a) && is_text_like(b);
}

Result<BoundExpressionPtr> cast_to(BoundExpressionPtr expression, const TypeName& target) {
  if (expression->type == target.type && target.type != Type::decimal) return expression;
  if (!castable(expression->type, target.type)) {
    return invalid_argument("cannot cast type " + type_text(expression->type) + " to " + type_text(target.type));
  }
  if (expression->kind == BoundKind::constant) {
    KMB_ASSIGN_OR_RETURN(kernel::Value value, cast_value(expression->value, target));
    expression->value = std::move(value);
    expression->type = target.type;
    return expression;
  }
  auto node = make_node(BoundKind::cast, target.type);
  node->cast_type = target;
  node->children.push_back(std::move(expression));
  return node;
}

Result<Type> unify_types(std::span<BoundExpressionPtr> expressions, std::string_view context) {
  Type common = Type::null;
  for (const BoundExpressionPtr& expression : expressions) {
    if (is_string_constant(*expression)) continue;
    const Type next = common_type(common, expression->type);
    if (next == Type::null && expression->type != Type::null) {
      return invalid_argument(std::string(context) + " types " + type_text(common) + " and " +
                              type_text(expression->type) + " cannot be matched");
    }
    common = next;
  }
  if (common == Type::null) {
    for (const BoundExpressionPtr& expression : expressions) {
      if (is_string_constant(*expression)) common = Type::text;
    }
  }
  if (common == Type::null) return common;
  TypeName target;
  target.type = common;
  for (BoundExpressionPtr& expression : expressions) {
    if (expression->type == common || expression->type == Type::null) continue;
    KMB_ASSIGN_OR_RETURN(expression, cast_to(std::move(expression), target));
  }
  return common;
}

Result<BoundExpressionPtr> make_comparison(BinaryOperator op, BoundExpressionPtr left, BoundExpressionPtr right) {
  KMB_TRY(coerce_string_constant(left, right->type));
  KMB_TRY(coerce_string_constant(right, left->type));
  if (!comparable(left->type, right->type)) {
    return invalid_argument("operator does not exist: " + type_text(left->type) + " " +
                            std::string(binary_operator_text(op)) + " " + type_text(right->type));
  }
  auto node = make_node(BoundKind::comparison, Type::boolean);
  node->op = op;
  node->children.push_back(std::move(left));
  node->children.push_back(std::move(right));
  return node;
}

Result<BoundExpressionPtr> ExpressionBinder::bind(const ParsedExpression& expression, std::string_view clause,
                                                  bool allow_aggregates, bool allow_windows) {
  clause_ = clause;
  allow_aggregates_ = allow_aggregates;
  inside_aggregate_ = false;
  allow_windows_ = allow_windows;
  inside_window_ = false;
  return bind_node(expression);
}

Result<BoundExpressionPtr> ExpressionBinder::bind_condition(const ParsedExpression& expression,
                                                            std::string_view clause, bool allow_aggregates) {
  KMB_ASSIGN_OR_RETURN(BoundExpressionPtr bound, bind(expression, clause, allow_aggregates));
  if (!is_boolean_or_null(bound->type)) {
    return invalid_argument("argument of " + std::string(clause) + " must be type BOOLEAN, not type " +
                            type_text(bound->type));
  }
  return bound;
}

Result<BoundExpressionPtr> ExpressionBinder::bind_node(const ParsedExpression& expression) {
  switch (expression.kind) {
    case ExpressionKind::constant: return make_bound_constant(expression.value, expression.value.type());
    case ExpressionKind::column_ref: return bind_column(expression);
    case ExpressionKind::parameter: return bind_parameter(expression);
    case ExpressionKind::star: return invalid_argument("* is not allowed in " + clause_);
    case ExpressionKind::default_value: return invalid_argument("DEFAULT is not allowed in " + clause_);
    case ExpressionKind::unary: return bind_unary(expression);
    case ExpressionKind::binary: return bind_binary(expression);
    case ExpressionKind::is_null:
    case ExpressionKind::is_boolean:
    case ExpressionKind::is_distinct: return bind_is(expression);
    case ExpressionKind::between: return bind_between(expression);
    case ExpressionKind::in_list: return bind_in_list(expression);
    case ExpressionKind::like: return bind_like(expression);
    case ExpressionKind::case_when: return bind_case(expression);
    case ExpressionKind::cast: return bind_cast(expression);
    case ExpressionKind::function: return bind_function(expression);
    case ExpressionKind::subquery:
    case ExpressionKind::exists:
    case ExpressionKind::in_subquery:
    case ExpressionKind::quantified: return bind_subquery(expression);
  }
  KMB_UNREACHABLE();
}

// A name resolves in the innermost scope that has it; one of an enclosing query (inside a
// subquery) becomes an outer_column, which makes the subquery correlated.
Result<BoundExpressionPtr> ExpressionBinder::bind_column(const ParsedExpression& expression) {
  if (context_.scope && (context_.scope->names_here(expression.names) || context_.outer.empty())) {
    KMB_ASSIGN_OR_RETURN(ResolvedColumn resolved, context_.scope->resolve(expression.names));
    return make_bound_column(resolved.slot, resolved.column->type, resolved.column->name);
  }
  for (std::size_t level = 0; level < context_.outer.size(); level++) {
    const OuterScope& outer = context_.outer[level];
    if (!outer.scope || !outer.scope->names_here(expression.names)) continue;
    KMB_ASSIGN_OR_RETURN(ResolvedColumn resolved, outer.scope->resolve(expression.names));
    auto node = make_node(BoundKind::outer_column, resolved.column->type);
    node->slot = resolved.slot;
    node->name = resolved.table->name + "." + resolved.column->name;
    node->frame = outer.frame;
    // Every subquery between here and that query depends on its row: none may cache its result.
    for (std::size_t inner = 0; inner <= level; inner++) context_.outer[inner].frame->referenced = true;
    return node;
  }
  if (context_.scope) {
    KMB_ASSIGN_OR_RETURN(ResolvedColumn resolved, context_.scope->resolve(expression.names));
    return make_bound_column(resolved.slot, resolved.column->type, resolved.column->name);
  }
  if (expression.names.size() == 2) {
    return invalid_argument("missing FROM-clause entry for table \"" + expression.names[0].name + "\"");
  }
  return invalid_argument("column \"" + expression.names.back().name + "\" does not exist");
}

Result<BoundExpressionPtr> ExpressionBinder::bind_subquery(const ParsedExpression& expression) {
  if (!context_.plan_subquery) return invalid_argument("subqueries are not allowed in " + clause_);
  auto frame = std::make_shared<CorrelationFrame>();
  std::vector<OuterScope> outer;
  outer.push_back(OuterScope{context_.scope, frame});
  outer.insert(outer.end(), context_.outer.begin(), context_.outer.end());
  KMB_ASSERT(expression.subquery);
  // The subquery's own binders overwrite this binder's clause state; keep it.
  const std::string clause = clause_;
  const bool allow_aggregates = allow_aggregates_;
  const bool inside_aggregate = inside_aggregate_;
  const bool allow_windows = allow_windows_;
  const bool inside_window = inside_window_;
  Result<std::shared_ptr<const Subquery>> planned = context_.plan_subquery(*expression.subquery, std::move(outer));
  clause_ = clause;
  allow_aggregates_ = allow_aggregates;
  inside_aggregate_ = inside_aggregate;
  allow_windows_ = allow_windows;
  inside_window_ = inside_window;
  if (!planned.ok()) return planned.status();
  std::shared_ptr<const Subquery> subquery = std::move(planned).value();
  auto node = make_node(BoundKind::subquery, Type::boolean);
  node->subquery = subquery;
  node->negated = expression.negated;
  if (expression.kind == ExpressionKind::exists) {
    node->subquery_kind = SubqueryKind::exists;
    return node;
  }
  if (subquery->types().size() != 1) return invalid_argument("subquery must return only one column");
  const Type column_type = subquery->types()[0];
  if (expression.kind == ExpressionKind::subquery) {
    node->subquery_kind = SubqueryKind::scalar;
    node->type = column_type;
    return node;
  }
  node->subquery_kind = SubqueryKind::in;
  std::string operator_text = "IN";
  if (expression.kind == ExpressionKind::quantified) {
    node->subquery_kind = expression.boolean_value ? SubqueryKind::all : SubqueryKind::any;
    node->op = expression.binary_operator;
    operator_text = std::string(binary_operator_text(node->op)) + (expression.boolean_value ? " ALL" : " ANY");
  }
  KMB_ASSIGN_OR_RETURN(BoundExpressionPtr operand, bind_node(*expression.children[0]));
  if (!comparable(operand->type, column_type)) {
    return invalid_argument("operator does not exist: " + type_text(operand->type) + " " + operator_text + " " +
                            type_text(column_type));
  }
  node->children.push_back(std::move(operand));
  return node;
}

Result<BoundExpressionPtr> ExpressionBinder::bind_parameter(const ParsedExpression& expression) {
  const std::uint32_t index = expression.parameter_index;
  if (index == 0 || index > context_.parameters.size()) {
    return invalid_argument("there is no parameter $" + std::to_string(index) + " (" +
                            std::to_string(context_.parameters.size()) + " given)");
  }
  const kernel::Value& value = context_.parameters[index - 1];
  BoundExpressionPtr constant = make_bound_constant(value, value.type());
  constant->parameter_index = index;
  return constant;
}

Result<BoundExpressionPtr> ExpressionBinder::bind_unary(const ParsedExpression& expression) {
  KMB_ASSIGN_OR_RETURN(BoundExpressionPtr operand, bind_node(*expression.children[0]));
  if (expression.unary_operator == UnaryOperator::logical_not) {
    if (!is_boolean_or_null(operand->type)) {
      return invalid_argument("argument of NOT must be type BOOLEAN, not type " + type_text(operand->type));
    }
    auto node = make_node(BoundKind::logical_not, Type::boolean);
    node->children.push_back(std::move(operand));
    return node;
  }
  if (operand->type != Type::null && !kernel::is_numeric_type(operand->type)) {
    return invalid_argument("operator does not exist: " +
                            std::string(expression.unary_operator == UnaryOperator::negate ? "-" : "+") +
                            type_text(operand->type));
  }
  if (expression.unary_operator == UnaryOperator::plus) return operand;
  const Type type = kernel::is_integer_type(operand->type) ? Type::bigint : operand->type;
  if (operand->kind == BoundKind::constant && !operand->parameter_index) {
    KMB_ASSIGN_OR_RETURN(kernel::Value negated, evaluate_negate(operand->value));
    // -9223372036854775808 lexes as a DECIMAL (its magnitude exceeds BIGINT); fold it back.
    if (negated.type() == Type::decimal && negated.as_decimal().scale == 0 &&
        negated.as_decimal().mantissa == -(static_cast<__int128>(1) << 63)) {
      return make_bound_constant(kernel::Value::integer(std::numeric_limits<std::int64_t>::min()), Type::bigint);
    }
    return make_bound_constant(std::move(negated), type);
  }
  auto node = make_node(BoundKind::negate, type);
  node->children.push_back(std::move(operand));
  return node;
}

Result<BoundExpressionPtr> ExpressionBinder::bind_logical(BoundKind kind, BoundExpressionPtr left,
                                                          BoundExpressionPtr right) {
  const char* name = kind == BoundKind::logical_and ? "AND" : "OR";
  for (const BoundExpressionPtr* operand : {&left, &right}) {
    if (!is_boolean_or_null((*operand)->type)) {
      return invalid_argument(std::string("argument of ") + name + " must be type BOOLEAN, not type " +
                              type_text((*operand)->type));
    }
  }
  auto node = make_node(kind, Type::boolean);
  node->children.push_back(std::move(left));
  node->children.push_back(std::move(right));
  return node;
}

Result<BoundExpressionPtr> ExpressionBinder::bind_binary(const ParsedExpression& expression) {
  KMB_ASSIGN_OR_RETURN(BoundExpressionPtr left, bind_node(*expression.children[0]));
  KMB_ASSIGN_OR_RETURN(BoundExpressionPtr right, bind_node(*expression.children[1]));
  const BinaryOperator op = expression.binary_operator;
  switch (op) {
    case BinaryOperator::logical_and: return bind_logical(BoundKind::logical_and, std::move(left), std::move(right));
    case BinaryOperator::logical_or: return bind_logical(BoundKind::logical_or, std::move(left), std::move(right));
    case BinaryOperator::equal:
    case BinaryOperator::not_equal:
    case BinaryOperator::less:
    case BinaryOperator::less_equal:
    case BinaryOperator::greater:
    case BinaryOperator::greater_equal: return make_comparison(op, std::move(left), std::move(right));
    case BinaryOperator::json_get:
    case BinaryOperator::json_get_text: return bind_json_get(op, std::move(left), std::move(right));
    default: break;
  }
  const std::optional<Type> type = op == BinaryOperator::concat ? concat_result_type(left->type, right->type)
                                                                : arithmetic_result_type(op, left->type, right->type);
  if (!type) {
    return invalid_argument("operator does not exist: " + type_text(left->type) + " " +
                            std::string(binary_operator_text(op)) + " " + type_text(right->type));
  }
  auto node = make_node(op == BinaryOperator::concat ? BoundKind::concat : BoundKind::arithmetic, *type);
  node->op = op;
  node->children.push_back(std::move(left));
  node->children.push_back(std::move(right));
  return node;
}

// json -> 'key' | json -> index: a JSON operand (a string constant is taken as JSON).
Result<BoundExpressionPtr> ExpressionBinder::bind_json_get(BinaryOperator op, BoundExpressionPtr left,
                                                           BoundExpressionPtr right) {
  if (is_string_constant(*left)) {
    TypeName json;
    json.type = Type::json;
    KMB_ASSIGN_OR_RETURN(left, cast_to(std::move(left), json));
  }
  const bool selector_ok = right->type == Type::null || right->type == Type::text || kernel::is_integer_type(right->type);
  if ((left->type != Type::json && left->type != Type::null) || !selector_ok) {
    return invalid_argument("operator does not exist: " + type_text(left->type) + " " +
                            std::string(binary_operator_text(op)) + " " + type_text(right->type));
  }
  auto node = make_node(BoundKind::function, op == BinaryOperator::json_get ? Type::json : Type::text);
  node->function = op == BinaryOperator::json_get ? ScalarFunction::json_get : ScalarFunction::json_get_text;
  node->children.push_back(std::move(left));
  node->children.push_back(std::move(right));
  return node;
}

Result<BoundExpressionPtr> ExpressionBinder::bind_is(const ParsedExpression& expression) {
  KMB_ASSIGN_OR_RETURN(BoundExpressionPtr operand, bind_node(*expression.children[0]));
  BoundKind kind = BoundKind::is_null;
  if (expression.kind == ExpressionKind::is_boolean) {
    kind = BoundKind::is_boolean;
    if (!is_boolean_or_null(operand->type)) {
      return invalid_argument("argument of IS TRUE/FALSE must be type BOOLEAN, not type " + type_text(operand->type));
    }
  }
  auto node = make_node(kind, Type::boolean);
  node->negated = expression.negated;
  node->boolean_value = expression.boolean_value;
  if (expression.kind == ExpressionKind::is_distinct) {
    KMB_ASSIGN_OR_RETURN(BoundExpressionPtr other, bind_node(*expression.children[1]));
    KMB_ASSIGN_OR_RETURN(BoundExpressionPtr comparison,
                         make_comparison(BinaryOperator::equal, std::move(operand), std::move(other)));
    node->kind = BoundKind::is_distinct;
    node->children = std::move(comparison->children);
    return node;
  }
  node->children.push_back(std::move(operand));
  return node;
}

// x BETWEEN a AND b is bound as (x >= a AND x <= b), so the planner sees two range conjuncts.
Result<BoundExpressionPtr> ExpressionBinder::bind_between(const ParsedExpression& expression) {
  KMB_ASSIGN_OR_RETURN(BoundExpressionPtr operand, bind_node(*expression.children[0]));
  KMB_ASSIGN_OR_RETURN(BoundExpressionPtr low, bind_node(*expression.children[1]));
  KMB_ASSIGN_OR_RETURN(BoundExpressionPtr high, bind_node(*expression.children[2]));
  BoundExpressionPtr operand_copy = copy_bound(*operand);
  KMB_ASSIGN_OR_RETURN(BoundExpressionPtr lower,
                       make_comparison(BinaryOperator::greater_equal, std::move(operand), std::move(low)));
  KMB_ASSIGN_OR_RETURN(BoundExpressionPtr upper,
                       make_comparison(BinaryOperator::less_equal, std::move(operand_copy), std::move(high)));
  KMB_ASSIGN_OR_RETURN(BoundExpressionPtr both, bind_logical(BoundKind::logical_and, std::move(lower), std::move(upper)));
  if (!expression.negated) return both;
  auto node = make_node(BoundKind::logical_not, Type::boolean);
  node->children.push_back(std::move(both));
  return node;
}

Result<BoundExpressionPtr> ExpressionBinder::bind_in_list(const ParsedExpression& expression) {
  auto node = make_node(BoundKind::in_list, Type::boolean);
  node->negated = expression.negated;
  KMB_ASSIGN_OR_RETURN(BoundExpressionPtr operand, bind_node(*expression.children[0]));
  const Type operand_type = operand->type;
  node->children.push_back(std::move(operand));
  for (std::size_t i = 1; i < expression.children.size(); i++) {
    KMB_ASSIGN_OR_RETURN(BoundExpressionPtr item, bind_node(*expression.children[i]));
    KMB_TRY(coerce_string_constant(item, operand_type));
    if (!comparable(operand_type, item->type)) {
      return invalid_argument("operator does not exist: " + type_text(operand_type) + " IN " + type_text(item->type));
    }
    node->children.push_back(std::move(item));
  }
  return node;
}

Result<BoundExpressionPtr> ExpressionBinder::bind_like(const ParsedExpression& expression) {
  auto node = make_node(BoundKind::like, Type::boolean);
  node->negated = expression.negated;
  node->case_insensitive = expression.case_insensitive;
  for (const ParsedExpressionPtr& child : expression.children) {
    KMB_ASSIGN_OR_RETURN(BoundExpressionPtr bound, bind_node(*child));
    if (bound->type != Type::null && !is_text_like(bound->type)) {
      return invalid_argument("operator does not exist: " + type_text(bound->type) + " LIKE; LIKE needs TEXT");
    }
    node->children.push_back(std::move(bound));
  }
  return node;
}

// CASE x WHEN v THEN r ... is bound as CASE WHEN x = v THEN r ...; results get a common type.
Result<BoundExpressionPtr> ExpressionBinder::bind_case(const ParsedExpression& expression) {
  auto node = make_node(BoundKind::case_when, Type::null);
  node->has_else = expression.has_else;
  BoundExpressionPtr operand;
  std::size_t at = 0;
  if (expression.has_operand) {
    KMB_ASSIGN_OR_RETURN(operand, bind_node(*expression.children[at++]));
  }
  std::vector<BoundExpressionPtr> results;
  const std::size_t pairs_end = expression.children.size() - (expression.has_else ? 1 : 0);
  for (; at + 1 < pairs_end; at += 2) {
    KMB_ASSIGN_OR_RETURN(BoundExpressionPtr condition, bind_node(*expression.children[at]));
    if (operand) {
      KMB_ASSIGN_OR_RETURN(condition, make_comparison(BinaryOperator::equal, copy_bound(*operand), std::move(condition)));
    } else if (!is_boolean_or_null(condition->type)) {
      return invalid_argument("argument of CASE/WHEN must be type BOOLEAN, not type " + type_text(condition->type));
    }
    KMB_ASSIGN_OR_RETURN(BoundExpressionPtr result, bind_node(*expression.children[at + 1]));
    node->children.push_back(std::move(condition));
    results.push_back(std::move(result));
  }
  if (expression.has_else) {
    KMB_ASSIGN_OR_RETURN(BoundExpressionPtr otherwise, bind_node(*expression.children.back()));
    results.push_back(std::move(otherwise));
  }
  KMB_ASSIGN_OR_RETURN(node->type, unify_types(results, "CASE"));
  std::vector<BoundExpressionPtr> children;
  for (std::size_t i = 0; i < node->children.size(); i++) {
    children.push_back(std::move(node->children[i]));
    children.push_back(std::move(results[i]));
  }
  if (expression.has_else) children.push_back(std::move(results.back()));
  node->children = std::move(children);
  return node;
}

// Casts of literals fold at bind time (so DATE '2024-01-15' is a constant and a bad literal fails
// before execution); casts of parameters stay visible for EXPLAIN.
Result<BoundExpressionPtr> ExpressionBinder::bind_cast(const ParsedExpression& expression) {
  KMB_ASSIGN_OR_RETURN(BoundExpressionPtr operand, bind_node(*expression.children[0]));
  const TypeName& target = expression.cast_type;
  if (!castable(operand->type, target.type)) {
    return invalid_argument("cannot cast type " + type_text(operand->type) + " to " + type_text(target.type));
  }
  if (operand->kind == BoundKind::constant && !operand->parameter_index) return cast_to(std::move(operand), target);
  auto node = make_node(BoundKind::cast, target.type);
  node->cast_type = target;
  node->children.push_back(std::move(operand));
  return node;
}

}  // namespace kmb::sql
