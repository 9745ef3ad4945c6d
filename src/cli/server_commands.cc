// kimberlite init | start: prepare a data directory for serving, and serve it.
//
//   kimberlite init DIR [--tenant-name NAME]
//       Creates DIR, its master key (DIR/master.key, mode 0600, unless KIMBERLITE_MASTER_KEY is
//       set), tenant 1 and an admin API key for it, printed once.
//   kimberlite start --data DIR [--listen HOST:PORT] [--metrics-listen HOST:PORT]
//                    [--tls-cert F --tls-key F [--tls-client-ca F]] [limits ...]
//       Serves DIR until SIGINT/SIGTERM, then shuts down gracefully and exits 0.
#include "cli/server_commands.h"

#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/server_runtime.h"

#ifndef KMB_VERSION
#define KMB_VERSION "0.0.0"
#endif

namespace kmb::cli {

void add_server_options(CLI::App& command, ServeArguments& arguments) {
  command.add_option("--listen", arguments.listen, "address to serve the protocol on (HOST:PORT; port 0 = any free)")
      ->capture_default_str();
  command.add_option("--metrics-listen", arguments.metrics_listen, "HTTP sidecar for /metrics, /health, /ready");
  command.add_option("--tls-cert", arguments.options.tls_certificate_file, "PEM certificate chain: serve TLS");
  command.add_option("--tls-key", arguments.options.tls_private_key_file, "PEM private key of --tls-cert");
  command.add_option("--tls-client-ca", arguments.options.tls_client_ca_file,
                     "PEM CA: require client certificates signed by it");
  command.add_option("--workers", arguments.options.worker_threads, "threads running requests")->capture_default_str();
  command.add_option("--io-threads", arguments.options.io_threads, "event-loop threads")->capture_default_str();
  command.add_option("--max-connections", arguments.options.connections_max, "connection limit")->capture_default_str();
  command.add_option("--max-frame-bytes", arguments.options.frame_body_size_max_bytes, "largest message body")
      ->capture_default_str();
  command
      .add_option("--max-in-flight", arguments.options.requests_in_flight_per_connection_max,
                  "pipelined requests per connection")
      ->capture_default_str();
  command.add_option("--idle-timeout-ms", arguments.options.idle_timeout_ms, "close idle connections after")
      ->capture_default_str();
  command
      .add_option("--handshake-timeout-ms", arguments.options.handshake_timeout_ms,
                  "close connections without a hello after")
      ->capture_default_str();
  command
      .add_option("--write-stall-timeout-ms", arguments.options.write_stall_timeout_ms,
                  "close clients that read nothing for this long while responses wait")
      ->capture_default_str();
}

Status prepare_server_options(ServeArguments& arguments) {
  KMB_ASSIGN_OR_RETURN(auto host_port, server::parse_host_port(arguments.listen));
  arguments.options.listen_host = host_port.first;
  arguments.options.listen_port = host_port.second;
  arguments.options.metrics_listen = arguments.metrics_listen;
  arguments.options.server_version = KMB_VERSION;
  return Status::ok_status();
}

namespace {

struct InitArguments {
  std::string data;
  std::string tenant_name = "default";
};

int run_init(const InitArguments& arguments) {
  Result<InitResult> result = initialize_data_directory(arguments.data, arguments.tenant_name);
  if (!result.ok()) return report_error(result.status());
  std::cout << "Initialised " << arguments.data << " with tenant " << initial_tenant_id << " ('"
            << arguments.tenant_name << "').\n";
  if (result->created_master_key) {
    std::cout << "Master key: " << arguments.data
              << "/master.key (mode 0600; back it up, and keep it apart from the data in production).\n";
  }
  std::cout << "Admin API key (id " << result->admin_key.info.id << ", tenant " << initial_tenant_id
            << "); it is shown only this once:\n\n  " << result->admin_key.key << "\n\n";
  std::cout << "Start the server with: kimberlite start --data " << arguments.data << "\n" << std::flush;
  return exit_success;
}

int run_start(ServeArguments& arguments) {
  Status prepared = prepare_server_options(arguments);
  if (!prepared.ok()) return report_error(prepared);
  Result<std::unique_ptr<ServingState>> state = open_for_serving(arguments.data);
  if (!state.ok()) return report_error(state.status());
  return serve(**state, arguments.options, [&](const server::Server& server) {
    std::cout << fmt::format("kimberlite {} serving {} on {}:{}{}", KMB_VERSION, arguments.data,
                             arguments.options.listen_host, server.port(),
                             arguments.options.tls_certificate_file.empty() ? "" : " (TLS)");
    if (server.metrics_port() != 0) std::cout << fmt::format("; metrics on http port {}", server.metrics_port());
    std::cout << "\n" << std::flush;
  });
}

}  // namespace

int serve(ServingState& state, const server::ServerOptions& options,
          const std::function<void(const server::Server&)>& on_listening) {
  Result<std::unique_ptr<server::Server>> server =
      server::Server::start(options, *state.database, *state.keys, state.metrics, state.storage, state.clock);
  if (!server.ok()) return report_error(server.status());
  on_listening(**server);
  Status run = (*server)->run();
  server->reset();
  if (!run.ok()) return report_error(run);
  std::cout << "kimberlite: shut down cleanly\n" << std::flush;
  return exit_success;
}

void add_init_command(CLI::App& app, int& exit_code) {
  auto arguments = std::make_shared<InitArguments>();
  CLI::App* command =
      app.add_subcommand("init", "Create a data directory for serving: master key, tenant 1, admin key");
  command->add_option("data", arguments->data, "data directory to create")->required();
  command->add_option("--tenant-name", arguments->tenant_name, "name of tenant 1")->capture_default_str();
  command->callback([arguments, &exit_code] { exit_code = run_init(*arguments); });
}

void add_start_command(CLI::App& app, int& exit_code) {
  auto arguments = std::make_shared<ServeArguments>();
  CLI::App* command = app.add_subcommand("start", "Serve a data directory over the network until SIGINT/SIGTERM");
  command->add_option("--data", arguments->data, "data directory (made by kimberlite init)")->required();
  add_server_options(*command, *arguments);
  command->callback([arguments, &exit_code] { exit_code = run_start(*arguments); });
}

}  // namespace kmb::cli
