#include "sql/execution/arithmetic.h"

#include <cmath>
#include <limits>

#include "sql/execution/decimal_math.h"

namespace kmb::sql {

namespace {

using kernel::Decimal;
using kernel::Type;
using kernel::Value;

bool is_floating(Type type) { return type == Type::real || type == Type::double_precision; }

Status division_by_zero() { return invalid_argument("division by zero"); }

Result<Value> integer_arithmetic(BinaryOperator op, std::int64_t a, std::int64_t b) {
  std::int64_t result = 0;
  bool overflow = false;
  switch (op) {
    case BinaryOperator::add: overflow = __builtin_add_overflow(a, b, &result); break;
    case BinaryOperator::subtract: overflow = __builtin_sub_overflow(a, b, &result); break;
    case BinaryOperator::multiply: overflow = __builtin_mul_overflow(a, b, &result); break;
    case BinaryOperator::divide:
      if (b == 0) return division_by_zero();
      if (a == std::numeric_limits<std::int64_t>::min() && b == -1) return integer_out_of_range();
      result = a / b;  // C++ truncates toward zero, as SQL requires
      break;
    case BinaryOperator::modulo:
      if (b == 0) return division_by_zero();
      result = b == -1 ? 0 : a % b;
      break;
    default: KMB_UNREACHABLE();
  }
  if (overflow) return integer_out_of_range();
  return Value::integer(result);
}

// PostgreSQL's rule for float8: a result that is infinite although no operand was is an overflow,
// one that is zero although the operation could not yield zero is an underflow. Infinite or NaN
// operands (from 'Infinity'::DOUBLE) propagate as IEEE 754 says.
Result<Value> checked_floating(double result, bool overflow_possible, bool underflow_possible) {
  if (overflow_possible && std::isinf(result)) return floating_out_of_range(true);
  if (underflow_possible && result == 0.0) return floating_out_of_range(false);
  return Value::floating(result);
}

Result<Value> floating_arithmetic(BinaryOperator op, double a, double b) {
  const bool finite = std::isfinite(a) && std::isfinite(b);
  switch (op) {
    case BinaryOperator::add: return checked_floating(a + b, finite, false);
    case BinaryOperator::subtract: return checked_floating(a - b, finite, false);
    case BinaryOperator::multiply: return checked_floating(a * b, finite, finite && a != 0.0 && b != 0.0);
    case BinaryOperator::divide:
      if (b == 0) return division_by_zero();
      return checked_floating(a / b, finite, finite && a != 0.0);
    case BinaryOperator::modulo:
      if (b == 0) return division_by_zero();
      return Value::floating(std::fmod(a, b));
    default: KMB_UNREACHABLE();
  }
}

Decimal as_decimal(const Value& value) {
  if (kernel::is_integer_type(value.type())) return decimal_from_integer(value.as_int());
  return value.as_decimal();
}

Result<Value> decimal_arithmetic(BinaryOperator op, const Decimal& a, const Decimal& b) {
  Result<Decimal> result = Decimal{};
  switch (op) {
    case BinaryOperator::add: result = decimal_add(a, b); break;
    case BinaryOperator::subtract: result = decimal_subtract(a, b); break;
    case BinaryOperator::multiply: result = decimal_multiply(a, b); break;
    case BinaryOperator::divide:
      if (b.mantissa == 0) return division_by_zero();
      result = decimal_divide(a, b);
      break;
    case BinaryOperator::modulo:
      if (b.mantissa == 0) return division_by_zero();
      result = decimal_modulo(a, b);
      break;
    default: KMB_UNREACHABLE();
  }
  if (!result.ok()) return result.status();
  return Value::decimal(*result);
}

Result<Value> date_arithmetic(BinaryOperator op, const Value& left, const Value& right) {
  if (left.type() == Type::date && right.type() == Type::date) return Value::integer(left.as_int() - right.as_int());
  const bool date_left = left.type() == Type::date;
  const std::int64_t days = date_left ? left.as_int() : right.as_int();
  const std::int64_t delta = date_left ? right.as_int() : left.as_int();
  std::int64_t result = 0;
  const bool overflow = op == BinaryOperator::add ? __builtin_add_overflow(days, delta, &result)
                                                  : __builtin_sub_overflow(days, delta, &result);
  if (overflow || result < std::numeric_limits<std::int32_t>::min() ||
      result > std::numeric_limits<std::int32_t>::max()) {
    return invalid_argument("date out of range");
  }
  return Value::date(static_cast<std::int32_t>(result));
}

}  // namespace

Status integer_out_of_range() { return invalid_argument("integer out of range"); }

Status floating_out_of_range(bool overflow) {
  return invalid_argument(overflow ? "value out of range: overflow" : "value out of range: underflow");
}

std::optional<Type> arithmetic_result_type(BinaryOperator op, Type left, Type right) {
  const bool additive = op == BinaryOperator::add || op == BinaryOperator::subtract;
  if (additive && (left == Type::date || right == Type::date)) {
    if (left == Type::date && right == Type::date) {
      return op == BinaryOperator::subtract ? std::optional(Type::bigint) : std::nullopt;
    }
    const Type other = left == Type::date ? right : left;
    if (other != Type::null && !kernel::is_integer_type(other)) return std::nullopt;
    if (op == BinaryOperator::subtract && right == Type::date) return std::nullopt;  // integer - date
    return Type::date;
  }
  const bool left_ok = left == Type::null || kernel::is_numeric_type(left);
  const bool right_ok = right == Type::null || kernel::is_numeric_type(right);
  if (!left_ok || !right_ok) return std::nullopt;
  if (left == Type::null && right == Type::null) return Type::null;
  if (is_floating(left) || is_floating(right)) return Type::double_precision;
  if (left == Type::decimal || right == Type::decimal) return Type::decimal;
  return Type::bigint;
}

std::optional<Type> concat_result_type(Type left, Type right) {
  if (left == Type::bytes || right == Type::bytes) {
    if ((left == Type::bytes || left == Type::null) && (right == Type::bytes || right == Type::null)) {
      return Type::bytes;
    }
    return std::nullopt;
  }
  const bool left_text = left == Type::text || left == Type::json || left == Type::null;
  const bool right_text = right == Type::text || right == Type::json || right == Type::null;
  if (!left_text && !right_text) return std::nullopt;
  return Type::text;
}

Result<Value> evaluate_arithmetic(BinaryOperator op, const Value& left, const Value& right) {
  if (left.is_null() || right.is_null()) return Value::null();
  if (left.type() == Type::date || right.type() == Type::date) return date_arithmetic(op, left, right);
  if (kernel::is_integer_type(left.type()) && kernel::is_integer_type(right.type())) {
    return integer_arithmetic(op, left.as_int(), right.as_int());
  }
  if (is_floating(left.type()) || is_floating(right.type())) {
    return floating_arithmetic(op, left.numeric_as_double(), right.numeric_as_double());
  }
  return decimal_arithmetic(op, as_decimal(left), as_decimal(right));
}

Result<Value> evaluate_negate(const Value& operand) {
  switch (operand.type()) {
    case Type::null: return Value::null();
    case Type::smallint:
    case Type::integer:
    case Type::bigint:
      if (operand.as_int() == std::numeric_limits<std::int64_t>::min()) return integer_out_of_range();
      return Value::integer(-operand.as_int());
    case Type::real:
    case Type::double_precision: return Value::floating(-operand.as_double());
    case Type::decimal: return Value::decimal(Decimal{-operand.as_decimal().mantissa, operand.as_decimal().scale});
    default: return invalid_argument("cannot negate a value of type " + std::string(kernel::type_name(operand.type())));
  }
}

Result<Value> evaluate_concat(const Value& left, const Value& right) {
  if (left.is_null() || right.is_null()) return Value::null();
  if (left.type() == Type::bytes && right.type() == Type::bytes) {
    Bytes joined = left.as_bytes();
    joined.insert(joined.end(), right.as_bytes().begin(), right.as_bytes().end());
    return Value::bytes(std::move(joined));
  }
  return Value::text(kernel::to_display(left) + kernel::to_display(right));
}

}  // namespace kmb::sql
