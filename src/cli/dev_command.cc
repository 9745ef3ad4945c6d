// kimberlite dev: a server for development in one command.
//
//   kimberlite dev [--data DIR] [--listen HOST:PORT] [--seed FILE] [--metrics-listen HOST:PORT]
//
// Initialises DIR (default ./data) if needed, seeds tenant 1 with a demo schema when it has no
// tables yet (FILE, a `kimberlite repl` script, or a small built-in one), mints an admin key for
// this session (a key is only ever shown once, so each run makes a fresh one; it is recorded in
// the system log like any other), starts the server and prints how to connect. With a terminal on
// standard input it then opens the SQL shell connected over the network and stops the server
// when the shell exits; otherwise it serves until SIGINT/SIGTERM.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "cli/commands.h"
#include "cli/line_reader.h"
#include "cli/remote_sql.h"
#include "cli/repl.h"
#include "cli/server_commands.h"
#include "cli/server_runtime.h"
#include "io/terminal.h"

#ifndef KMB_VERSION
#define KMB_VERSION "0.0.0"
#endif

namespace kmb::cli {

namespace {

constexpr std::string_view builtin_seed =
    ".actor kimberlite-dev\n"
    ".reason demo data\n"
    "CREATE TABLE patients (id BIGINT PRIMARY KEY, name TEXT NOT NULL, date_of_birth DATE NOT NULL, "
    "email TEXT UNIQUE);\n"
    "INSERT INTO patients VALUES (1, 'Ada Lovelace', DATE '1815-12-10', 'ada@example.org'),\n"
    "  (2, 'Alan Turing', DATE '1912-06-23', 'alan@example.org'), (3, 'Grace Hopper', DATE '1906-12-09', NULL);\n"
    ".reason contact details updated at the patient's request\n"
    "UPDATE patients SET email = 'alan.turing@example.org' WHERE id = 2;\n";

struct DevArguments {
  ServeArguments serve;
  std::string seed_file;
};

// Applies the seed script to tenant 1 if it has no tables yet. Returns whether it seeded.
Result<bool> seed_if_new(ServingState& state, const std::string& seed_file) {
  KMB_ASSIGN_OR_RETURN(db::Tenant * tenant, state.database->tenant(initial_tenant_id, /*create=*/false));
  TenantSqlTarget target(*tenant);
  KMB_ASSIGN_OR_RETURN(std::vector<std::string> tables, target.table_names());
  if (!tables.empty()) return false;
  std::string script(builtin_seed);
  if (!seed_file.empty()) {
    Result<Bytes> bytes = io::read_whole_file(state.storage, seed_file);
    if (!bytes.ok()) return invalid_argument("cannot read --seed: " + bytes.status().message());
    script.assign(bytes->begin(), bytes->end());
  }
  std::istringstream input(script);
  StreamLineReader reader(input);
  std::ostringstream output;
  std::ostringstream errors;
  ReplOptions options;
  options.actor = "kimberlite-dev";
  Repl repl(target, reader, output, errors, state.clock, options);
  if (repl.run() != 0) return invalid_argument("seeding tenant 1 failed:\n" + errors.str());
  return true;
}

int run_repl_over_network(const std::string& address, const std::string& api_key) {
  RemoteArguments remote;
  remote.address = address;
  remote.api_key = api_key;
  Result<std::unique_ptr<client::Client>> client = connect_remote(remote);
  if (!client.ok()) return report_error(client.status());
  RemoteSqlTarget target(**client);
  std::unique_ptr<LineReader> reader = make_edit_line_reader(default_history_file());
  ReplOptions options;
  options.actor = "kimberlite-dev";
  options.banner = fmt::format("Connected to {} as tenant {} (admin). Enter SQL ending with ';', or .help.\n", address,
                               (*client)->session().tenant_id);
  io::RealClock clock;
  Repl repl(target, *reader, std::cout, std::cerr, clock, options);
  (void)repl.run();
  return exit_success;
}

int run_dev(DevArguments& arguments) {
  Status prepared = prepare_server_options(arguments.serve);
  if (!prepared.ok()) return report_error(prepared);
  const std::string& data = arguments.serve.data;
  Result<bool> initialized = is_initialized(data);
  if (!initialized.ok()) return report_error(initialized.status());
  if (!*initialized) {
    Result<InitResult> init = initialize_data_directory(data, "demo");
    if (!init.ok()) return report_error(init.status());
    std::cout << "Initialised " << data << " (tenant 1, master key " << data << "/master.key).\n";
  }
  Result<std::unique_ptr<ServingState>> state = open_for_serving(data);
  if (!state.ok()) return report_error(state.status());
  Result<bool> seeded = seed_if_new(**state, arguments.seed_file);
  if (!seeded.ok()) return report_error(seeded.status());
  if (*seeded) std::cout << "Seeded tenant 1 with demo tables.\n";
  Result<server::CreatedKey> key =
      (*state)->keys->create(initial_tenant_id, server::Role::admin, "kimberlite dev session",
                             server::KeyActor{"kimberlite dev", "development session"});
  if (!key.ok()) return report_error(key.status());

  const bool interactive = io::stdin_is_terminal();
  arguments.serve.options.handle_signals = !interactive;  // the shell owns Ctrl-C
  Result<std::unique_ptr<server::Server>> server =
      server::Server::start(arguments.serve.options, *(*state)->database, *(*state)->keys, (*state)->metrics,
                            (*state)->storage, (*state)->clock);
  if (!server.ok()) return report_error(server.status());
  const std::string address = fmt::format("{}:{}", arguments.serve.options.listen_host, (*server)->port());
  std::cout << fmt::format("Kimberlite {} dev server on {} (data: {})\n", KMB_VERSION, address, data);
  if ((*server)->metrics_port() != 0) {
    std::cout << fmt::format("Metrics: http://{}:{}/metrics\n", arguments.serve.options.listen_host,
                             (*server)->metrics_port());
  }
  std::cout << "Admin API key for this session (tenant 1):\n  " << key->key << "\n"
            << "Connect: kimberlite repl --address " << address << " --api-key " << key->key << "\n"
            << std::flush;
  if (!interactive) {
    Status run = (*server)->run();
    server->reset();
    if (!run.ok()) return report_error(run);
    std::cout << "kimberlite: shut down cleanly\n" << std::flush;
    return exit_success;
  }
  server::Server& running = **server;
  Status run_status;
  std::thread serving([&running, &run_status] { run_status = running.run(); });
  const int repl_code = run_repl_over_network(address, key->key);
  running.stop();
  serving.join();
  server->reset();
  if (!run_status.ok()) return report_error(run_status);
  return repl_code;
}

}  // namespace

void add_dev_command(CLI::App& app, int& exit_code) {
  auto arguments = std::make_shared<DevArguments>();
  arguments->serve.data = "./data";
  CLI::App* command = app.add_subcommand(
      "dev", "Development server: init and seed ./data if new, serve it, and open the SQL shell over the network");
  command->add_option("--data", arguments->serve.data, "data directory")->capture_default_str();
  command->add_option("--seed", arguments->seed_file, "repl script to seed tenant 1 with when it has no tables");
  add_server_options(*command, arguments->serve);
  command->callback([arguments, &exit_code] { exit_code = run_dev(*arguments); });
}

}  // namespace kmb::cli
