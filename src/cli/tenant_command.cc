// kimberlite tenant: tenant administration, embedded on a data directory (--data DIR) or over the
// network on a running server (--address HOST:PORT --api-key K, an admin key; TLS flags as for
// `kimberlite sql`). Exactly one of --data and --address; the output is the same either way.
//
//   kimberlite tenant create (--data DIR | --address A) --tenant ID [--name N] [--region R] [--storage-max BYTES]
//                            [--records-per-second N] [--bytes-per-second N] [--allowed-region R ...]
//   kimberlite tenant list   (--data DIR | --address A) [--format table|csv|json]
//   kimberlite tenant info   (--data DIR | --address A) --tenant ID [--format table|csv|json]
//   kimberlite tenant seal   (--data DIR | --address A) --tenant ID [--actor A] [--reason TEXT]
//   kimberlite tenant unseal (--data DIR | --address A) --tenant ID [--actor A] [--reason TEXT]
//   kimberlite tenant quota  (--data DIR | --address A) --tenant ID [--storage-max B] [--records-per-second N]
//                            [--bytes-per-second N]
//   kimberlite tenant rotate-key --data DIR --tenant ID [--actor A] [--reason TEXT]
//   kimberlite tenant events --data DIR --tenant ID [--format table|csv|json]
//
// With --data the master key is found as for `kimberlite sql --data`: KIMBERLITE_MASTER_KEY, else
// DIR/master.key; with --address the server uses its own. Quotas: 0 means unlimited; `quota` changes
// only the limits given. rotate-key and events have no message in the protocol (docs/protocol.md),
// so they are refused with --address rather than half-done.
#include <fmt/format.h>

#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/time_format.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/remote_sql.h"
#include "db/database.h"

