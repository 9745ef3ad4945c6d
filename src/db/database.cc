#include "db/database.h"

#include <algorithm>
#include <charconv>

#include "db/tenant_impl.h"
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
  return std::make_unique<Database>(Token{}, storage_ref, clock_ref, directory, options, std::move(storage),
                                    std::move(clock));
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
  return std::make_unique<Database>(Token{}, storage, clock, directory, options, nullptr, nullptr);
}

Result<Tenant*> Database::tenant(std::uint64_t tenant_id, bool create) {
  std::lock_guard<std::mutex> lock(tenants_mutex_);
  auto it = tenants_.find(tenant_id);
  if (it != tenants_.end()) return static_cast<Tenant*>(it->second.get());
  const std::string directory = tenant_directory(directory_, tenant_id);
  if (!create) {
    KMB_ASSIGN_OR_RETURN(bool exists, storage_.exists(io::join_path(directory, "log")));
    if (!exists) return not_found("tenant " + std::to_string(tenant_id) + " does not exist in " + directory_);
  }
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<TenantImpl> opened,
                       TenantImpl::open(storage_, clock_, directory, tenant_id, create, options_, engine_));
  Tenant* handle = opened.get();
  tenants_.emplace(tenant_id, std::move(opened));
  return handle;
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
