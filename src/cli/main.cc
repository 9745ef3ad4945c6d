// kimberlite: the one command-line tool and (in later versions) server of Kimberlite.
#include <iostream>

#include "cli/commands.h"

#ifndef KMB_VERSION
#define KMB_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
  CLI::App app{"Kimberlite: a compliance-first database. All data is an immutable, hash-chained log."};
  app.set_version_flag("--version", KMB_VERSION);
  app.require_subcommand(1);
  int exit_code = kmb::cli::exit_success;
  kmb::cli::add_verify_command(app, exit_code);
  kmb::cli::add_log_commands(app, exit_code);
  kmb::cli::add_demo_command(app, exit_code);
  kmb::cli::add_sql_command(app, exit_code);
  kmb::cli::add_repl_command(app, exit_code);
  kmb::cli::add_tenant_command(app, exit_code);
  kmb::cli::add_init_command(app, exit_code);
  kmb::cli::add_start_command(app, exit_code);
  kmb::cli::add_dev_command(app, exit_code);
  kmb::cli::add_key_command(app, exit_code);
  kmb::cli::add_info_command(app, exit_code);
  kmb::cli::add_bench_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = app.exit(error);
    return code == 0 ? kmb::cli::exit_success : kmb::cli::exit_usage;
  }
  return exit_code;
}
