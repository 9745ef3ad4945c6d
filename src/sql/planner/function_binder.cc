// Binding of function calls: aggregates (COUNT, SUM, MIN, MAX, AVG), the scalar built-ins, and
// NOW()/CURRENT_TIMESTAMP/CURRENT_DATE, which become constants.
#include <map>

#include "sql/execution/arithmetic.h"
#include "sql/planner/expression_binder.h"

namespace kmb::sql {

namespace {

using kernel::Type;

struct ScalarSignature {
  ScalarFunction function;
  std::size_t arguments_min;
  std::size_t arguments_max;
};

const std::map<std::string, ScalarSignature, std::less<>>& scalar_signatures() {
  static const std::map<std::string, ScalarSignature, std::less<>> signatures = {
      {"abs", {ScalarFunction::abs, 1, 1}},          {"ceil", {ScalarFunction::ceil, 1, 1}},
      {"ceiling", {ScalarFunction::ceil, 1, 1}},     {"floor", {ScalarFunction::floor, 1, 1}},
      {"round", {ScalarFunction::round, 1, 2}},      {"mod", {ScalarFunction::mod, 2, 2}},
      {"length", {ScalarFunction::length, 1, 1}},    {"char_length", {ScalarFunction::length, 1, 1}},
      {"lower", {ScalarFunction::lower, 1, 1}},      {"upper", {ScalarFunction::upper, 1, 1}},
      {"substr", {ScalarFunction::substr, 2, 3}},    {"substring", {ScalarFunction::substr, 2, 3}},
      {"trim", {ScalarFunction::trim, 1, 2}},        {"btrim", {ScalarFunction::trim, 1, 2}},
      {"ltrim", {ScalarFunction::ltrim, 1, 2}},      {"rtrim", {ScalarFunction::rtrim, 1, 2}},
      {"replace", {ScalarFunction::replace, 3, 3}},  {"concat", {ScalarFunction::concat, 1, 100}},
      {"coalesce", {ScalarFunction::coalesce, 1, 100}}, {"nullif", {ScalarFunction::nullif, 2, 2}},
      {"greatest", {ScalarFunction::greatest, 1, 100}}, {"least", {ScalarFunction::least, 1, 100}},
  };
  return signatures;
}

bool is_text_or_null(Type type) { return type == Type::text || type == Type::json || type == Type::null; }
bool is_numeric_or_null(Type type) { return type == Type::null || kernel::is_numeric_type(type); }
bool is_integer_or_null(Type type) { return type == Type::null || kernel::is_integer_type(type); }

Status no_such_function(std::string_view name, const std::vector<BoundExpressionPtr>& arguments) {
  std::string text = "function " + std::string(name) + "(";
  for (std::size_t i = 0; i < arguments.size(); i++) {
    if (i > 0) text += ", ";
    text += kernel::type_name(arguments[i]->type);
  }
  return invalid_argument(text + ") does not exist");
}

// Checks argument types and returns the result type, or nullopt when they do not fit.
std::optional<Type> scalar_result_type(ScalarFunction function, const std::vector<BoundExpressionPtr>& arguments) {
  const Type first = arguments[0]->type;
  switch (function) {
    case ScalarFunction::abs:
    case ScalarFunction::ceil:
    case ScalarFunction::floor:
      if (!is_numeric_or_null(first)) return std::nullopt;
      return first == Type::real ? Type::double_precision : first;
    case ScalarFunction::round:
      if (!is_numeric_or_null(first) || (arguments.size() > 1 && !is_integer_or_null(arguments[1]->type))) {
        return std::nullopt;
      }
      return first == Type::real ? Type::double_precision : first;
    case ScalarFunction::mod: return arithmetic_result_type(BinaryOperator::modulo, first, arguments[1]->type);
    case ScalarFunction::length:
      if (!is_text_or_null(first) && first != Type::bytes) return std::nullopt;
      return Type::bigint;
    case ScalarFunction::substr:
      if (!is_text_or_null(first)) return std::nullopt;
      for (std::size_t i = 1; i < arguments.size(); i++) {
        if (!is_integer_or_null(arguments[i]->type)) return std::nullopt;
      }
      return Type::text;
    case ScalarFunction::concat: return Type::text;
    default: break;
  }
  for (const BoundExpressionPtr& argument : arguments) {
    if (!is_text_or_null(argument->type)) return std::nullopt;
  }
  return Type::text;  // lower, upper, trim, ltrim, rtrim, replace
}

}  // namespace

std::optional<AggregateFunction> find_aggregate_function(std::string_view name) {
  if (name == "count") return AggregateFunction::count;
  if (name == "sum") return AggregateFunction::sum;
  if (name == "min") return AggregateFunction::min;
  if (name == "max") return AggregateFunction::max;
  if (name == "avg") return AggregateFunction::avg;
  return std::nullopt;
}

std::optional<Type> aggregate_result_type(AggregateFunction aggregate, Type argument) {
  switch (aggregate) {
    case AggregateFunction::count_star:
    case AggregateFunction::count: return Type::bigint;
    case AggregateFunction::min:
    case AggregateFunction::max: return argument;
    case AggregateFunction::sum:
      if (!is_numeric_or_null(argument)) return std::nullopt;
      if (argument == Type::null || kernel::is_integer_type(argument)) return Type::bigint;
      return argument == Type::decimal ? Type::decimal : Type::double_precision;
    case AggregateFunction::avg:
      if (!is_numeric_or_null(argument)) return std::nullopt;
      return argument == Type::decimal ? Type::decimal : Type::double_precision;
  }
  return std::nullopt;
}

Result<std::vector<BoundExpressionPtr>> ExpressionBinder::bind_arguments(const ParsedExpression& expression) {
  std::vector<BoundExpressionPtr> arguments;
  for (const ParsedExpressionPtr& child : expression.children) {
    KMB_ASSIGN_OR_RETURN(BoundExpressionPtr argument, bind_node(*child));
    arguments.push_back(std::move(argument));
  }
  return arguments;
}

Result<BoundExpressionPtr> ExpressionBinder::bind_function(const ParsedExpression& expression) {
  const std::string& name = expression.function_name;
  if (expression.over) return bind_window_function(expression);
  if (is_window_only_function(name)) return invalid_argument("window function " + name + " requires an OVER clause");
  if (find_aggregate_function(name)) return bind_aggregate(expression);
  if (expression.filter) return invalid_argument("FILTER is only allowed in aggregate functions");
  if (expression.star_argument || expression.distinct) {
    return invalid_argument(std::string(expression.star_argument ? "*" : "DISTINCT") + " is only allowed in aggregate functions");
  }
  if (name == "now" || name == "current_timestamp" || name == "current_date") {
    if (!expression.children.empty()) return invalid_argument("function " + name + " takes no arguments");
    if (!context_.now_micros) return invalid_argument(name + "() is not available here");
    KMB_ASSIGN_OR_RETURN(std::int64_t now, context_.now_micros());
    if (name == "current_date") {
      const std::int64_t day = 86'400'000'000LL;
      const std::int64_t days = now >= 0 ? now / day : -((-now + day - 1) / day);
      return make_bound_constant(kernel::Value::date(static_cast<std::int32_t>(days)), Type::date);
    }
    return make_bound_constant(kernel::Value::timestamp(now), Type::timestamp);
  }
  KMB_ASSIGN_OR_RETURN(std::vector<BoundExpressionPtr> arguments, bind_arguments(expression));
  return bind_scalar(expression, std::move(arguments));
}

Result<BoundExpressionPtr> ExpressionBinder::bind_scalar(const ParsedExpression& expression,
                                                         std::vector<BoundExpressionPtr> arguments) {
  const std::string& name = expression.function_name;
  auto found = scalar_signatures().find(name);
  if (found == scalar_signatures().end()) return invalid_argument("function " + name + " does not exist");
  const ScalarSignature& signature = found->second;
  if (arguments.size() < signature.arguments_min || arguments.size() > signature.arguments_max) {
    return no_such_function(name, arguments);
  }
  auto node = std::make_unique<BoundExpression>();
  node->kind = BoundKind::function;
  node->function = signature.function;
  const ScalarFunction function = signature.function;
  if (function == ScalarFunction::coalesce || function == ScalarFunction::greatest ||
      function == ScalarFunction::least) {
    KMB_ASSIGN_OR_RETURN(node->type, unify_types(arguments, std::string(scalar_function_name(function))));
  } else if (function == ScalarFunction::nullif) {
    node->type = arguments[0]->type;
    KMB_ASSIGN_OR_RETURN(BoundExpressionPtr check,
                         make_comparison(BinaryOperator::equal, std::move(arguments[0]), std::move(arguments[1])));
    arguments[0] = std::move(check->children[0]);
    arguments[1] = std::move(check->children[1]);
  } else {
    std::optional<Type> type = scalar_result_type(function, arguments);
    if (!type) return no_such_function(name, arguments);
    node->type = *type;
  }
  node->children = std::move(arguments);
  return node;
}

Result<BoundExpressionPtr> ExpressionBinder::bind_aggregate(const ParsedExpression& expression) {
  const std::string& name = expression.function_name;
  if (!allow_aggregates_) return invalid_argument("aggregate functions are not allowed in " + clause_);
  if (inside_aggregate_) return invalid_argument("aggregate function calls cannot be nested");
  auto node = std::make_unique<BoundExpression>();
  node->kind = BoundKind::aggregate;
  node->distinct = expression.distinct;
  node->aggregate = *find_aggregate_function(name);
  if (expression.star_argument) {
    if (node->aggregate != AggregateFunction::count) return invalid_argument(name + "(*) is not allowed");
    node->aggregate = AggregateFunction::count_star;
    node->type = Type::bigint;
    KMB_TRY(bind_aggregate_filter(expression, *node));
    return node;
  }
  if (expression.children.size() != 1) {
    return invalid_argument("function " + name + " takes exactly one argument");
  }
  inside_aggregate_ = true;
  Result<BoundExpressionPtr> argument = bind_node(*expression.children[0]);
  inside_aggregate_ = false;
  if (!argument.ok()) return argument.status();
  std::optional<Type> type = aggregate_result_type(node->aggregate, (*argument)->type);
  if (!type) {
    return invalid_argument("function " + name + "(" + std::string(kernel::type_name((*argument)->type)) +
                            ") does not exist");
  }
  node->type = *type;
  node->children.push_back(std::move(argument).value());
  KMB_TRY(bind_aggregate_filter(expression, *node));
  return node;
}

Status ExpressionBinder::bind_aggregate_filter(const ParsedExpression& expression, BoundExpression& aggregate) {
  if (!expression.filter) return Status::ok_status();
  inside_aggregate_ = true;
  Result<BoundExpressionPtr> filter = bind_node(*expression.filter);
  inside_aggregate_ = false;
  if (!filter.ok()) return filter.status();
  if ((*filter)->type != Type::boolean && (*filter)->type != Type::null) {
    return invalid_argument("argument of FILTER must be type BOOLEAN, not type " +
                            std::string(kernel::type_name((*filter)->type)));
  }
  aggregate.children.push_back(std::move(filter).value());
  aggregate.has_filter = true;
  return Status::ok_status();
}

}  // namespace kmb::sql
