// Reading SQL typed line by line: when has the user finished a statement?
//
// A buffer is complete when its last significant character — outside string literals ('...'),
// quoted identifiers ("..."), -- line comments and /* block comments */ — is a ';'. The REPL
// keeps reading continuation lines until then, and then hands the whole buffer to
// Engine::split_statements.
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

namespace kmb::cli {

enum class InputState {
  empty,       // only blanks and comments
  incomplete,  // more lines are needed
  complete,    // ends with ';' at the top level
};

InputState classify_input(std::string_view buffer);

}  // namespace kmb::cli
