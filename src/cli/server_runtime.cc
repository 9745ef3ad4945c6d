#include "cli/server_runtime.h"

#include <utility>

#include "db/master_key.h"
#include "server/system_log.h"

namespace kmb::cli {

Result<bool> is_initialized(const std::string& directory) {
  io::PosixStorage storage;
  return storage.exists(server::system_log_directory(directory));
}

Result<InitResult> initialize_data_directory(const std::string& directory, const std::string& tenant_name) {
  KMB_ASSIGN_OR_RETURN(bool initialized, is_initialized(directory));
  if (initialized) return already_exists(directory + " is already initialised (it has a system log)");
  io::PosixStorage storage;
  KMB_TRY(storage.create_directories(directory));
  InitResult result;
  KMB_ASSIGN_OR_RETURN(std::shared_ptr<db::MasterKeyProvider> from_environment, db::master_key_from_environment());
  const std::string key_path = db::default_master_key_path(directory);
  KMB_ASSIGN_OR_RETURN(bool key_exists, storage.exists(key_path));
  if (from_environment == nullptr && !key_exists) {
    KMB_TRY(db::create_master_key_file(key_path));
    result.created_master_key = true;
  }
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<db::Database> database, db::Database::open(directory));
  KMB_ASSIGN_OR_RETURN(std::vector<std::uint64_t> tenants, database->tenant_ids());
  bool has_initial = false;
  for (std::uint64_t id : tenants) has_initial = has_initial || id == initial_tenant_id;
  if (!has_initial) {
    db::TenantConfig config;
    config.name = tenant_name;
    KMB_ASSIGN_OR_RETURN(db::Tenant * tenant, database->create_tenant(initial_tenant_id, config));
    (void)tenant;
  }
  io::RealClock clock;
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<server::ApiKeyStore> keys,
                       server::ApiKeyStore::open(storage, clock, directory, /*create=*/true));
  KMB_ASSIGN_OR_RETURN(result.admin_key, keys->create(initial_tenant_id, server::Role::admin, "initial admin key",
                                                      server::KeyActor{"init", "kimberlite init"}));
  return result;
}

Result<std::unique_ptr<ServingState>> open_for_serving(const std::string& directory) {
  auto state = std::make_unique<ServingState>();
  KMB_ASSIGN_OR_RETURN(bool initialized, is_initialized(directory));
  if (!initialized) {
    return failed_precondition(directory + " is not initialised for serving; run `kimberlite init " + directory + "`");
  }
  db::DatabaseOptions options;
  options.create_if_missing = false;
  KMB_ASSIGN_OR_RETURN(state->database, db::Database::open(directory, options));
  KMB_ASSIGN_OR_RETURN(state->keys, server::ApiKeyStore::open(state->storage, state->clock, directory, false));
  return state;
}

}  // namespace kmb::cli
