// EditLineReader: the REPL's terminal input through libedit's readline interface — line editing,
// history kept in a file, and Ctrl-C cancelling the line being typed.
//
// Ctrl-C: a SIGINT handler only sets a flag. libedit's own handler (active while it reads) restores
// the terminal and passes the signal on to ours; the interrupted read makes readline() return
// NULL, and the flag tells that apart from end of input. Outside readline() the flag is ignored,
// so Ctrl-C never kills the REPL in the middle of a statement (which could not be cancelled
// anyway: a write is either committed or not).
#include <editline/readline.h>

#include <csignal>
#include <cstdlib>
#include <iostream>

#include "cli/line_reader.h"

namespace kmb::cli {

namespace {

constexpr int history_entries_max = 1000;

// Set by the SIGINT handler. A signal handler can only reach a global; this is the one place.
volatile std::sig_atomic_t interrupt_pending = 0;

extern "C" void on_interrupt(int) {
  interrupt_pending = 1;
}

class EditLineReader final : public LineReader {
 public:
  explicit EditLineReader(std::string history_file) : history_file_(std::move(history_file)) {
    rl_readline_name = "kimberlite";
    rl_initialize();
    using_history();
    stifle_history(history_entries_max);
    if (!history_file_.empty()) read_history(history_file_.c_str());  // os-access-ok: libedit reads the history file
    struct sigaction action = {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;                            // no SA_RESTART: the terminal read must be interrupted
    sigaction(SIGINT, &action, &previous_action_);  // os-access-ok: Ctrl-C cancels the line, not the REPL
  }

  ~EditLineReader() override {
    sigaction(SIGINT, &previous_action_, nullptr);  // os-access-ok: restores the SIGINT handler
  }

  EditLineReader(const EditLineReader&) = delete;
  EditLineReader& operator=(const EditLineReader&) = delete;

  InputLine read_line(std::string_view prompt) override {
    interrupt_pending = 0;
    const std::string prompt_text(prompt);
    char* line = readline(prompt_text.c_str());
    if (line == nullptr) {
      if (interrupt_pending) {
        interrupt_pending = 0;
        std::cout << "^C" << std::endl;
        return InputLine{InputLine::Kind::interrupted, {}};
      }
      std::cout << std::endl;
      return InputLine{InputLine::Kind::end, {}};
    }
    std::string text(line);
    std::free(line);
    if (interrupt_pending) {
      interrupt_pending = 0;
      return InputLine{InputLine::Kind::interrupted, {}};
    }
    return InputLine{InputLine::Kind::line, std::move(text)};
  }

  void add_history(std::string_view entry) override {
    std::string text(entry);
    for (char& c : text) {
      if (c == '\n') c = ' ';
    }
    if (text == last_entry_) return;  // repeating a command does not fill the history
    last_entry_ = text;
    ::add_history(text.c_str());
    if (!history_file_.empty()) write_history(history_file_.c_str());  // os-access-ok: libedit saves the history file
  }

  bool interactive() const override { return true; }

 private:
  std::string history_file_;
  std::string last_entry_;
  struct sigaction previous_action_ = {};
};

}  // namespace

std::unique_ptr<LineReader> make_edit_line_reader(const std::string& history_file) {
  return std::make_unique<EditLineReader>(history_file);
}

}  // namespace kmb::cli
