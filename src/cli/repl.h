// The interactive SQL shell behind `kimberlite repl`: reads statements (possibly spanning lines,
// ended by ';') and dot-commands from a LineReader, runs them against one tenant and prints the
// results. An error is printed and the shell goes on; it never ends the session. All statements run
// on one connection, so BEGIN ... COMMIT spans statements and lines; a transaction still open when
// the shell ends is rolled back (and the shell says so).
//
//   .tables  .schema [TABLE]  .help  .timer on|off  .format table|csv|json
//   .actor NAME  .reason [TEXT]  .exit  .quit
//
// Thread-safety: a Repl is used from one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>

#include "cli/line_reader.h"
#include "cli/output.h"
#include "cli/sql_target.h"
#include "db/database.h"
#include "io/clock.h"

namespace kmb::cli {

inline constexpr std::string_view repl_prompt = "kimberlite> ";
inline constexpr std::string_view repl_continuation_prompt = "       ...> ";
// Inside a transaction (as psql marks it), and inside a failed one (only ROLLBACK or COMMIT help).
inline constexpr std::string_view repl_transaction_prompt = "kimberlite*> ";
inline constexpr std::string_view repl_failed_transaction_prompt = "kimberlite!> ";
// An unfinished statement longer than this is dropped with an error, so that an unterminated
// quote in piped input cannot grow the buffer without bound.
inline constexpr std::size_t repl_input_size_max_bytes = 1 << 20;

struct ReplOptions {
  std::string actor;
  std::string reason;
  OutputFormat format = OutputFormat::table;
  bool timer = false;
  std::string banner;  // printed first when the reader is interactive
};

class Repl {
 public:
  // Against a tenant of a local data directory.
  Repl(db::Tenant& tenant, LineReader& reader, std::ostream& out, std::ostream& err, io::Clock& clock,
       ReplOptions options);
  // Against any target (a server over the network: remote_sql.h). `target` must outlive the Repl.
  Repl(SqlTarget& target, LineReader& reader, std::ostream& out, std::ostream& err, io::Clock& clock,
       ReplOptions options);

  // Runs until .exit/.quit or the end of input. Returns the number of statements and commands
  // that failed.
  std::uint64_t run();

 private:
  // Returns false when the shell should stop.
  bool run_dot_command(const std::string& line);
  void run_sql(const std::string& script);
  void run_statement(const std::string& statement);
  void list_tables();
  void show_schema(const std::string& table);
  void show_help();
  void fail(const Status& status);
  // Rolls back a transaction left open, saying so.
  void end_connection();
  std::string_view statement_prompt() const;

  std::unique_ptr<SqlTarget> owned_target_;
  SqlTarget& target_;
  LineReader& reader_;
  std::ostream& out_;
  std::ostream& err_;
  io::Clock& clock_;
  ReplOptions options_;
  std::uint64_t failures_ = 0;
  std::uint64_t input_line_ = 0;   // lines read so far
  std::uint64_t buffer_line_ = 0;  // line where the current statement began
};

}  // namespace kmb::cli
