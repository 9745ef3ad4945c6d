// Pieces shared by the serving commands (init, start, dev; server_commands.cc, dev_command.cc).
// Thread-safety: for the CLI's main thread.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "base/status.h"
#include "cli/server_runtime.h"
#include "server/server.h"

namespace kmb::cli {

inline constexpr std::string_view default_listen_address = "127.0.0.1:7447";

struct ServeArguments {
  std::string data;
  std::string listen = std::string(default_listen_address);
  std::string metrics_listen;
  server::ServerOptions options;
};

void add_server_options(CLI::App& command, ServeArguments& arguments);
// Fills arguments.options from the textual flags.
Status prepare_server_options(ServeArguments& arguments);

// Runs the server over `state` until it is stopped; `on_listening` runs once it accepts
// connections. Returns the process exit code.
int serve(ServingState& state, const server::ServerOptions& options,
          const std::function<void(const server::Server&)>& on_listening);

}  // namespace kmb::cli