namespace kmb::cli {

namespace {

struct TenantArguments {
  RemoteArguments remote;
  std::string data;
  std::uint64_t tenant = 0;
  std::string name;
  std::string region;
  std::vector<std::string> allowed_regions;
  std::optional<std::uint64_t> storage_max;
  std::optional<std::uint64_t> records_per_second;
  std::optional<std::uint64_t> bytes_per_second;
  std::string actor;
  std::string reason;
  std::string format = "table";
};

// A tenant as the CLI shows it, from either mode. The protocol's TenantInfo carries no encryption
// facts and no creation time; over the network those are unknown (nullopt) and shown empty rather
// than guessed.
struct TenantView {
  std::uint64_t tenant_id = 0;
  std::string name;
  std::string region;
  bool sealed = false;
  std::optional<bool> encrypted;
  std::optional<std::uint32_t> key_epoch;
  std::optional<std::uint64_t> created_ns;
  std::uint64_t record_count = 0;
  std::uint64_t log_bytes = 0;
  db::TenantQuotas quotas;
  std::string head_hash;
  std::string recovery;
};

TenantView view_of(const db::TenantInfo& info) {
  return TenantView{info.tenant_id,  info.name,         info.region,    info.sealed, info.encrypted, info.key_epoch,
                    info.created_ns, info.record_count, info.log_bytes, info.quotas, info.head_hash, info.recovery};
}

TenantView view_of(const protocol::TenantInfo& info) {
  TenantView view;
  view.tenant_id = info.tenant_id;
  view.name = info.name;
  view.region = info.region;
  view.sealed = info.sealed;
  view.record_count = info.record_count;
  view.log_bytes = info.log_bytes;
  view.quotas =
      db::TenantQuotas{info.quotas.storage_bytes_max, info.quotas.records_per_second, info.quotas.bytes_per_second};
  view.head_hash = info.head_hash;
  view.recovery = info.recovery;
  return view;
}

protocol::TenantQuotas to_protocol(const db::TenantQuotas& quotas) {
  return protocol::TenantQuotas{quotas.storage_bytes_max, quotas.records_per_second, quotas.bytes_per_second};
}

// Either a server connection or the data directory, whichever the flags chose.
struct TenantBackend {
  std::unique_ptr<client::Client> client;
  std::unique_ptr<db::Database> database;
};

Result<TenantBackend> open_backend(const TenantArguments& arguments) {
  if (arguments.data.empty() == arguments.remote.address.empty()) {
    return invalid_argument("give either --data DIR or --address HOST:PORT (with an admin key)");
  }
  TenantBackend backend;
  if (!arguments.remote.address.empty()) {
    // The server's regions are fixed when it starts; a client cannot widen or narrow them.
    if (!arguments.allowed_regions.empty()) {
      return invalid_argument("--allowed-region applies to --data only (a server's regions are its own)");
    }
    KMB_ASSIGN_OR_RETURN(backend.client, connect_remote(arguments.remote));
  } else {
    db::DatabaseOptions options;
    options.allowed_regions = arguments.allowed_regions;
    KMB_ASSIGN_OR_RETURN(backend.database, db::Database::open(arguments.data, options));
  }
  return backend;
}

// For the commands the protocol has no message for.
Status require_data(const TenantArguments& arguments, std::string_view command, std::string_view what) {
  if (!arguments.remote.address.empty()) {
    return invalid_argument(
        fmt::format("tenant {} works only with --data DIR: the server protocol has no message for {} (stop the server, "
                    "then run it on the data directory)",
                    command, what));
  }
  return Status::ok_status();
}

std::string default_actor() {
  const char* user = std::getenv("USER");  // os-access-ok: the default actor is the OS user
  return user == nullptr ? std::string() : std::string(user);
}

std::string actor_of(const TenantArguments& arguments) {
  return arguments.actor.empty() ? default_actor() : arguments.actor;
}

std::string limit_text(std::uint64_t value) {
  return value == 0 ? "unlimited" : std::to_string(value);
}

Table info_table(const std::vector<TenantView>& views) {
  Table table;
  table.columns = {"tenant", "name",        "region",        "sealed",      "encrypted", "key_epoch", "records",
                   "bytes",  "storage_max", "records_per_s", "bytes_per_s", "created",   "head_hash", "note"};
  for (const TenantView& view : views) {
    const std::string encrypted = view.encrypted ? (*view.encrypted ? "yes" : "no") : "";
    const std::string key_epoch = view.key_epoch ? std::to_string(*view.key_epoch) : "";
    const std::string created = view.created_ns && *view.created_ns != 0 ? format_timestamp_ns(*view.created_ns) : "";
    table.rows.push_back({std::to_string(view.tenant_id), view.name, view.region, view.sealed ? "yes" : "no", encrypted,
                          key_epoch, std::to_string(view.record_count), std::to_string(view.log_bytes),
                          limit_text(view.quotas.storage_bytes_max), limit_text(view.quotas.records_per_second),
                          limit_text(view.quotas.bytes_per_second), created, view.head_hash,
                          view.recovery.rfind("not opened", 0) == 0 ? view.recovery : ""});
  }
  return table;
}

Status run_create(const TenantArguments& arguments) {
  KMB_ASSIGN_OR_RETURN(TenantBackend backend, open_backend(arguments));
  db::TenantQuotas quotas;
  quotas.storage_bytes_max = arguments.storage_max.value_or(0);
  quotas.records_per_second = arguments.records_per_second.value_or(0);
  quotas.bytes_per_second = arguments.bytes_per_second.value_or(0);
  TenantView created;
  if (backend.client) {
    const protocol::TenantConfig config{arguments.name, arguments.region, to_protocol(quotas)};
    KMB_ASSIGN_OR_RETURN(protocol::TenantInfo info, backend.client->create_tenant(arguments.tenant, config));
    created = view_of(info);
  } else {
    const db::TenantConfig config{arguments.name, arguments.region, quotas};
    KMB_ASSIGN_OR_RETURN(db::Tenant * tenant, backend.database->create_tenant(arguments.tenant, config));
    KMB_ASSIGN_OR_RETURN(db::TenantInfo info, tenant->info());
    created = view_of(info);
  }
  const std::string encryption =
      !created.encrypted
          ? ", encryption at rest not reported over the network (the server encrypts when it has a master key)"
      : *created.encrypted ? ", encrypted at rest"
                           : ", NOT encrypted (no master key configured)";
  std::cout << fmt::format("created tenant {} ({}){}{}\n", created.tenant_id, created.name,
                           created.region.empty() ? "" : " in region " + created.region, encryption);
  return Status::ok_status();
}

Status run_list(const TenantArguments& arguments) {
  KMB_ASSIGN_OR_RETURN(OutputFormat format, parse_output_format(arguments.format));
  KMB_ASSIGN_OR_RETURN(TenantBackend backend, open_backend(arguments));
  std::vector<TenantView> views;
  if (backend.client) {
    KMB_ASSIGN_OR_RETURN(std::vector<protocol::TenantInfo> infos, backend.client->list_tenants());
    for (const protocol::TenantInfo& info : infos) views.push_back(view_of(info));
  } else {
    KMB_ASSIGN_OR_RETURN(std::vector<db::TenantInfo> infos, backend.database->list_tenants());
    for (const db::TenantInfo& info : infos) views.push_back(view_of(info));
  }
  render(std::cout, info_table(views), format);
  return Status::ok_status();
}

Result<TenantView> fetch_info(TenantBackend& backend, std::uint64_t tenant_id) {
  if (backend.client) {
    KMB_ASSIGN_OR_RETURN(protocol::TenantInfo info, backend.client->tenant_info(tenant_id));
    return view_of(info);
  }
  KMB_ASSIGN_OR_RETURN(db::TenantInfo info, backend.database->tenant_info(tenant_id));
  return view_of(info);
}

Status run_info(const TenantArguments& arguments) {
  KMB_ASSIGN_OR_RETURN(OutputFormat format, parse_output_format(arguments.format));
  KMB_ASSIGN_OR_RETURN(TenantBackend backend, open_backend(arguments));
  KMB_ASSIGN_OR_RETURN(TenantView view, fetch_info(backend, arguments.tenant));
  render(std::cout, info_table({view}), format);
  return Status::ok_status();
}

Status run_seal(const TenantArguments& arguments, bool seal) {
  KMB_ASSIGN_OR_RETURN(TenantBackend backend, open_backend(arguments));
  if (backend.client) {
    const client::Audit audit{actor_of(arguments), arguments.reason};
    KMB_ASSIGN_OR_RETURN(protocol::TenantInfo info, seal ? backend.client->seal_tenant(arguments.tenant, audit)
                                                         : backend.client->unseal_tenant(arguments.tenant, audit));
    (void)info;
  } else {
    const sql::AuditContext audit{actor_of(arguments), arguments.reason, 0};
    KMB_TRY(seal ? backend.database->seal(arguments.tenant, audit) : backend.database->unseal(arguments.tenant, audit));
  }
  std::cout << fmt::format("tenant {} {}\n", arguments.tenant,
                           seal ? "sealed (legal hold): writes are refused until it is unsealed" : "unsealed");
  return Status::ok_status();
}

Status run_quota(const TenantArguments& arguments) {
  KMB_ASSIGN_OR_RETURN(TenantBackend backend, open_backend(arguments));
  // Only the limits given change: read the others first. Over the network another admin may change
  // quotas in between; the last writer wins, as with --data on two terminals.
  KMB_ASSIGN_OR_RETURN(TenantView view, fetch_info(backend, arguments.tenant));
  db::TenantQuotas quotas = view.quotas;
  if (arguments.storage_max) quotas.storage_bytes_max = *arguments.storage_max;
  if (arguments.records_per_second) quotas.records_per_second = *arguments.records_per_second;
  if (arguments.bytes_per_second) quotas.bytes_per_second = *arguments.bytes_per_second;
  if (backend.client) {
    KMB_ASSIGN_OR_RETURN(protocol::TenantInfo info, backend.client->set_quotas(arguments.tenant, to_protocol(quotas)));
    quotas = view_of(info).quotas;  // what the server now enforces
  } else {
    KMB_TRY(backend.database->set_quotas(arguments.tenant, quotas));
  }
  std::cout << fmt::format("tenant {} quotas: storage_max {}, records_per_second {}, bytes_per_second {}\n",
                           arguments.tenant, limit_text(quotas.storage_bytes_max),
                           limit_text(quotas.records_per_second), limit_text(quotas.bytes_per_second));
  return Status::ok_status();
}

Status run_rotate(const TenantArguments& arguments) {
  KMB_TRY(require_data(arguments, "rotate-key", "key rotation"));
  KMB_ASSIGN_OR_RETURN(TenantBackend backend, open_backend(arguments));
  KMB_ASSIGN_OR_RETURN(
      std::uint32_t epoch,
      backend.database->rotate_key(arguments.tenant, sql::AuditContext{actor_of(arguments), arguments.reason, 0}));
  std::cout << fmt::format("tenant {}: new data-encryption key epoch {}; older records keep their keys\n",
                           arguments.tenant, epoch);
  return Status::ok_status();
}

Status run_events(const TenantArguments& arguments) {
  KMB_TRY(require_data(arguments, "events", "reading a tenant's administrative events"));
  KMB_ASSIGN_OR_RETURN(OutputFormat format, parse_output_format(arguments.format));
  KMB_ASSIGN_OR_RETURN(TenantBackend backend, open_backend(arguments));
  KMB_ASSIGN_OR_RETURN(std::vector<db::TenantEventInfo> events, backend.database->tenant_events(arguments.tenant));
  Table table;
  table.columns = {"position", "timestamp", "event", "key_epoch", "actor", "reason"};
  for (const db::TenantEventInfo& event : events) {
    table.rows.push_back({std::to_string(event.position), format_timestamp_ns(event.timestamp_ns), event.event,
                          event.key_epoch == 0 ? "" : std::to_string(event.key_epoch), event.actor, event.reason});
  }
  render(std::cout, table, format);
  return Status::ok_status();
}

// Runs one subcommand and reports its error; data-directory errors get the running-server hint.
template <typename Run>
std::function<void()> callback_of(std::shared_ptr<TenantArguments> arguments, int& exit_code, Run run) {
  return [arguments, &exit_code, run] {
    Status status = run(*arguments);
    if (!arguments->data.empty()) status = with_server_hint(std::move(status));
    std::cout << std::flush;
    exit_code = status.ok() ? exit_success : report_error(status);
  };
}

void add_target(CLI::App& command, TenantArguments& arguments) {
  command.add_option("--data", arguments.data, "Data directory (embedded; no server may have it open)");
  add_remote_options(command, arguments.remote);
  command.add_option("--allowed-region", arguments.allowed_regions,
                     "Regions this node may hold (repeatable; default: any; --data only)");
}

void add_target_and_tenant(CLI::App& command, TenantArguments& arguments) {
  add_target(command, arguments);
  command.add_option("--tenant", arguments.tenant, "Tenant id")->required();
}

void add_quota_options(CLI::App& command, TenantArguments& arguments) {
  command.add_option("--storage-max", arguments.storage_max, "Log bytes on disk at most (0 = unlimited)");
  command.add_option("--records-per-second", arguments.records_per_second, "Write records per second (0 = unlimited)");
  command.add_option("--bytes-per-second", arguments.bytes_per_second, "Written bytes per second (0 = unlimited)");
}

void add_audit_options(CLI::App& command, TenantArguments& arguments) {
  command.add_option("--actor", arguments.actor, "Who is acting, recorded in the log (default: $USER)");
  command.add_option("--reason", arguments.reason, "Why, recorded in the log");
}

}  // namespace

void add_tenant_command(CLI::App& app, int& exit_code) {
  CLI::App* tenant =
      app.add_subcommand("tenant", "Create, list, inspect, seal and limit tenants (--data DIR or --address HOST:PORT)");
  tenant->require_subcommand(1);

  auto create = std::make_shared<TenantArguments>();
  CLI::App* create_command = tenant->add_subcommand("create", "Create a tenant (encrypted if a master key is found)");
  add_target_and_tenant(*create_command, *create);
  create_command->add_option("--name", create->name, "Unique name (default: tenant-<id>)");
  create_command->add_option("--region", create->region, "Region, e.g. eu-west-1 (default: the node's first)");
  add_quota_options(*create_command, *create);
  create_command->callback(callback_of(create, exit_code, run_create));

  auto list = std::make_shared<TenantArguments>();
  CLI::App* list_command = tenant->add_subcommand("list", "List every tenant");
  add_target(*list_command, *list);
  list_command->add_option("--format", list->format, "table, csv or json")->capture_default_str();
  list_command->callback(callback_of(list, exit_code, run_list));

  auto info = std::make_shared<TenantArguments>();
  CLI::App* info_command = tenant->add_subcommand("info", "Show one tenant: size, records, chain head, quotas, hold");
  add_target_and_tenant(*info_command, *info);
  info_command->add_option("--format", info->format, "table, csv or json")->capture_default_str();
  info_command->callback(callback_of(info, exit_code, run_info));

  auto seal = std::make_shared<TenantArguments>();
  CLI::App* seal_command = tenant->add_subcommand("seal", "Place a legal hold: the tenant becomes read-only");
  add_target_and_tenant(*seal_command, *seal);
  add_audit_options(*seal_command, *seal);
  seal_command->callback(
      callback_of(seal, exit_code, [](const TenantArguments& arguments) { return run_seal(arguments, true); }));

  auto unseal = std::make_shared<TenantArguments>();
  CLI::App* unseal_command = tenant->add_subcommand("unseal", "Lift a legal hold");
  add_target_and_tenant(*unseal_command, *unseal);
  add_audit_options(*unseal_command, *unseal);
  unseal_command->callback(
      callback_of(unseal, exit_code, [](const TenantArguments& arguments) { return run_seal(arguments, false); }));

  auto quota = std::make_shared<TenantArguments>();
  CLI::App* quota_command = tenant->add_subcommand("quota", "Change a tenant's quotas (only those given)");
  add_target_and_tenant(*quota_command, *quota);
  add_quota_options(*quota_command, *quota);
  quota_command->callback(callback_of(quota, exit_code, run_quota));

  // rotate-key and events take --address too, only to refuse it with the reason (require_data).
  auto rotate = std::make_shared<TenantArguments>();
  CLI::App* rotate_command =
      tenant->add_subcommand("rotate-key", "Start a new data-encryption key epoch (--data only)");
  add_target_and_tenant(*rotate_command, *rotate);
  add_audit_options(*rotate_command, *rotate);
  rotate_command->callback(callback_of(rotate, exit_code, run_rotate));

  auto events = std::make_shared<TenantArguments>();
  CLI::App* events_command =
      tenant->add_subcommand("events", "Legal holds and key rotations, from the tenant's log (--data only)");
  add_target_and_tenant(*events_command, *events);
  events_command->add_option("--format", events->format, "table, csv or json")->capture_default_str();
  events_command->callback(callback_of(events, exit_code, run_events));
}

}  // namespace kmb::cli
