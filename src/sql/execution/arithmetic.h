// SQL arithmetic on kernel values: + - * / % (numbers; DATE +/- days), unary minus, and ||.
//
// Typing (also used by the binder for static result types): integer op integer is BIGINT, checked
// for overflow ("integer out of range"); integer division truncates toward zero; any REAL/DOUBLE
// operand makes the result DOUBLE, checked as PostgreSQL checks float8 ("value out of range:
// overflow" when finite operands give an infinite result, "... underflow" when a product or quotient
// of nonzero finite operands rounds to zero); otherwise DECIMAL with the scale rules of decimal_math.h.
// Division or modulo by zero is an invalid_argument error ("division by zero"), as in PostgreSQL.
// A NULL operand yields NULL. DATE + integer and DATE - integer give a DATE, DATE - DATE the
// number of days. `||` concatenates text (a non-text operand is shown as by kernel::to_display)
// or bytes.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>

#include "base/status.h"
#include "kernel/value.h"
#include "sql/parser/expression.h"

namespace kmb::sql {

// The static result type of `left op right` for op in + - * / %, or nullopt when the operator
// does not apply to the types.
std::optional<kernel::Type> arithmetic_result_type(BinaryOperator op, kernel::Type left, kernel::Type right);
std::optional<kernel::Type> concat_result_type(kernel::Type left, kernel::Type right);

Result<kernel::Value> evaluate_arithmetic(BinaryOperator op, const kernel::Value& left, const kernel::Value& right);
Result<kernel::Value> evaluate_negate(const kernel::Value& operand);
Result<kernel::Value> evaluate_concat(const kernel::Value& left, const kernel::Value& right);

Status integer_out_of_range();
// A finite REAL/DOUBLE computation whose result does not fit: "value out of range: overflow"
// (or "underflow" for a nonzero result that rounds to zero), as PostgreSQL reports it.
Status floating_out_of_range(bool overflow);

}  // namespace kmb::sql
