// Evaluation of the built-in scalar functions on already evaluated arguments (COALESCE is lazy and
// lives in the evaluator). Text functions count characters as UTF-8 code points (LENGTH, SUBSTR,
// the TRIM family); LOWER and UPPER apply Unicode's simple case mapping (unicode_case.h).
//
// Thread-safety: pure functions.
#pragma once

#include <span>

#include "base/status.h"
#include "kernel/value.h"
#include "sql/planner/bound_expression.h"

namespace kmb::sql {

// REQUIRES: the binder checked the arguments' number and types; COALESCE is not handled here.
Result<kernel::Value> evaluate_scalar_function(ScalarFunction function, std::span<const kernel::Value> arguments);

}  // namespace kmb::sql
