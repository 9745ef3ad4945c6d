// The SQL lexer: turns statement text into tokens. Hand-written; understands '' escapes in string
// literals, "" escapes in quoted identifiers, blob literals x'0A1b', -- line comments and nested
// /* block */ comments, numbers (integer, decimal, exponent), parameters $1..$n and the
// multi-character operators.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "sql/parser/token.h"

namespace kmb::sql {

// The tokens of `text`, ending with one TokenKind::end token. invalid_argument on an unterminated
// literal or comment, or a character that starts no token.
Result<std::vector<Token>> tokenize(std::string_view text);

// "syntax error at line 2, column 7: <message>" as an invalid_argument Status.
Status syntax_error(SourcePosition position, std::string_view message);

// How a token is named in an error message: 'FROM', end of input, ...
std::string describe_token(const Token& token);

}  // namespace kmb::sql
