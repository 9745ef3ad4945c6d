// LineReader: where the REPL's input lines come from. The REPL depends only on this interface, so
// tests feed it scripted lines; the real terminal uses libedit (line editing, history).
//
//   * StreamLineReader reads an std::istream without prompts (piped input, scripts, tests).
//   * EditLineReader (editline_reader.cc) reads the terminal with libedit, keeps the history in a
//     file, and turns Ctrl-C into a cancelled line instead of a dead process.
//
// Thread-safety: use a LineReader from one thread.
#pragma once

#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace kmb::cli {

struct InputLine {
  enum class Kind { line, interrupted, end };
  Kind kind = Kind::end;
  std::string text;  // without the line break
};

class LineReader {
 public:
  virtual ~LineReader() = default;
  // The next line, shown `prompt` first when interactive. `interrupted` when the user pressed
  // Ctrl-C (the partial line is discarded); `end` at end of input (Ctrl-D).
  virtual InputLine read_line(std::string_view prompt) = 0;
  // Remembers a finished entry (a whole statement or dot-command) in the history.
  virtual void add_history(std::string_view entry) = 0;
  // Whether a person is typing (prompts, timing, history shown).
  virtual bool interactive() const = 0;
};

class StreamLineReader final : public LineReader {
 public:
  explicit StreamLineReader(std::istream& in) : in_(in) {}
  InputLine read_line(std::string_view prompt) override;
  void add_history(std::string_view) override {}
  bool interactive() const override { return false; }

 private:
  std::istream& in_;
};

// The terminal reader. `history_file` may be empty (no history kept across sessions).
std::unique_ptr<LineReader> make_edit_line_reader(const std::string& history_file);

// "$HOME/.kimberlite_history", or "" when HOME is not set.
std::string default_history_file();

}  // namespace kmb::cli
