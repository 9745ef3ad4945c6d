// Tokens produced by the SQL lexer. A token remembers where it started (line and column, both
// 1-based) so that every syntax error can point at the offending text.
//
// Thread-safety: value types.
#pragma once

#include <cstdint>
#include <string>

namespace kmb::sql {

struct SourcePosition {
  std::uint32_t line = 1;
  std::uint32_t column = 1;
};

enum class TokenKind : std::uint8_t {
  end,                // end of input
  identifier,         // an unquoted word: a keyword or a name (text as written)
  quoted_identifier,  // "Name" (text without quotes, "" unescaped)
  string,             // 'text' (text without quotes, '' unescaped)
  blob,               // x'0A1b' (text holds the hexadecimal digits, an even number of them)
  integer,            // 42
  decimal,            // 4.2, .5, 4.
  floating,           // 1e10, 2.5E-3
  parameter,          // $1 (text holds the digits)
  symbol,             // ( ) , ; . * + - / % || < > <= >= = <> != :: [ ]
};

struct Token {
  TokenKind kind = TokenKind::end;
  std::string text;
  SourcePosition position;
  std::uint32_t offset = 0;  // byte offset of the token's first character
  std::uint32_t length = 0;  // bytes of source text the token spans
};

}  // namespace kmb::sql
