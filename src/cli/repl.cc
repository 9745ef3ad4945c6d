#include "cli/repl.h"

#include <fmt/format.h>

#include <exception>

#include "cli/sql_input.h"
#include "cli/sql_output.h"

namespace kmb::cli {

namespace {

std::string trim(std::string_view text) {
  std::size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return {};
  std::size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(start, end - start + 1));
}

// Splits ".command rest of line" into the command and its trimmed argument text.
std::pair<std::string, std::string> split_command(const std::string& line) {
  std::size_t space = line.find_first_of(" \t");
  if (space == std::string::npos) return {line, ""};
  return {line.substr(0, space), trim(line.substr(space))};
}

constexpr std::string_view help_text =
    "Enter SQL statements ending with ';' (they may span lines), or a command:\n"
    "  .tables               list the tables\n"
    "  .schema [TABLE]       show the CREATE TABLE statements (of one table or all)\n"
    "  .timer on|off         show how long each statement takes\n"
    "  .format table|csv|json  how query results are printed\n"
    "  .actor NAME           who is acting: recorded with every write\n"
    "  .reason [TEXT]        why: recorded with every write (no TEXT clears it)\n"
    "  .help                 this text\n"
    "  .exit, .quit          leave (so does Ctrl-D); Ctrl-C cancels the line being typed\n"
    "Time travel: SELECT ... FROM t AS OF POSITION n | AS OF TIMESTAMP '...' | FOR SYSTEM_TIME ALL;\n"
    "the audit trail: SELECT * FROM kmb_audit;\n";

}  // namespace

Repl::Repl(db::Tenant& tenant, LineReader& reader, std::ostream& out, std::ostream& err, io::Clock& clock,
           ReplOptions options)
    : owned_target_(std::make_unique<TenantSqlTarget>(tenant)),
      target_(*owned_target_),
      reader_(reader),
      out_(out),
      err_(err),
      clock_(clock),
      options_(std::move(options)) {}

std::string_view Repl::statement_prompt() const {
  if (target_.transaction_failed()) return repl_failed_transaction_prompt;
  if (target_.in_transaction()) return repl_transaction_prompt;
  return repl_prompt;
}

void Repl::end_connection() {
  if (target_.rollback()) {
    err_ << "note: the open transaction was rolled back (nothing of it was committed)" << std::endl;
  }
}

Repl::Repl(SqlTarget& target, LineReader& reader, std::ostream& out, std::ostream& err, io::Clock& clock,
           ReplOptions options)
    : target_(target), reader_(reader), out_(out), err_(err), clock_(clock), options_(std::move(options)) {}

std::uint64_t Repl::run() {
  if (reader_.interactive() && !options_.banner.empty()) out_ << options_.banner << std::flush;
  std::string buffer;
  while (true) {
    InputLine input = reader_.read_line(buffer.empty() ? statement_prompt() : repl_continuation_prompt);
    if (input.kind == InputLine::Kind::end) break;
    if (input.kind == InputLine::Kind::interrupted) {
      buffer.clear();
      continue;
    }
    input_line_++;
    if (buffer.empty()) {
      std::string line = trim(input.text);
      if (line.empty()) continue;
      if (line.front() == '.') {
        reader_.add_history(line);
        if (!run_dot_command(line)) {
          end_connection();
          return failures_;
        }
        continue;
      }
      buffer_line_ = input_line_;
    }
    buffer += input.text;
    buffer += '\n';
    switch (classify_input(buffer)) {
      case InputState::empty:
        buffer.clear();
        break;
      case InputState::incomplete:
        if (buffer.size() > repl_input_size_max_bytes) {
          fail(
              resource_exhausted(fmt::format("the statement is longer than {} bytes (is a quote or comment "
                                             "left open?); it was discarded",
                                             repl_input_size_max_bytes)));
          buffer.clear();
        }
        break;
      case InputState::complete:
        reader_.add_history(trim(buffer));
        run_sql(buffer);
        buffer.clear();
        break;
    }
  }
  // Input that ended without a final ';' still runs (a script's last statement).
  if (classify_input(buffer) != InputState::empty) run_sql(buffer);
  end_connection();
  return failures_;
}

void Repl::fail(const Status& status) {
  failures_++;
  if (reader_.interactive()) {
    err_ << "error: " << status.to_string() << std::endl;
  } else {
    err_ << "kimberlite: line " << buffer_line_ << ": " << status.to_string() << std::endl;
  }
}

void Repl::run_sql(const std::string& script) {
  Result<std::vector<std::string>> statements = sql::Engine::split_statements(script);
  if (!statements.ok()) {
    fail(statements.status());
    return;
  }
  for (const std::string& statement : *statements) run_statement(statement);
}

void Repl::run_statement(const std::string& statement) {
  sql::AuditContext audit;
  audit.actor = options_.actor;
  audit.reason = options_.reason;
  const std::uint64_t start_ns = clock_.monotonic_ns();
  Result<sql::QueryResult> result = internal_error("not run");
  try {
    result = target_.execute(statement, audit);
  } catch (const std::exception& exception) {
    result = internal_error(std::string("unexpected exception: ") + exception.what());
  }
  const std::uint64_t elapsed_ns = clock_.monotonic_ns() - start_ns;
  if (!result.ok()) {
    fail(result.status());
  } else {
    print_result(out_, err_, *result, options_.format);
  }
  if (options_.timer) out_ << fmt::format("Time: {:.3f} ms", static_cast<double>(elapsed_ns) / 1e6) << "\n";
  out_ << std::flush;
}

bool Repl::run_dot_command(const std::string& line) {
  buffer_line_ = input_line_;
  auto [command, argument] = split_command(line);
  if (command == ".exit" || command == ".quit") return false;
  if (command == ".help") {
    show_help();
  } else if (command == ".tables") {
    list_tables();
  } else if (command == ".schema") {
    show_schema(argument);
  } else if (command == ".timer") {
    if (argument != "on" && argument != "off") {
      fail(invalid_argument("usage: .timer on|off"));
    } else {
      options_.timer = argument == "on";
    }
  } else if (command == ".format" || command == ".mode") {
    Result<OutputFormat> format = parse_output_format(argument);
    if (!format.ok()) {
      fail(format.status());
    } else {
      options_.format = *format;
    }
  } else if (command == ".actor") {
    if (argument.empty()) {
      out_ << "actor: " << (options_.actor.empty() ? "(none)" : options_.actor) << "\n";
    } else {
      options_.actor = argument;
    }
  } else if (command == ".reason") {
    options_.reason = argument;
  } else {
    fail(invalid_argument("unknown command '" + command + "' (.help lists the commands)"));
  }
  out_ << std::flush;
  return true;
}

void Repl::show_help() {
  out_ << help_text;
}

void Repl::list_tables() {
  Result<std::vector<std::string>> names = target_.table_names();
  if (!names.ok()) {
    fail(names.status());
    return;
  }
  for (const std::string& name : *names) out_ << name << "\n";
}

void Repl::show_schema(const std::string& table) {
  if (!table.empty()) {
    Result<std::string> schema = target_.table_schema(table);
    if (!schema.ok()) {
      fail(schema.status());
      return;
    }
    out_ << *schema;
    return;
  }
  Result<std::vector<std::string>> names = target_.table_names();
  if (!names.ok()) {
    fail(names.status());
    return;
  }
  for (const std::string& name : *names) {
    Result<std::string> schema = target_.table_schema(name);
    if (!schema.ok()) {
      fail(schema.status());
      return;
    }
    out_ << *schema;
  }
}

}  // namespace kmb::cli
