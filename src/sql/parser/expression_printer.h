// Prints a parsed expression back as fully parenthesized SQL, for tests and error messages:
// "1 + 2 * 3" prints as "(1 + (2 * 3))".
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "sql/parser/expression.h"

namespace kmb::sql {

std::string to_sql(const ParsedExpression& expression);
// A SQL literal for a constant: 'text' (with '' escaping), 42, 1.5, true, NULL.
std::string literal_to_sql(const kernel::Value& value);

}  // namespace kmb::sql
