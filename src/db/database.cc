#include "db/database.h"

#include <algorithm>
#include <charconv>

#include "db/keyring.h"
#include "db/tenant_impl.h"
#include "db/tenant_metadata.h"
#include "io/posix_storage.h"

namespace kmb::db {

namespace {

std::string tenant_directory(const std::string& data, std::uint64_t tenant_id) {
  return io::join_path(io::join_path(data, "tenants"), std::to_string(tenant_id));
}

// The engine measures query time limits with the database's clock unless told otherwise.
sql::EngineOptions with_clock(sql::EngineOptions options, io::Clock& clock) {
  if (!options.clock) options.clock = &clock;
  return options;
}

std::string default_tenant_name(std::uint64_t tenant_id) { return "tenant-" + std::to_string(tenant_id); }

std::string join_regions(const std::vector<std::string>& regions) {
  std::string joined;
  for (const std::string& region : regions) joined += (joined.empty() ? "" : ", ") + region;
  return joined;
}

}  // namespace

namespace {

Result<std::unique_ptr<io::FileLock>> lock_directory(io::Storage& storage, const std::string& directory) {
  Result<std::unique_ptr<io::FileLock>> lock = storage.lock_file(io::join_path(directory, "LOCK"));
  if (!lock.ok() && lock.status().code() == StatusCode::failed_precondition) {
    return failed_precondition("data directory " + directory + " is already locked by another process");
  }
  return lock;
}

}  // namespace

Database::Database(Token, io::Storage& storage, io::Clock& clock, std::string directory,
                   const DatabaseOptions& options, std::unique_ptr<io::Storage> owned_storage,
                   std::unique_ptr<io::Clock> owned_clock)
    : owned_storage_(std::move(owned_storage)),
      owned_clock_(std::move(owned_clock)),
      storage_(storage),
      clock_(clock),
      directory_(std::move(directory)),
      options_(options),
      engine_(with_clock(options.engine, clock)) {}

Database::~Database() {
  // Tenants checkpoint as they close; they must go before the storage they write to.
  std::lock_guard<std::mutex> lock(tenants_mutex_);
  tenants_.clear();
}

Result<std::unique_ptr<Database>> Database::open(const std::string& directory, const DatabaseOptions& options) {
  auto storage = std::make_unique<io::PosixStorage>();
  auto clock = std::make_unique<io::RealClock>();
  io::Storage& storage_ref = *storage;
  io::Clock& clock_ref = *clock;
  KMB_TRY(storage_ref.create_directories(directory));
  DatabaseOptions resolved = options;
  if (!resolved.master_key && resolved.discover_master_key) {
    KMB_ASSIGN_OR_RETURN(resolved.master_key, discover_master_key(directory));
  }
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<io::FileLock> lock, lock_directory(storage_ref, directory));
  auto database = std::make_unique<Database>(Token{}, storage_ref, clock_ref, directory, resolved, std::move(storage),
                                             std::move(clock));
  database->lock_ = std::move(lock);
  return database;
}

Result<std::unique_ptr<Database>> Database::open(io::Storage& storage, io::Clock& clock, const std::string& directory,
                                                 const DatabaseOptions& options) {
  KMB_ASSIGN_OR_RETURN(bool exists, storage.exists(directory));
  if (!exists) {
    if (!options.create_if_missing) return not_found("no database at " + directory);
    KMB_TRY(storage.create_directories(directory));
  }
  KMB_ASSIGN_OR_RETURN(bool is_directory, storage.is_directory(directory));
  if (!is_directory) return invalid_argument(directory + " is not a directory");
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<io::FileLock> lock, lock_directory(storage, directory));
  auto database = std::make_unique<Database>(Token{}, storage, clock, directory, options, nullptr, nullptr);
  database->lock_ = std::move(lock);
  return database;
}

std::string Database::default_region() const {
  return options_.allowed_regions.empty() ? std::string() : options_.allowed_regions.front();
}

