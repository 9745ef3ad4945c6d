// The `kimberlite` command's subcommands. Each add_*_command() registers its flags with CLI11
// and a callback that stores the process exit code in `exit_code`.
//
// Exit codes are part of the CLI contract (docs/cli.md):
//   0  success;   1  a check failed (verify found damage);   2  bad usage;   3  an operational error
#pragma once

#include <CLI/CLI.hpp>

#include "base/status.h"

namespace kmb::cli {

inline constexpr int exit_success = 0;
inline constexpr int exit_check_failed = 1;
inline constexpr int exit_usage = 2;
inline constexpr int exit_error = 3;

// Prints "kimberlite: <status>" to stderr and returns the exit code for it.
int report_error(const Status& status);

void add_verify_command(CLI::App& app, int& exit_code);
void add_log_commands(CLI::App& app, int& exit_code);
void add_demo_command(CLI::App& app, int& exit_code);
// kimberlite sql / kimberlite repl (sql_command.cc): SQL against a tenant, one-shot or interactive.
void add_sql_command(CLI::App& app, int& exit_code);
void add_repl_command(CLI::App& app, int& exit_code);
// kimberlite tenant create|list|info|seal|unseal|quota (--data DIR or --address A --api-key K), rotate-key|events
// (--data only) (tenant_command.cc).
void add_tenant_command(CLI::App& app, int& exit_code);
// The server and its clients (server_commands.cc, dev_command.cc, key_commands.cc, bench_command.cc).
void add_init_command(CLI::App& app, int& exit_code);
void add_start_command(CLI::App& app, int& exit_code);
void add_dev_command(CLI::App& app, int& exit_code);
void add_key_command(CLI::App& app, int& exit_code);
void add_info_command(CLI::App& app, int& exit_code);
void add_bench_command(CLI::App& app, int& exit_code);

}  // namespace kmb::cli
