// Splitting a script into statements: a small scanner that knows just enough (quotes and
// comments) to find the semicolons that end statements.
#include <string>

#include "sql/parser/lexer.h"
#include "sql/parser/parser.h"

namespace kmb::sql {

namespace {

std::string_view trim(std::string_view text) {
  const char* space = " \t\r\n\f\v";
  const std::size_t first = text.find_first_not_of(space);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(space) - first + 1);
}

// True when the text holds only whitespace and comments.
bool is_blank(std::string_view text) {
  Result<std::vector<Token>> tokens = tokenize(text);
  return tokens.ok() && tokens->size() == 1;
}

SourcePosition position_of(std::string_view script, std::size_t offset) {
  SourcePosition position;
  for (std::size_t i = 0; i < offset; i++) {
    if (script[i] == '\n') {
      position.line++;
      position.column = 1;
    } else {
      position.column++;
    }
  }
  return position;
}

}  // namespace

Result<std::vector<std::string>> split_script(std::string_view script) {
  std::vector<std::string> statements;
  std::size_t start = 0;
  std::size_t at = 0;
  auto flush = [&](std::size_t end) {
    std::string_view statement = trim(script.substr(start, end - start));
    if (!is_blank(statement)) statements.emplace_back(statement);
    start = end + 1;
  };
  while (at < script.size()) {
    const char c = script[at];
    if (c == '\'' || c == '"') {
      const std::size_t open = at;
      at++;
      while (true) {
        if (at >= script.size()) {
          return syntax_error(position_of(script, open),
                              c == '\'' ? "unterminated string literal" : "unterminated quoted identifier");
        }
        if (script[at] == c && (at + 1 >= script.size() || script[at + 1] != c)) break;
        at += script[at] == c ? 2 : 1;
      }
      at++;
    } else if (c == '-' && at + 1 < script.size() && script[at + 1] == '-') {
      while (at < script.size() && script[at] != '\n') at++;
    } else if (c == '/' && at + 1 < script.size() && script[at + 1] == '*') {
      const std::size_t open = at;
      int depth = 0;
      do {
        if (at + 1 >= script.size()) return syntax_error(position_of(script, open), "unterminated /* comment");
        if (script[at] == '/' && script[at + 1] == '*') {
          depth++;
          at += 2;
        } else if (script[at] == '*' && script[at + 1] == '/') {
          depth--;
          at += 2;
        } else {
          at++;
        }
      } while (depth > 0);
    } else {
      if (c == ';') flush(at);
      at++;
    }
  }
  flush(script.size());
  return statements;
}

}  // namespace kmb::sql