Status Database::check_region(std::uint64_t tenant_id, const std::string& region) const {
  const std::vector<std::string>& allowed = options_.allowed_regions;
  if (allowed.empty() || std::find(allowed.begin(), allowed.end(), region) != allowed.end()) return Status();
  return failed_precondition("tenant " + std::to_string(tenant_id) + " belongs to region '" +
                             (region.empty() ? std::string("(none)") : region) +
                             "', and this node may hold only tenants of: " + join_regions(allowed));
}

Result<Tenant*> Database::tenant(std::uint64_t tenant_id, bool create) {
  std::lock_guard<std::mutex> lock(tenants_mutex_);
  auto it = tenants_.find(tenant_id);
  if (it != tenants_.end()) return static_cast<Tenant*>(it->second.get());
  const std::string directory = tenant_directory(directory_, tenant_id);
  KMB_ASSIGN_OR_RETURN(bool has_metadata, storage_.exists(io::join_path(directory, tenant_metadata_file_name)));
  KMB_ASSIGN_OR_RETURN(bool has_log, storage_.exists(io::join_path(directory, "log")));
  if (!has_metadata && !has_log) {
    if (!create) return not_found("tenant " + std::to_string(tenant_id) + " does not exist in " + directory_);
    KMB_ASSIGN_OR_RETURN(TenantImpl * created, create_tenant_locked(tenant_id, TenantConfig{}));
    return static_cast<Tenant*>(created);
  }
  KMB_ASSIGN_OR_RETURN(TenantImpl * opened, open_tenant_locked(tenant_id));
  return static_cast<Tenant*>(opened);
}

Tenant* Database::tenant_if_open(std::uint64_t tenant_id) {
  std::unique_lock<std::mutex> lock(tenants_mutex_, std::try_to_lock);
  if (!lock.owns_lock()) return nullptr;
  auto it = tenants_.find(tenant_id);
  return it == tenants_.end() ? nullptr : static_cast<Tenant*>(it->second.get());
}

// REQUIRES: tenants_mutex_ held; the tenant exists on disk and is not open.
Result<TenantImpl*> Database::open_tenant_locked(std::uint64_t tenant_id) {
  const std::string directory = tenant_directory(directory_, tenant_id);
  const std::string metadata_path = io::join_path(directory, tenant_metadata_file_name);
  const std::string keys_path = io::join_path(directory, keyring_file_name);
  TenantMetadata metadata;
  KMB_ASSIGN_OR_RETURN(bool has_metadata, storage_.exists(metadata_path));
  KMB_ASSIGN_OR_RETURN(bool has_keys, storage_.exists(keys_path));
  if (has_metadata) {
    KMB_ASSIGN_OR_RETURN(metadata, load_tenant_metadata(storage_, metadata_path));
    if (metadata.tenant_id != tenant_id) {
      return corruption("tenant metadata " + metadata_path + " belongs to tenant " +
                        std::to_string(metadata.tenant_id));
    }
    // Only a tenant of a known region is held to the node's regions; tenants from before
    // regions existed have none.
    if (!metadata.region.empty()) KMB_TRY(check_region(tenant_id, metadata.region));
  } else {
    // A tenant created before tenant metadata existed: unencrypted, no region, no quotas.
    metadata.tenant_id = tenant_id;
    metadata.name = default_tenant_name(tenant_id);
    metadata.encrypted = has_keys;
  }
  if (metadata.encrypted && !has_keys) {
    return corruption("tenant " + std::to_string(tenant_id) + " is encrypted, but its key file " + keys_path +
                      " is missing; its data cannot be read");
  }
  std::unique_ptr<TenantKeyring> keyring;
  if (metadata.encrypted) {
    // Before the log is opened: a missing or wrong master key must fail before anything is written.
    KMB_ASSIGN_OR_RETURN(keyring, TenantKeyring::load(storage_, keys_path, tenant_id, options_.master_key.get()));
  }
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<TenantImpl> opened,
                       TenantImpl::open(storage_, clock_, directory, std::move(metadata), std::move(keyring), options_,
                                        engine_));
  TenantImpl* handle = opened.get();
  tenants_.emplace(tenant_id, std::move(opened));
  return handle;
}

