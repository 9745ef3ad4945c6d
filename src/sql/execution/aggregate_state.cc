#include "sql/execution/aggregate_state.h"

#include "sql/execution/arithmetic.h"
#include "sql/execution/decimal_math.h"

namespace kmb::sql {

namespace {

using kernel::Type;
using kernel::Value;

// AVG over integers sums exactly as DECIMAL, so no intermediate overflow.
Value for_sum(const AggregateSpec& spec, const Value& value) {
  if (spec.function == AggregateFunction::avg && kernel::is_integer_type(value.type())) {
    return Value::decimal(decimal_from_integer(value.as_int()));
  }
  if (kernel::is_integer_type(value.type())) return Value::integer(value.as_int());
  if (value.type() == Type::real) return Value::floating(value.as_double());
  return value;
}

}  // namespace

Status aggregate_update(const AggregateSpec& spec, AggregateState& state, const Value& value) {
  if (spec.function == AggregateFunction::count_star) {
    state.count++;
    return Status::ok_status();
  }
  if (value.is_null()) return Status::ok_status();
  if (spec.distinct && !state.seen.insert(value).second) return Status::ok_status();
  state.count++;
  switch (spec.function) {
    case AggregateFunction::sum:
    case AggregateFunction::avg: {
      Value addend = for_sum(spec, value);
      if (state.accumulator.is_null()) {
        state.accumulator = std::move(addend);
      } else {
        KMB_ASSIGN_OR_RETURN(state.accumulator, evaluate_arithmetic(BinaryOperator::add, state.accumulator, addend));
      }
      break;
    }
    case AggregateFunction::min:
    case AggregateFunction::max: {
      const bool is_min = spec.function == AggregateFunction::min;
      const int order = state.accumulator.is_null() ? 0 : kernel::compare_values(value, state.accumulator);
      if (state.accumulator.is_null() || (is_min ? order < 0 : order > 0)) state.accumulator = value;
      break;
    }
    default:
      break;
  }
  return Status::ok_status();
}

Status aggregate_remove(const AggregateSpec& spec, AggregateState& state, const Value& value) {
  KMB_ASSERT(!spec.distinct);
  if (spec.function == AggregateFunction::count_star) {
    KMB_ASSERT(state.count > 0);
    state.count--;
    return Status::ok_status();
  }
  if (value.is_null()) return Status::ok_status();
  KMB_ASSERT(state.count > 0);
  state.count--;
  if (spec.function == AggregateFunction::count) return Status::ok_status();
  KMB_ASSERT(spec.function == AggregateFunction::sum || spec.function == AggregateFunction::avg);
  KMB_ASSERT(value.type() != Type::real && value.type() != Type::double_precision);
  if (state.count == 0) {
    state.accumulator = Value::null();  // SUM of nothing is NULL, not 0
    return Status::ok_status();
  }
  KMB_ASSIGN_OR_RETURN(state.accumulator,
                       evaluate_arithmetic(BinaryOperator::subtract, state.accumulator, for_sum(spec, value)));
  return Status::ok_status();
}

Result<Value> aggregate_finish(const AggregateSpec& spec, const AggregateState& state) {
  switch (spec.function) {
    case AggregateFunction::count_star:
    case AggregateFunction::count:
      return Value::integer(state.count);
    case AggregateFunction::sum:
    case AggregateFunction::min:
    case AggregateFunction::max:
      return state.accumulator;
    case AggregateFunction::avg: {
      if (state.count == 0) return Value::null();
      if (spec.type == Type::double_precision) {
        return Value::floating(state.accumulator.numeric_as_double() / static_cast<double>(state.count));
      }
      KMB_ASSIGN_OR_RETURN(kernel::Decimal average,
                           decimal_divide(state.accumulator.as_decimal(), decimal_from_integer(state.count)));
      return Value::decimal(average);
    }
  }
  KMB_UNREACHABLE();
}

}  // namespace kmb::sql
