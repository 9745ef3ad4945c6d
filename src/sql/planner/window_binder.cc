// Binding of window function calls: `f(...) [FILTER (WHERE ...)] OVER window`.
//
// A named window (OVER w, OVER (w ORDER BY ...)) is resolved against the SELECT's WINDOW clause
// with the standard's copy rules: a refining window keeps w's PARTITION BY, may add an ORDER BY
// only when w has none, and cannot copy a w that has a frame. Frame offsets must be constants.
// Functions that ignore frames (ranking, NTILE, LAG, LEAD) get the default frame, so equal calls
// compare equal whatever frame was written.
#include "sql/execution/evaluator.h"
#include "sql/parser/statement.h"
#include "sql/planner/expression_binder.h"
#include "sql/planner/window_call.h"

namespace kmb::sql {

namespace {

using kernel::Type;
using kernel::Value;

struct WindowSignature {
  WindowFunction function;
  std::size_t arguments_min;
  std::size_t arguments_max;
};

std::optional<WindowSignature> find_window_function(std::string_view name) {
  static constexpr std::pair<std::string_view, WindowSignature> functions[] = {
      {"row_number", {WindowFunction::row_number, 0, 0}},
      {"rank", {WindowFunction::rank, 0, 0}},
      {"dense_rank", {WindowFunction::dense_rank, 0, 0}},
      {"percent_rank", {WindowFunction::percent_rank, 0, 0}},
      {"cume_dist", {WindowFunction::cume_dist, 0, 0}},
      {"ntile", {WindowFunction::ntile, 1, 1}},
      {"lag", {WindowFunction::lag, 1, 3}},
      {"lead", {WindowFunction::lead, 1, 3}},
      {"first_value", {WindowFunction::first_value, 1, 1}},
      {"last_value", {WindowFunction::last_value, 1, 1}},
      {"nth_value", {WindowFunction::nth_value, 2, 2}},
  };
  for (const auto& [function_name, signature] : functions) {
    if (function_name == name) return signature;
  }
  return std::nullopt;
}

// A window definition with its named base windows applied.
struct ResolvedWindow {
  const std::vector<ParsedExpressionPtr>* partition = nullptr;
  const std::vector<OrderItem>* order = nullptr;
  const FrameDefinition* frame = nullptr;
};

Result<ResolvedWindow> resolve_window(const WindowDefinition& window, const std::vector<NamedWindow>* named,
                                      std::size_t depth) {
  if (!window.base) {
    return ResolvedWindow{&window.partition_by, &window.order_by, window.frame ? &*window.frame : nullptr};
  }
  const std::string& name = window.base->name;
  const NamedWindow* found = nullptr;
  if (named && depth <= named->size()) {
    for (const NamedWindow& candidate : *named) {
      if (identifier_matches(*window.base, candidate.name.name)) found = &candidate;
    }
  }
  if (!found) return invalid_argument("window \"" + name + "\" does not exist");
  KMB_ASSIGN_OR_RETURN(ResolvedWindow base, resolve_window(found->definition, named, depth + 1));
  if (window.bare_reference) return base;
  if (!window.partition_by.empty())
    return invalid_argument("cannot override PARTITION BY clause of window \"" + name + "\"");
  if (!window.order_by.empty() && !base.order->empty()) {
    return invalid_argument("cannot override ORDER BY clause of window \"" + name + "\"");
  }
  if (base.frame) return invalid_argument("cannot copy window \"" + name + "\" because it has a frame clause");
  return ResolvedWindow{base.partition, window.order_by.empty() ? base.order : &window.order_by,
                        window.frame ? &*window.frame : nullptr};
}

bool is_integer_or_null(Type type) {
  return type == Type::null || kernel::is_integer_type(type);
}

Status check_integer_argument(std::string_view function, const BoundExpression& argument, std::size_t position) {
  if (is_integer_or_null(argument.type)) return Status::ok_status();
  return invalid_argument("argument " + std::to_string(position) + " of " + std::string(function) +
                          " must be an integer, not type " + std::string(kernel::type_name(argument.type)));
}

// PostgreSQL's checks of which bound may start and end a frame.
Status check_frame_shape(const FrameDefinition& frame) {
  const FrameBoundKind start = frame.start.kind;
  const FrameBoundKind end = frame.end.kind;
  if (start == FrameBoundKind::unbounded_following)
    return invalid_argument("frame start cannot be UNBOUNDED FOLLOWING");
  if (end == FrameBoundKind::unbounded_preceding) return invalid_argument("frame end cannot be UNBOUNDED PRECEDING");
  if (start == FrameBoundKind::current_row && end == FrameBoundKind::preceding) {
    return invalid_argument("frame starting from current row cannot have preceding rows");
  }
  if (start == FrameBoundKind::following && (end == FrameBoundKind::preceding || end == FrameBoundKind::current_row)) {
    return invalid_argument("frame starting from following row cannot have preceding rows");
  }
  return Status::ok_status();
}

}  // namespace

bool is_window_only_function(std::string_view name) {
  return find_window_function(name).has_value();
}

// Binds a part of a window call (argument, key, filter): window functions may not nest.
Result<BoundExpressionPtr> ExpressionBinder::bind_window_child(const ParsedExpression& expression) {
  inside_window_ = true;
  Result<BoundExpressionPtr> bound = bind_node(expression);
  inside_window_ = false;
  return bound;
}

Result<BoundExpressionPtr> ExpressionBinder::bind_window_function(const ParsedExpression& expression) {
  if (inside_aggregate_) return invalid_argument("aggregate function calls cannot contain window function calls");
  if (inside_window_) return invalid_argument("window function calls cannot be nested");
  if (!allow_windows_) return invalid_argument("window functions are not allowed in " + clause_);
  auto call = std::make_shared<WindowCall>();
  auto node = std::make_unique<BoundExpression>();
  node->kind = BoundKind::window;
  KMB_TRY(bind_window_arguments(expression, *call, *node));
  KMB_TRY(bind_window_keys(*expression.over, *call, *node));
  node->window = std::move(call);
  return node;
}

Status ExpressionBinder::bind_window_arguments(const ParsedExpression& expression, WindowCall& call,
                                               BoundExpression& node) {
  const std::string& name = expression.function_name;
  if (expression.distinct) return invalid_argument("DISTINCT is not implemented for window functions");
  std::optional<WindowSignature> signature = find_window_function(name);
  std::optional<AggregateFunction> aggregate = find_aggregate_function(name);
  if (!signature && !aggregate) {
    return invalid_argument("OVER specified, but " + name + " is not a window function nor an aggregate function");
  }
  if (expression.star_argument && (!aggregate || *aggregate != AggregateFunction::count)) {
    return invalid_argument(name + "(*) is not allowed");
  }
  if (expression.filter && !aggregate) {
    return invalid_argument("FILTER is not implemented for non-aggregate window functions");
  }
  std::vector<BoundExpressionPtr> arguments;
  for (const ParsedExpressionPtr& child : expression.children) {
    KMB_ASSIGN_OR_RETURN(BoundExpressionPtr argument, bind_window_child(*child));
    arguments.push_back(std::move(argument));
  }
  if (aggregate) {
    call.function = WindowFunction::aggregate;
    call.aggregate = expression.star_argument ? AggregateFunction::count_star : *aggregate;
    if (expression.star_argument) {
      node.type = Type::bigint;
    } else {
      if (arguments.size() != 1) return invalid_argument("function " + name + " takes exactly one argument");
      std::optional<Type> type = aggregate_result_type(call.aggregate, arguments[0]->type);
      if (!type) {
        return invalid_argument("function " + name + "(" + std::string(kernel::type_name(arguments[0]->type)) +
                                ") does not exist");
      }
      node.type = *type;
    }
  } else {
    call.function = signature->function;
    if (arguments.size() < signature->arguments_min || arguments.size() > signature->arguments_max) {
      return invalid_argument(
          "function " + name + " takes " +
          (signature->arguments_min == signature->arguments_max
               ? std::to_string(signature->arguments_min)
               : std::to_string(signature->arguments_min) + " to " + std::to_string(signature->arguments_max)) +
          " argument" + (signature->arguments_max == 1 ? "" : "s"));
    }
    switch (call.function) {
      case WindowFunction::row_number:
      case WindowFunction::rank:
      case WindowFunction::dense_rank:
      case WindowFunction::ntile:
        node.type = Type::bigint;
        break;
      case WindowFunction::percent_rank:
      case WindowFunction::cume_dist:
        node.type = Type::double_precision;
        break;
      case WindowFunction::lag:
      case WindowFunction::lead:
        if (arguments.size() > 1) KMB_TRY(check_integer_argument(name, *arguments[1], 2));
        if (arguments.size() > 2) {
          std::vector<BoundExpressionPtr> unified;
          unified.push_back(std::move(arguments[0]));
          unified.push_back(std::move(arguments[2]));
          KMB_ASSIGN_OR_RETURN(node.type, unify_types(unified, name));
          arguments[0] = std::move(unified[0]);
          arguments[2] = std::move(unified[1]);
        } else {
          node.type = arguments[0]->type;
        }
        break;
      case WindowFunction::nth_value:
        KMB_TRY(check_integer_argument(name, *arguments[1], 2));
        [[fallthrough]];
      case WindowFunction::first_value:
      case WindowFunction::last_value:
        node.type = arguments[0]->type;
        break;
      case WindowFunction::aggregate:
        KMB_UNREACHABLE();
    }
    if (call.function == WindowFunction::ntile) KMB_TRY(check_integer_argument(name, *arguments[0], 1));
  }
  call.argument_count = static_cast<std::uint32_t>(arguments.size());
  for (BoundExpressionPtr& argument : arguments) node.children.push_back(std::move(argument));
  if (expression.filter) {
    KMB_ASSIGN_OR_RETURN(BoundExpressionPtr filter, bind_window_child(*expression.filter));
    if (filter->type != Type::boolean && filter->type != Type::null) {
      return invalid_argument("argument of FILTER must be type BOOLEAN, not type " +
                              std::string(kernel::type_name(filter->type)));
    }
    node.children.push_back(std::move(filter));
    node.has_filter = true;
  }
  return Status::ok_status();
}

Status ExpressionBinder::bind_window_keys(const WindowDefinition& over, WindowCall& call, BoundExpression& node) {
  KMB_ASSIGN_OR_RETURN(ResolvedWindow window, resolve_window(over, context_.windows, 0));
  for (const ParsedExpressionPtr& key : *window.partition) {
    KMB_ASSIGN_OR_RETURN(BoundExpressionPtr bound, bind_window_child(*key));
    node.children.push_back(std::move(bound));
  }
  call.partition_count = static_cast<std::uint32_t>(window.partition->size());
  for (const OrderItem& item : *window.order) {
    KMB_ASSIGN_OR_RETURN(BoundExpressionPtr bound, bind_window_child(*item.expression));
    node.children.push_back(std::move(bound));
    call.orders.push_back(WindowOrder{item.descending, item.nulls_first.value_or(!item.descending)});
  }
  if (window.frame && uses_frame(call.function)) KMB_TRY(bind_frame(*window.frame, call, node));
  return Status::ok_status();
}

Status ExpressionBinder::bind_frame(const FrameDefinition& frame, WindowCall& call, const BoundExpression& node) {
  KMB_TRY(check_frame_shape(frame));
  const bool rows = frame.unit == FrameUnit::rows;
  call.frame.unit = frame.unit;
  const FrameBoundDefinition* definitions[] = {&frame.start, &frame.end};
  WindowFrameBound* bounds[] = {&call.frame.start, &call.frame.end};
  for (std::size_t i = 0; i < 2; i++) {
    const FrameBoundDefinition& definition = *definitions[i];
    WindowFrameBound& bound = *bounds[i];
    bound.kind = definition.kind;
    if (!definition.offset) continue;
    const char* which = i == 0 ? "starting" : "ending";
    KMB_ASSIGN_OR_RETURN(BoundExpressionPtr offset, bind_window_child(*definition.offset));
    if (!is_constant_expression(*offset)) {
      return invalid_argument(std::string("argument of ") + (rows ? "ROWS" : "RANGE") + " must not contain variables");
    }
    KMB_ASSIGN_OR_RETURN(Value value, evaluate_constant(*offset));
    if (value.is_null()) return invalid_argument(std::string("frame ") + which + " offset must not be null");
    if (rows) {
      if (!kernel::is_integer_type(value.type())) {
        return invalid_argument("argument of ROWS must be an integer, not type " +
                                std::string(kernel::type_name(value.type())));
      }
      if (value.as_int() < 0) return invalid_argument(std::string("frame ") + which + " offset must not be negative");
      bound.offset = Value::integer(value.as_int());
      continue;
    }
    if (call.orders.size() != 1) {
      return invalid_argument("RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column");
    }
    const Type key_type = node.children.back()->type;  // the ORDER BY key comes last
    if (!kernel::is_numeric_type(key_type) || !kernel::is_numeric_type(value.type())) {
      return invalid_argument("RANGE with offset PRECEDING/FOLLOWING is not supported for column type " +
                              std::string(kernel::type_name(key_type)) + " and offset type " +
                              std::string(kernel::type_name(value.type())));
    }
    if (kernel::compare_values(value, Value::integer(0)) < 0) {
      return invalid_argument("invalid preceding or following size in window function");
    }
    bound.offset = std::move(value);
  }
  return Status::ok_status();
}

}  // namespace kmb::sql
