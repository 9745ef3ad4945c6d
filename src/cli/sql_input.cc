#include "cli/sql_input.h"

namespace kmb::cli {

InputState classify_input(std::string_view buffer) {
  enum class Mode { code, single_quote, double_quote, line_comment, block_comment };
  Mode mode = Mode::code;
  char last_significant = 0;  // last character of code seen at the top level
  for (std::size_t i = 0; i < buffer.size(); i++) {
    const char c = buffer[i];
    const char next = i + 1 < buffer.size() ? buffer[i + 1] : '\0';
    switch (mode) {
      case Mode::code:
        if (c == '-' && next == '-') {
          mode = Mode::line_comment;
          i++;
        } else if (c == '/' && next == '*') {
          mode = Mode::block_comment;
          i++;
        } else if (c == '\'') {
          mode = Mode::single_quote;
          last_significant = c;
        } else if (c == '"') {
          mode = Mode::double_quote;
          last_significant = c;
        } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
          last_significant = c;
        }
        break;
      // A doubled quote inside a literal is an escaped quote: leaving and re-entering the literal
      // at once handles it.
      case Mode::single_quote:
        if (c == '\'') mode = Mode::code;
        break;
      case Mode::double_quote:
        if (c == '"') mode = Mode::code;
        break;
      case Mode::line_comment:
        if (c == '\n') mode = Mode::code;
        break;
      case Mode::block_comment:
        if (c == '*' && next == '/') {
          mode = Mode::code;
          i++;
        }
        break;
    }
  }
  if (mode == Mode::single_quote || mode == Mode::double_quote || mode == Mode::block_comment) {
    return InputState::incomplete;
  }
  if (last_significant == 0) return InputState::empty;
  return last_significant == ';' ? InputState::complete : InputState::incomplete;
}

}  // namespace kmb::cli