// REQUIRES: tenants_mutex_ held.
Result<TenantImpl*> Database::create_tenant_locked(std::uint64_t tenant_id, const TenantConfig& config) {
  const std::string directory = tenant_directory(directory_, tenant_id);
  const std::string metadata_path = io::join_path(directory, tenant_metadata_file_name);
  const std::string keys_path = io::join_path(directory, keyring_file_name);
  KMB_ASSIGN_OR_RETURN(bool has_metadata, storage_.exists(metadata_path));
  KMB_ASSIGN_OR_RETURN(bool has_log, storage_.exists(io::join_path(directory, "log")));
  if (has_metadata || has_log || tenants_.count(tenant_id) != 0) {
    return already_exists("tenant " + std::to_string(tenant_id) + " already exists in " + directory_);
  }
  TenantMetadata metadata;
  metadata.tenant_id = tenant_id;
  metadata.name = config.name.empty() ? default_tenant_name(tenant_id) : config.name;
  KMB_TRY(check_tenant_name(metadata.name));
  metadata.region = config.region.empty() ? default_region() : config.region;
  if (!metadata.region.empty()) KMB_TRY(check_region_name(metadata.region));
  KMB_TRY(check_region(tenant_id, metadata.region));
  metadata.quotas = config.quotas;
  metadata.created_ns = clock_.realtime_ns();
  metadata.encrypted = options_.master_key != nullptr;

  // Names are unique per database.
  KMB_ASSIGN_OR_RETURN(std::vector<std::uint64_t> ids, tenant_ids());
  for (std::uint64_t other : ids) {
    if (other == tenant_id) continue;  // The leftover of an interrupted creation of this tenant.
    std::string name = default_tenant_name(other);
    const std::string other_metadata = io::join_path(tenant_directory(directory_, other), tenant_metadata_file_name);
    KMB_ASSIGN_OR_RETURN(bool exists, storage_.exists(other_metadata));
    if (exists) {
      KMB_ASSIGN_OR_RETURN(TenantMetadata loaded, load_tenant_metadata(storage_, other_metadata));
      name = loaded.name;
    }
    if (name == metadata.name) {
      return already_exists("tenant name '" + metadata.name + "' is taken by tenant " + std::to_string(other));
    }
  }

  KMB_TRY(storage_.create_directories(directory));
  std::unique_ptr<TenantKeyring> keyring;
  if (metadata.encrypted) {
    // A key file without a metadata file is the leftover of a creation that crashed before the
    // tenant existed; no record was ever encrypted with it.
    KMB_ASSIGN_OR_RETURN(bool stale_keys, storage_.exists(keys_path));
    if (stale_keys) KMB_TRY(storage_.remove(keys_path));
    KMB_ASSIGN_OR_RETURN(keyring, TenantKeyring::create(storage_, keys_path, tenant_id, *options_.master_key,
                                                        metadata.created_ns));
  }
  // The metadata file is written last: its presence is what makes the tenant exist.
  KMB_TRY(save_tenant_metadata(storage_, metadata_path, metadata));
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<TenantImpl> opened,
                       TenantImpl::open(storage_, clock_, directory, std::move(metadata), std::move(keyring), options_,
                                        engine_));
  TenantImpl* handle = opened.get();
  tenants_.emplace(tenant_id, std::move(opened));
  return handle;
}

Result<TenantImpl*> Database::existing_tenant(std::uint64_t tenant_id) {
  KMB_ASSIGN_OR_RETURN(Tenant * handle, tenant(tenant_id, false));
  return static_cast<TenantImpl*>(handle);
}

