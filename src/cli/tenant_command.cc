// kimberlite tenant: tenant administration on a data directory (embedded mode).
//
//   kimberlite tenant create --data DIR --tenant ID [--name N] [--region R] [--storage-max BYTES]
//                            [--records-per-second N] [--bytes-per-second N] [--allowed-region R ...]
//   kimberlite tenant list   --data DIR [--format table|csv|json]
//   kimberlite tenant info   --data DIR --tenant ID [--format table|csv|json]
//   kimberlite tenant seal   --data DIR --tenant ID [--actor A] [--reason TEXT]
//   kimberlite tenant unseal --data DIR --tenant ID [--actor A] [--reason TEXT]
//   kimberlite tenant quota  --data DIR --tenant ID [--storage-max B] [--records-per-second N] [--bytes-per-second N]
//   kimberlite tenant rotate-key --data DIR --tenant ID [--actor A] [--reason TEXT]
//   kimberlite tenant events --data DIR --tenant ID [--format table|csv|json]
//
// The master key is found as for `kimberlite sql --data`: KIMBERLITE_MASTER_KEY, else DIR/master.key.
// Quotas: 0 means unlimited; `quota` changes only the limits given.
#include <fmt/format.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/time_format.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "db/database.h"

namespace kmb::cli {

namespace {

struct TenantArguments {
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

std::string default_actor() {
  const char* user = std::getenv("USER");  // os-access-ok: the default actor is the OS user
  return user == nullptr ? std::string() : std::string(user);
}

Result<std::unique_ptr<db::Database>> open_database(const TenantArguments& arguments) {
  db::DatabaseOptions options;
  options.allowed_regions = arguments.allowed_regions;
  return db::Database::open(arguments.data, options);
}

sql::AuditContext audit_of(const TenantArguments& arguments) {
  return sql::AuditContext{arguments.actor.empty() ? default_actor() : arguments.actor, arguments.reason, 0};
}

std::string limit_text(std::uint64_t value) {
  return value == 0 ? "unlimited" : std::to_string(value);
}

Table info_table(const std::vector<db::TenantInfo>& infos) {
  Table table;
  table.columns = {"tenant", "name",        "region",        "sealed",      "encrypted", "key_epoch", "records",
                   "bytes",  "storage_max", "records_per_s", "bytes_per_s", "created",   "head_hash", "note"};
  for (const db::TenantInfo& info : infos) {
    table.rows.push_back({std::to_string(info.tenant_id), info.name, info.region, info.sealed ? "yes" : "no",
                          info.encrypted ? "yes" : "no", std::to_string(info.key_epoch),
                          std::to_string(info.record_count), std::to_string(info.log_bytes),
                          limit_text(info.quotas.storage_bytes_max), limit_text(info.quotas.records_per_second),
                          limit_text(info.quotas.bytes_per_second),
                          info.created_ns == 0 ? "" : format_timestamp_ns(info.created_ns), info.head_hash,
                          info.recovery.rfind("not opened", 0) == 0 ? info.recovery : ""});
  }
  return table;
}

int print_infos(const TenantArguments& arguments, const std::vector<db::TenantInfo>& infos) {
  Result<OutputFormat> format = parse_output_format(arguments.format);
  if (!format.ok()) return report_error(format.status());
  render(std::cout, info_table(infos), *format);
  return exit_success;
}

int run_create(const TenantArguments& arguments) {
  Result<std::unique_ptr<db::Database>> database = open_database(arguments);
  if (!database.ok()) return report_error(database.status());
  db::TenantConfig config;
  config.name = arguments.name;
  config.region = arguments.region;
  config.quotas.storage_bytes_max = arguments.storage_max.value_or(0);
  config.quotas.records_per_second = arguments.records_per_second.value_or(0);
  config.quotas.bytes_per_second = arguments.bytes_per_second.value_or(0);
  Result<db::Tenant*> created = (*database)->create_tenant(arguments.tenant, config);
  if (!created.ok()) return report_error(created.status());
  Result<db::TenantInfo> info = (*created)->info();
  if (!info.ok()) return report_error(info.status());
  std::cout << fmt::format("created tenant {} ({}){}{}\n", info->tenant_id, info->name,
                           info->region.empty() ? "" : " in region " + info->region,
                           info->encrypted ? ", encrypted at rest" : ", NOT encrypted (no master key configured)");
  return exit_success;
}

int run_list(const TenantArguments& arguments) {
  Result<std::unique_ptr<db::Database>> database = open_database(arguments);
  if (!database.ok()) return report_error(database.status());
  Result<std::vector<db::TenantInfo>> infos = (*database)->list_tenants();
  if (!infos.ok()) return report_error(infos.status());
  return print_infos(arguments, *infos);
}

int run_info(const TenantArguments& arguments) {
  Result<std::unique_ptr<db::Database>> database = open_database(arguments);
  if (!database.ok()) return report_error(database.status());
  Result<db::TenantInfo> info = (*database)->tenant_info(arguments.tenant);
  if (!info.ok()) return report_error(info.status());
  return print_infos(arguments, {*info});
}

int run_seal(const TenantArguments& arguments, bool seal) {
  Result<std::unique_ptr<db::Database>> database = open_database(arguments);
  if (!database.ok()) return report_error(database.status());
  const sql::AuditContext audit = audit_of(arguments);
  Status changed = seal ? (*database)->seal(arguments.tenant, audit) : (*database)->unseal(arguments.tenant, audit);
  if (!changed.ok()) return report_error(changed);
  std::cout << fmt::format("tenant {} {}\n", arguments.tenant,
                           seal ? "sealed (legal hold): writes are refused until it is unsealed" : "unsealed");
  return exit_success;
}

int run_quota(const TenantArguments& arguments) {
  Result<std::unique_ptr<db::Database>> database = open_database(arguments);
  if (!database.ok()) return report_error(database.status());
  Result<db::TenantInfo> info = (*database)->tenant_info(arguments.tenant);
  if (!info.ok()) return report_error(info.status());
  db::TenantQuotas quotas = info->quotas;
  if (arguments.storage_max) quotas.storage_bytes_max = *arguments.storage_max;
  if (arguments.records_per_second) quotas.records_per_second = *arguments.records_per_second;
  if (arguments.bytes_per_second) quotas.bytes_per_second = *arguments.bytes_per_second;
  if (Status set = (*database)->set_quotas(arguments.tenant, quotas); !set.ok()) return report_error(set);
  std::cout << fmt::format("tenant {} quotas: storage_max {}, records_per_second {}, bytes_per_second {}\n",
                           arguments.tenant, limit_text(quotas.storage_bytes_max),
                           limit_text(quotas.records_per_second), limit_text(quotas.bytes_per_second));
  return exit_success;
}

int run_rotate(const TenantArguments& arguments) {
  Result<std::unique_ptr<db::Database>> database = open_database(arguments);
  if (!database.ok()) return report_error(database.status());
  Result<std::uint32_t> epoch = (*database)->rotate_key(arguments.tenant, audit_of(arguments));
  if (!epoch.ok()) return report_error(epoch.status());
  std::cout << fmt::format("tenant {}: new data-encryption key epoch {}; older records keep their keys\n",
                           arguments.tenant, *epoch);
  return exit_success;
}

int run_events(const TenantArguments& arguments) {
  Result<OutputFormat> format = parse_output_format(arguments.format);
  if (!format.ok()) return report_error(format.status());
  Result<std::unique_ptr<db::Database>> database = open_database(arguments);
  if (!database.ok()) return report_error(database.status());
  Result<std::vector<db::TenantEventInfo>> events = (*database)->tenant_events(arguments.tenant);
  if (!events.ok()) return report_error(events.status());
  Table table;
  table.columns = {"position", "timestamp", "event", "key_epoch", "actor", "reason"};
  for (const db::TenantEventInfo& event : *events) {
    table.rows.push_back({std::to_string(event.position), format_timestamp_ns(event.timestamp_ns), event.event,
                          event.key_epoch == 0 ? "" : std::to_string(event.key_epoch), event.actor, event.reason});
  }
  render(std::cout, table, *format);
  return exit_success;
}

void add_data_and_tenant(CLI::App& command, TenantArguments& arguments) {
  command.add_option("--data", arguments.data, "Data directory")->required();
  command.add_option("--tenant", arguments.tenant, "Tenant id")->required();
  command.add_option("--allowed-region", arguments.allowed_regions,
                     "Regions this node may hold (repeatable; default: any)");
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
  CLI::App* tenant = app.add_subcommand("tenant", "Create, list, inspect, seal and limit tenants (--data DIR)");
  tenant->require_subcommand(1);

  auto create = std::make_shared<TenantArguments>();
  CLI::App* create_command = tenant->add_subcommand("create", "Create a tenant (encrypted if a master key is found)");
  add_data_and_tenant(*create_command, *create);
  create_command->add_option("--name", create->name, "Unique name (default: tenant-<id>)");
  create_command->add_option("--region", create->region, "Region, e.g. eu-west-1 (default: the node's first)");
  add_quota_options(*create_command, *create);
  create_command->callback([create, &exit_code] { exit_code = run_create(*create); });

  auto list = std::make_shared<TenantArguments>();
  CLI::App* list_command = tenant->add_subcommand("list", "List every tenant of the data directory");
  list_command->add_option("--data", list->data, "Data directory")->required();
  list_command->add_option("--allowed-region", list->allowed_regions, "Regions this node may hold");
  list_command->add_option("--format", list->format, "table, csv or json")->capture_default_str();
  list_command->callback([list, &exit_code] { exit_code = run_list(*list); });

  auto info = std::make_shared<TenantArguments>();
  CLI::App* info_command = tenant->add_subcommand("info", "Show one tenant: size, records, chain head, quotas, hold");
  add_data_and_tenant(*info_command, *info);
  info_command->add_option("--format", info->format, "table, csv or json")->capture_default_str();
  info_command->callback([info, &exit_code] { exit_code = run_info(*info); });

  auto seal = std::make_shared<TenantArguments>();
  CLI::App* seal_command = tenant->add_subcommand("seal", "Place a legal hold: the tenant becomes read-only");
  add_data_and_tenant(*seal_command, *seal);
  add_audit_options(*seal_command, *seal);
  seal_command->callback([seal, &exit_code] { exit_code = run_seal(*seal, true); });

  auto unseal = std::make_shared<TenantArguments>();
  CLI::App* unseal_command = tenant->add_subcommand("unseal", "Lift a legal hold");
  add_data_and_tenant(*unseal_command, *unseal);
  add_audit_options(*unseal_command, *unseal);
  unseal_command->callback([unseal, &exit_code] { exit_code = run_seal(*unseal, false); });

  auto quota = std::make_shared<TenantArguments>();
  CLI::App* quota_command = tenant->add_subcommand("quota", "Change a tenant's quotas (only those given)");
  add_data_and_tenant(*quota_command, *quota);
  add_quota_options(*quota_command, *quota);
  quota_command->callback([quota, &exit_code] { exit_code = run_quota(*quota); });

  auto rotate = std::make_shared<TenantArguments>();
  CLI::App* rotate_command = tenant->add_subcommand("rotate-key", "Start a new data-encryption key epoch");
  add_data_and_tenant(*rotate_command, *rotate);
  add_audit_options(*rotate_command, *rotate);
  rotate_command->callback([rotate, &exit_code] { exit_code = run_rotate(*rotate); });

  auto events = std::make_shared<TenantArguments>();
  CLI::App* events_command = tenant->add_subcommand("events", "Legal holds and key rotations, from the tenant's log");
  add_data_and_tenant(*events_command, *events);
  events_command->add_option("--format", events->format, "table, csv or json")->capture_default_str();
  events_command->callback([events, &exit_code] { exit_code = run_events(*events); });
}

}  // namespace kmb::cli
