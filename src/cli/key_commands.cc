// kimberlite key create|revoke|rotate|list, kimberlite info: administration over the network
// (--address A --api-key K, an admin key) or, for keys, directly on a data directory that no
// server has open (--data DIR: the operator's way in when no admin key is at hand).
//
//   kimberlite key create --tenant N [--role admin|writer|reader] [--label TEXT]
//   kimberlite key revoke KEY_ID
//   kimberlite key rotate KEY_ID       (a new secret for the same tenant and role; the old is revoked)
//   kimberlite key list [--tenant N] [--format table|csv|json]
//   kimberlite info [--format ...]     (server and session facts; network only)
//
// A new secret is printed once, on its own line, and never stored.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "base/time_format.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/remote_sql.h"
#include "io/clock.h"
#include "io/posix_storage.h"
#include "server/api_keys.h"
#include "server/request_handler.h"

namespace kmb::cli {

namespace {

struct KeyArguments {
  RemoteArguments remote;
  std::string data;
  std::uint64_t tenant = 0;
  std::string role = "writer";
  std::string label;
  std::string key_id;
  std::string format = "table";
};

// Either a server connection or the data directory's key store, whichever the flags chose.
struct KeyBackend {
  std::unique_ptr<client::Client> client;
  io::PosixStorage storage;
  io::RealClock clock;
  std::unique_ptr<server::ApiKeyStore> store;
};

Result<std::unique_ptr<KeyBackend>> open_backend(const KeyArguments& arguments) {
  if (arguments.data.empty() == arguments.remote.address.empty()) {
    return invalid_argument("give either --address HOST:PORT (with an admin key) or --data DIR");
  }
  auto backend = std::make_unique<KeyBackend>();
  if (!arguments.remote.address.empty()) {
    KMB_ASSIGN_OR_RETURN(backend->client, connect_remote(arguments.remote));
  } else {
    Result<std::unique_ptr<server::ApiKeyStore>> store =
        server::ApiKeyStore::open(backend->storage, backend->clock, arguments.data, /*create=*/false);
    if (!store.ok() && store.status().code() == StatusCode::failed_precondition) {
      return failed_precondition(store.status().message() +
                                 " (a running server holds it: use --address with an admin key)");
    }
    KMB_ASSIGN_OR_RETURN(backend->store, std::move(store));
  }
  return backend;
}

std::string format_time(std::uint64_t ns) {
  return ns == 0 ? "" : format_timestamp_ns(ns);
}

void print_keys(const std::vector<protocol::ApiKeyInfo>& keys, OutputFormat format) {
  Table table;
  table.columns = {"key_id", "tenant", "role", "label", "created", "revoked"};
  for (const protocol::ApiKeyInfo& key : keys) {
    table.rows.push_back({key.key_id, std::to_string(key.tenant_id), std::string(protocol::role_name(key.role)),
                          key.label, format_time(key.created_at_ns), key.revoked ? "yes" : "no"});
  }
  render(std::cout, table, format);
}

void print_secret(const protocol::ApiKeyInfo& key, const std::string& secret) {
  std::cout << fmt::format("API key {} (tenant {}, {}); the secret is shown only this once:\n{}\n", key.key_id,
                           key.tenant_id, protocol::role_name(key.role), secret);
}

Status run_key(const std::string& action, const KeyArguments& arguments) {
  KMB_ASSIGN_OR_RETURN(OutputFormat format, parse_output_format(arguments.format));
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<KeyBackend> backend, open_backend(arguments));
  const server::KeyActor actor{"cli", "kimberlite key " + action};
  if (action == "create") {
    if (arguments.tenant == 0) return invalid_argument("key create needs --tenant N");
    KMB_ASSIGN_OR_RETURN(server::Role role, server::parse_role(arguments.role));
    if (backend->client) {
      KMB_ASSIGN_OR_RETURN(
          protocol::ApiKeyCreateResponse created,
          backend->client->create_api_key(arguments.tenant, server::to_protocol_role(role), arguments.label));
      print_secret(created.key, created.secret);
    } else {
      KMB_ASSIGN_OR_RETURN(server::CreatedKey created,
                           backend->store->create(arguments.tenant, role, arguments.label, actor));
      print_secret(server::to_protocol_key(created.info), created.key);
    }
  } else if (action == "revoke") {
    if (backend->client) {
      KMB_ASSIGN_OR_RETURN(protocol::ApiKeyInfo revoked, backend->client->revoke_api_key(arguments.key_id));
      (void)revoked;
    } else {
      KMB_TRY(backend->store->revoke(arguments.key_id, actor));
    }
    std::cout << "revoked API key " << arguments.key_id << "\n";
  } else if (action == "rotate") {
    if (backend->client) {
      KMB_ASSIGN_OR_RETURN(protocol::ApiKeyRotateResponse rotated, backend->client->rotate_api_key(arguments.key_id));
      print_secret(rotated.key, rotated.secret);
    } else {
      KMB_ASSIGN_OR_RETURN(server::CreatedKey rotated, backend->store->rotate(arguments.key_id, actor));
      print_secret(server::to_protocol_key(rotated.info), rotated.key);
    }
    std::cout << "revoked API key " << arguments.key_id << "\n";
  } else {
    const std::optional<std::uint64_t> tenant =
        arguments.tenant == 0 ? std::nullopt : std::optional<std::uint64_t>(arguments.tenant);
    std::vector<protocol::ApiKeyInfo> keys;
    if (backend->client) {
      KMB_ASSIGN_OR_RETURN(keys, backend->client->list_api_keys(tenant));
    } else {
      for (const server::ApiKeyInfo& key : backend->store->list(tenant)) keys.push_back(server::to_protocol_key(key));
    }
    print_keys(keys, format);
  }
  std::cout << std::flush;
  return Status::ok_status();
}

Status run_info(const KeyArguments& arguments) {
  KMB_ASSIGN_OR_RETURN(OutputFormat format, parse_output_format(arguments.format));
  if (arguments.remote.address.empty()) return invalid_argument("info needs --address HOST:PORT");
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<client::Client> client, connect_remote(arguments.remote));
  KMB_ASSIGN_OR_RETURN(protocol::ServerInfoResponse info, client->server_info());
  const protocol::HelloResponse session = client->session();
  Table table;
  table.columns = {"property", "value"};
  table.rows = {
      {"address", arguments.remote.address},
      {"server_version", info.server_version},
      {"protocol_versions", fmt::format("{}..{}", info.protocol_version_min, info.protocol_version_max)},
      {"uptime_ms", std::to_string(info.uptime_ms)},
      {"server_time", format_time(info.server_time_ns)},
      {"tenants", std::to_string(info.tenant_count)},
      {"connections", std::to_string(info.connection_count)},
      {"frame_body_size_max_bytes", std::to_string(info.frame_body_size_max_bytes)},
      {"tls", info.tls ? "yes" : "no"},
      {"session_tenant", std::to_string(session.tenant_id)},
      {"session_role", std::string(protocol::role_name(session.role))},
      {"session_key_id", session.key_id},
  };
  render(std::cout, table, format);
  std::cout << std::flush;
  return Status::ok_status();
}

}  // namespace

