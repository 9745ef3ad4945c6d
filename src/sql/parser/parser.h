// The SQL parser: hand-written recursive descent over the lexer's tokens, producing the AST of
// statement.h. Errors name the line and column: "syntax error at line 2, column 7: expected ')'
// but found 'FROM'".
//
// Expression precedence, loosest first: OR, AND, NOT, comparison/IS/BETWEEN/IN/LIKE, ||, + -,
// * / %, unary + -, :: casts, primaries. Nesting deeper than `expression_depth_max` is an error
// (resource_exhausted), checked before recursing, so no input can exhaust the stack.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "sql/parser/expression.h"
#include "sql/parser/statement.h"

namespace kmb::sql {

struct ParserOptions {
  std::uint32_t expression_depth_max = 200;
};

// Parses exactly one statement; a trailing ';' is allowed.
Result<Statement> parse_statement(std::string_view sql, const ParserOptions& options = {});

// Parses one expression (for tests and tools).
Result<ParsedExpressionPtr> parse_expression(std::string_view sql, const ParserOptions& options = {});

// Splits a script at top-level semicolons (not inside quotes or comments); empty statements are
// dropped and each statement is returned without its ';' and surrounding whitespace.
Result<std::vector<std::string>> split_script(std::string_view script);

}  // namespace kmb::sql
