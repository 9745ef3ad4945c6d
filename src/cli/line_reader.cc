#include "cli/line_reader.h"

#include <cstdlib>

namespace kmb::cli {

InputLine StreamLineReader::read_line(std::string_view) {
  InputLine line;
  if (!std::getline(in_, line.text)) return InputLine{InputLine::Kind::end, {}};
  if (!line.text.empty() && line.text.back() == '\r') line.text.pop_back();
  line.kind = InputLine::Kind::line;
  return line;
}

std::string default_history_file() {
  const char* home = std::getenv("HOME");  // os-access-ok: the history file lives in the user's home
  if (home == nullptr || *home == '\0') return {};
  std::string path(home);
  if (path.back() != '/') path += '/';
  return path + ".kimberlite_history";
}

}  // namespace kmb::cli
