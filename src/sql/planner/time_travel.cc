#include "sql/planner/time_travel.h"

#include "sql/execution/cast.h"
#include "sql/execution/evaluator.h"

namespace kmb::sql {

namespace {

using kernel::Position;
using kernel::Type;
using kernel::Value;

enum class PointKind { position, timestamp, either };

Result<Value> evaluate_point(const ParsedExpression& expression, const BinderContext& context) {
  // A literal or a given parameter is its own value (the common AS OF POSITION $1), without the
  // cost of binding; anything else, errors included, goes through the binder.
  if (expression.kind == ExpressionKind::constant) return expression.value;
  const std::uint32_t parameter = expression.parameter_index;
  if (expression.kind == ExpressionKind::parameter && parameter >= 1 && parameter <= context.parameters.size()) {
    return context.parameters[parameter - 1];
  }
  BinderContext constant_context = context;
  constant_context.scope = nullptr;
  ExpressionBinder binder(constant_context);
  KMB_ASSIGN_OR_RETURN(BoundExpressionPtr bound, binder.bind(expression, "a time-travel clause"));
  return evaluate_constant(*bound);
}

Result<std::uint64_t> timestamp_ns_of(const Value& value) {
  std::int64_t micros = 0;
  if (value.type() == Type::text) {
    std::optional<std::int64_t> parsed = parse_timestamp_micros(value.as_string());
    if (!parsed) return invalid_argument("invalid timestamp '" + value.as_string() + "'");
    micros = *parsed;
  } else if (value.type() == Type::timestamp) {
    micros = value.as_int();
  } else if (value.type() == Type::date) {
    micros = value.as_int() * 86'400'000'000LL;
  } else {
    return invalid_argument("a time-travel timestamp must be a TIMESTAMP or a string, not " +
                            std::string(kernel::type_name(value.type())));
  }
  if (micros < 0) return invalid_argument("timestamp " + kernel::to_display(Value::timestamp(micros)) + " precedes 1970");
  return static_cast<std::uint64_t>(micros) * 1000;
}

// A position, or the newest position committed at or before a time.
Result<Position> resolve_point(const ParsedExpression& expression, PointKind kind, const projection::ReadView& view,
                               const BinderContext& context) {
  KMB_ASSIGN_OR_RETURN(Value value, evaluate_point(expression, context));
  if (value.is_null()) return invalid_argument("a time-travel position or timestamp must not be NULL");
  const bool integer = kernel::is_integer_type(value.type());
  if (kind == PointKind::position || (kind == PointKind::either && integer)) {
    if (!integer || value.as_int() < 0) {
      return invalid_argument("AS OF POSITION needs a non-negative integer, not " + kernel::to_display(value));
    }
    return static_cast<Position>(value.as_int());
  }
  KMB_ASSIGN_OR_RETURN(std::uint64_t timestamp_ns, timestamp_ns_of(value));
  return view.position_at_timestamp(timestamp_ns);
}

Result<ResolvedTimeTravel> resolve_history(const TimeTravel& clause, const projection::ReadView& view,
                                           const BinderContext& context) {
  ResolvedTimeTravel result;
  result.latest = false;
  result.history = true;
  const Position newest = *view.position();
  if (clause.kind == TimeTravel::Kind::system_time_all) {
    result.from = view.first_position().value_or(0);
    result.to = newest;
  } else {
    KMB_ASSIGN_OR_RETURN(result.from, resolve_point(*clause.first, PointKind::either, view, context));
    KMB_ASSIGN_OR_RETURN(result.to, resolve_point(*clause.second, PointKind::either, view, context));
    if (clause.kind == TimeTravel::Kind::system_time_from_to) {
      if (result.to == 0 || result.to <= result.from) result.empty = true;
      if (result.to > 0) result.to--;
    }
    if (result.to < result.from) result.empty = true;
  }
  result.as_of = std::max(result.to, result.from);
  result.description = "HISTORY [" + std::to_string(result.from) + ", " + std::to_string(result.to) + "]";
  return result;
}

}  // namespace

Result<ResolvedTimeTravel> resolve_time_travel(const TimeTravel& clause, const projection::ReadView& view,
                                               const BinderContext& context) {
  KMB_ASSERT(view.position().has_value());
  ResolvedTimeTravel result;
  switch (clause.kind) {
    case TimeTravel::Kind::latest: result.as_of = *view.position(); return result;
    case TimeTravel::Kind::as_of_position: {
      KMB_ASSIGN_OR_RETURN(result.as_of, resolve_point(*clause.first, PointKind::position, view, context));
      break;
    }
    case TimeTravel::Kind::as_of_timestamp: {
      KMB_ASSIGN_OR_RETURN(result.as_of, resolve_point(*clause.first, PointKind::timestamp, view, context));
      break;
    }
    case TimeTravel::Kind::system_time_as_of: {
      KMB_ASSIGN_OR_RETURN(result.as_of, resolve_point(*clause.first, PointKind::either, view, context));
      break;
    }
    default: return resolve_history(clause, view, context);
  }
  result.latest = false;
  result.description = "AS OF POSITION " + std::to_string(result.as_of);
  return result;
}

}  // namespace kmb::sql
