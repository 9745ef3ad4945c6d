// kimberlite sql | repl: SQL against one tenant of a data directory.
//
//   kimberlite sql --data DIR [--tenant ID] [--actor NAME] [--reason TEXT] [--format table|csv|json]
//                  [--file F] [SQL ...]
//       Runs the statements of SQL (or of the file F, or of standard input) one after another,
//       printing each result; stops at the first error (earlier statements stay committed).
//   kimberlite repl --data DIR [--tenant ID] [--actor NAME] [--reason TEXT] [--format ...]
//       The interactive shell (repl.h); reads standard input without prompts when it is not a
//       terminal, and then exits 3 if any statement failed.
//   Either command with --address HOST:PORT --api-key K (instead of --data) runs the same against
//   a server (remote_sql.h); the tenant is then the API key's.
#include <fmt/format.h>

#include <cstdlib>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/line_reader.h"
#include "cli/output.h"
#include "cli/remote_sql.h"
#include "cli/repl.h"
#include "cli/sql_output.h"
#include "db/database.h"
#include "io/clock.h"
#include "io/posix_storage.h"
#include "io/terminal.h"

#ifndef KMB_VERSION
#define KMB_VERSION "0.0.0"
#endif

namespace kmb::cli {

namespace {

struct SqlArguments {
  std::string data;
  std::uint64_t tenant = 1;
  std::string actor;
  std::string reason;
  std::string format = "table";
  std::string file;
  std::vector<std::string> sql;
  bool no_history = false;
  RemoteArguments remote;
};

// The login name, as the default audit actor.
std::string default_actor() {
  const char* user = std::getenv("USER");  // os-access-ok: the default actor is the OS user
  return user == nullptr ? std::string() : std::string(user);
}

void add_common_options(CLI::App& command, SqlArguments& arguments) {
  command.add_option("--data", arguments.data, "data directory (created if missing)");
  command.add_option("--tenant", arguments.tenant, "tenant id (with --data)")->capture_default_str();
  add_remote_options(command, arguments.remote);
  command.add_option("--actor", arguments.actor, "who is acting, recorded with every write (default: $USER)");
  command.add_option("--reason", arguments.reason, "why, recorded with every write");
  command.add_option("--format", arguments.format, "query output: table, csv or json")->capture_default_str();
}

// Where the statements run: a tenant of a local data directory, or a server.
struct OpenTenant {
  std::unique_ptr<db::Database> database;
  std::unique_ptr<client::Client> client;
  std::unique_ptr<SqlTarget> target;
};

Result<OpenTenant> open_tenant(const SqlArguments& arguments) {
  OpenTenant open;
  if (!arguments.remote.address.empty()) {
    KMB_ASSIGN_OR_RETURN(open.client, connect_remote(arguments.remote));
    open.target = std::make_unique<RemoteSqlTarget>(*open.client);
    return open;
  }
  Result<std::unique_ptr<db::Database>> database = db::Database::open(arguments.data);
  if (!database.ok()) return with_server_hint(database.status());
  open.database = std::move(database).value();
  KMB_ASSIGN_OR_RETURN(db::Tenant * tenant, open.database->tenant(arguments.tenant));
  open.target = std::make_unique<TenantSqlTarget>(*tenant);
  return open;
}

// Exactly one of --data and --address.
Status check_target(const SqlArguments& arguments) {
  if (arguments.data.empty() == arguments.remote.address.empty()) {
    return invalid_argument("give either --data DIR or --address HOST:PORT");
  }
  return Status::ok_status();
}

Result<std::string> read_script(const SqlArguments& arguments) {
  if (!arguments.file.empty() && !arguments.sql.empty()) {
    return invalid_argument("give the SQL either as arguments or with --file, not both");
  }
  if (!arguments.sql.empty()) {
    std::string script;
    for (const std::string& word : arguments.sql) script += (script.empty() ? "" : " ") + word;
    return script;
  }
  if (!arguments.file.empty() && arguments.file != "-") {
    io::PosixStorage storage;
    Result<Bytes> bytes = io::read_whole_file(storage, arguments.file);
    if (!bytes.ok()) return invalid_argument("cannot read --file: " + bytes.status().message());
    return std::string(bytes->begin(), bytes->end());
  }
  if (arguments.file.empty() && io::stdin_is_terminal()) {
    return invalid_argument("no SQL given (pass it as an argument, with --file, or on standard input)");
  }
  return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
}

int run_sql(const SqlArguments& arguments) {
  Result<OutputFormat> format = parse_output_format(arguments.format);
  if (!format.ok()) return report_error(format.status());
  Result<std::string> script = read_script(arguments);
  if (!script.ok()) return report_error(script.status());
  Result<std::vector<std::string>> statements = sql::Engine::split_statements(*script);
  if (!statements.ok()) return report_error(statements.status());
  if (statements->empty()) return report_error(invalid_argument("no SQL statement given"));
  Result<OpenTenant> open = open_tenant(arguments);
  if (!open.ok()) return report_error(open.status());

  sql::AuditContext audit;
  audit.actor = arguments.actor;
  audit.reason = arguments.reason;
  // One connection for the whole script (the target's), so that BEGIN ... COMMIT spans statements.
  SqlTarget& target = *open->target;
  const auto roll_back_open_transaction = [&target] {
    if (target.rollback()) {
      std::cerr << "kimberlite: the transaction still open at the end of the script was rolled back; "
                   "nothing of it was committed\n";
    }
  };
  for (std::size_t i = 0; i < statements->size(); i++) {
    Result<sql::QueryResult> result = open->target->execute((*statements)[i], audit);
    if (!result.ok()) {
      Status status = result.status();
      if (statements->size() > 1) {
        status = status.with_context(fmt::format("statement {} of {}", i + 1, statements->size()));
      }
      const int code = report_error(status);
      roll_back_open_transaction();
      return code;
    }
    if (i > 0 && *format == OutputFormat::table && has_rows(*result)) std::cout << '\n';
    print_result(std::cout, std::cerr, *result, *format);
  }
  std::cout << std::flush;
  if (target.in_transaction()) {
    roll_back_open_transaction();
    return exit_error;
  }
  return exit_success;
}

int run_repl(const SqlArguments& arguments) {
  Result<OutputFormat> format = parse_output_format(arguments.format);
  if (!format.ok()) return report_error(format.status());
  Result<OpenTenant> open = open_tenant(arguments);
  if (!open.ok()) return report_error(open.status());

  ReplOptions options;
  options.actor = arguments.actor;
  options.reason = arguments.reason;
  options.format = *format;
  const std::string where =
      open->client ? fmt::format("tenant {} at {}", open->client->session().tenant_id, arguments.remote.address)
                   : fmt::format("tenant {} in {}", arguments.tenant, arguments.data);
  options.banner = fmt::format(
      "Kimberlite {} — {}\nEnter SQL statements ending with ';', or .help for the commands.\n", KMB_VERSION, where);
  io::RealClock clock;
  const bool interactive = io::stdin_is_terminal();
  std::unique_ptr<LineReader> reader;
  if (interactive) {
    reader = make_edit_line_reader(arguments.no_history ? std::string() : default_history_file());
  } else {
    reader = std::make_unique<StreamLineReader>(std::cin);
  }
  Repl repl(*open->target, *reader, std::cout, std::cerr, clock, options);
  const std::uint64_t failures = repl.run();
  return interactive || failures == 0 ? exit_success : exit_error;
}

}  // namespace

void add_sql_command(CLI::App& app, int& exit_code) {
  auto arguments = std::make_shared<SqlArguments>();
  CLI::App* command = app.add_subcommand("sql", "Run SQL statements against a tenant and print the results");
  add_common_options(*command, *arguments);
  command->add_option("--file", arguments->file, "read the statements from this file ('-': standard input)");
  command->add_option("sql", arguments->sql, "SQL statements, separated by ';' (default: standard input)");
  command->callback([arguments, &exit_code] {
    if (Status target = check_target(*arguments); !target.ok()) {
      exit_code = exit_usage;
      std::cerr << "kimberlite: " << target.message() << "\n";
      return;
    }
    if (arguments->actor.empty()) arguments->actor = default_actor();
    exit_code = run_sql(*arguments);
  });
}

void add_repl_command(CLI::App& app, int& exit_code) {
  auto arguments = std::make_shared<SqlArguments>();
  CLI::App* command =
      app.add_subcommand("repl", "Interactive SQL shell (reads standard input when it is not a terminal)");
  add_common_options(*command, *arguments);
  command->add_flag("--no-history", arguments->no_history, "do not read or write ~/.kimberlite_history");
  command->callback([arguments, &exit_code] {
    if (Status target = check_target(*arguments); !target.ok()) {
      exit_code = exit_usage;
      std::cerr << "kimberlite: " << target.message() << "\n";
      return;
    }
    if (arguments->actor.empty()) arguments->actor = default_actor();
    exit_code = run_repl(*arguments);
  });
}

}  // namespace kmb::cli