void add_key_command(CLI::App& app, int& exit_code) {
  CLI::App* key = app.add_subcommand("key", "Create, revoke, rotate and list API keys");
  key->require_subcommand(1);
  for (const std::string action : {"create", "revoke", "rotate", "list"}) {
    auto arguments = std::make_shared<KeyArguments>();
    CLI::App* command = key->add_subcommand(action, "API keys: " + action);
    add_remote_options(*command, arguments->remote);
    command->add_option("--data", arguments->data, "data directory, when no server has it open");
    if (action == "create") {
      command->add_option("--tenant", arguments->tenant, "the key's tenant")->required();
      command->add_option("--role", arguments->role, "admin, writer or reader")->capture_default_str();
      command->add_option("--label", arguments->label, "a note naming the key's holder");
    } else if (action == "list") {
      command->add_option("--tenant", arguments->tenant, "only this tenant's keys");
      command->add_option("--format", arguments->format, "table, csv or json")->capture_default_str();
    } else {
      command->add_option("key_id", arguments->key_id, "the key's id (from key list)")->required();
    }
    command->callback([action, arguments, &exit_code] {
      Status status = run_key(action, *arguments);
      exit_code = status.ok() ? exit_success : report_error(status);
    });
  }
}

void add_info_command(CLI::App& app, int& exit_code) {
  auto arguments = std::make_shared<KeyArguments>();
  CLI::App* command = app.add_subcommand("info", "Show a server's version, uptime, tenants and this session");
  add_remote_options(*command, arguments->remote);
  command->add_option("--format", arguments->format, "table, csv or json")->capture_default_str();
  command->callback([arguments, &exit_code] {
    Status status = run_info(*arguments);
    exit_code = status.ok() ? exit_success : report_error(status);
  });
}

}  // namespace kmb::cli