Result<Tenant*> Database::create_tenant(std::uint64_t tenant_id, const TenantConfig& config) {
  std::lock_guard<std::mutex> lock(tenants_mutex_);
  KMB_ASSIGN_OR_RETURN(TenantImpl * created, create_tenant_locked(tenant_id, config));
  return static_cast<Tenant*>(created);
}

Result<std::vector<TenantInfo>> Database::list_tenants() {
  KMB_ASSIGN_OR_RETURN(std::vector<std::uint64_t> ids, tenant_ids());
  std::vector<TenantInfo> infos;
  for (std::uint64_t id : ids) {
    Result<TenantImpl*> opened = existing_tenant(id);
    if (opened.status().code() == StatusCode::not_found) continue;  // An empty, half-created directory.
    if (opened.ok()) {
      KMB_ASSIGN_OR_RETURN(TenantInfo info, (*opened)->info());
      infos.push_back(std::move(info));
      continue;
    }
    // A tenant this node cannot open (another region, no key) is still listed, from its metadata.
    TenantInfo info;
    info.tenant_id = id;
    info.name = default_tenant_name(id);
    const std::string metadata_path = io::join_path(tenant_directory(directory_, id), tenant_metadata_file_name);
    Result<TenantMetadata> metadata = load_tenant_metadata(storage_, metadata_path);
    if (metadata.ok()) {
      info.name = metadata->name;
      info.region = metadata->region;
      info.quotas = metadata->quotas;
      info.sealed = metadata->sealed;
      info.encrypted = metadata->encrypted;
      info.created_ns = metadata->created_ns;
    }
    info.recovery = "not opened: " + opened.status().to_string();
    infos.push_back(std::move(info));
  }
  return infos;
}

Result<TenantInfo> Database::tenant_info(std::uint64_t tenant_id) {
  KMB_ASSIGN_OR_RETURN(TenantImpl * tenant, existing_tenant(tenant_id));
  return tenant->info();
}

Status Database::set_quotas(std::uint64_t tenant_id, const TenantQuotas& quotas) {
  KMB_ASSIGN_OR_RETURN(TenantImpl * tenant, existing_tenant(tenant_id));
  return tenant->set_quotas(quotas);
}

Status Database::seal(std::uint64_t tenant_id, const sql::AuditContext& audit) {
  KMB_ASSIGN_OR_RETURN(TenantImpl * tenant, existing_tenant(tenant_id));
  return tenant->seal(audit);
}

Status Database::unseal(std::uint64_t tenant_id, const sql::AuditContext& audit) {
  KMB_ASSIGN_OR_RETURN(TenantImpl * tenant, existing_tenant(tenant_id));
  return tenant->unseal(audit);
}

Result<std::uint32_t> Database::rotate_key(std::uint64_t tenant_id, const sql::AuditContext& audit) {
  KMB_ASSIGN_OR_RETURN(TenantImpl * tenant, existing_tenant(tenant_id));
  return tenant->rotate_key(audit);
}

Result<std::vector<TenantEventInfo>> Database::tenant_events(std::uint64_t tenant_id) {
  KMB_ASSIGN_OR_RETURN(TenantImpl * tenant, existing_tenant(tenant_id));
  return tenant->events();
}

Result<std::vector<std::uint64_t>> Database::tenant_ids() {
  std::vector<std::uint64_t> ids;
  const std::string tenants = io::join_path(directory_, "tenants");
  KMB_ASSIGN_OR_RETURN(bool exists, storage_.exists(tenants));
  if (!exists) return ids;
  KMB_ASSIGN_OR_RETURN(std::vector<std::string> names, storage_.list_directory(tenants));
  for (const std::string& name : names) {
    std::uint64_t id = 0;
    auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), id);
    if (error == std::errc() && end == name.data() + name.size()) ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace kmb::db
