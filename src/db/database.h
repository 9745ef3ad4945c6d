// Database: a data directory holding one log partition (and projections) per tenant, and the
// Tenant handles through which SQL runs. This is the embedded API's engine room; the public header
// include/kimberlite/kimberlite.h re-exports it.
//
//   DATA/tenants/<id>/tenant      metadata: name, region, quotas, legal hold (its presence = the tenant exists)
//   DATA/tenants/<id>/keys        wrapped data-encryption keys, if the tenant is encrypted
//   DATA/tenants/<id>/log/        the tenant's hash-chained log (docs/format/log.md)
//   DATA/tenants/<id>/snapshot    the newest projection checkpoint (a cache; docs/format/snapshot.md)
//
// Every file of a tenant lives under its own directory, and its log, keys and snapshot are opened
// only through its TenantImpl, so no data path reads another tenant's files. (Administration —
// listing tenants, checking that a new name is unique — reads the other tenants' metadata files.)
//
// Encryption at rest (docs/format/encryption.md): a tenant created while a master key is
// configured (DatabaseOptions::master_key) is encrypted for life — its log records' reasons and
// payloads (SQL text, rows, actors) and its snapshots are AES-256-GCM ciphertext. A tenant created
// without one stays unencrypted. Opening an encrypted tenant without the right master key fails
// with failed_precondition before anything is read or written.
//
// Opening a tenant = load its snapshot (if present and consistent with the log) + replay the log
// records after it; a missing, stale or corrupt snapshot means a full replay, never an error.
//
// Thread-safety: Database and Tenant are thread-safe. Tenant pointers stay valid until the Database
// is destroyed.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "db/master_key.h"
#include "io/clock.h"
#include "io/storage.h"
#include "kernel/value.h"
#include "sql/connection.h"
#include "sql/engine.h"

namespace kmb::db {

struct DatabaseOptions {
  bool create_if_missing = true;
  // A checkpoint (projection snapshot) is written after this many committed records, and on close.
  std::uint64_t checkpoint_interval_records = 100'000;
  std::uint64_t segment_size_max_bytes = 64ULL << 20;
  sql::EngineOptions engine;
  // Regions this node may hold; empty = any. The first entry is the default region for tenants
  // created without one. Creating or opening a tenant of another region fails (failed_precondition).
  std::vector<std::string> allowed_regions;
  // The source of tenant key-encryption keys; null = no encryption for new tenants (and encrypted
  // tenants cannot be opened). master_key.h loads one from a key file or KIMBERLITE_MASTER_KEY.
  std::shared_ptr<MasterKeyProvider> master_key;
  // Database::open(directory, ...) only, when master_key is null: use discover_master_key(directory)
  // (KIMBERLITE_MASTER_KEY, else DATA/master.key if present).
  bool discover_master_key = true;
};

// Per-tenant limits; 0 means unlimited. Changeable at run time (Database::set_quotas).
struct TenantQuotas {
  std::uint64_t storage_bytes_max = 0;     // log bytes on disk
  std::uint64_t records_per_second = 0;    // write throughput (token bucket, burst = 1 s worth)
  std::uint64_t bytes_per_second = 0;      // write throughput in record bytes as stored (token bucket)
};

// How a tenant is created. The region is checked against DatabaseOptions::allowed_regions.
struct TenantConfig {
  std::string name;                        // human-readable, unique per database; "" = "tenant-<id>"
  std::string region;                      // e.g. "eu-west-1"; "" = the node's default region
  TenantQuotas quotas;
};

struct TenantInfo {
  std::uint64_t tenant_id = 0;
  std::string name;
  std::string region;
  TenantQuotas quotas;
  bool sealed = false;             // legal hold: reads only
  bool encrypted = false;          // records and snapshots encrypted at rest
  std::uint32_t key_epoch = 0;     // current data-encryption key epoch (0 = unencrypted)
  std::uint64_t created_ns = 0;    // 0 for tenants created before metadata existed
  std::uint64_t record_count = 0;  // durable log records
  std::uint64_t log_bytes = 0;
  std::string head_hash;           // hex chain hash of the last record
  std::string recovery;            // what opening did: snapshot used, records replayed, truncation
};

// One administrative event of a tenant (legal hold, key rotation), as recorded in its log.
struct TenantEventInfo {
  std::uint64_t position = 0;      // log offset of the event's record
  std::uint64_t timestamp_ns = 0;
  std::string event;               // "sealed", "unsealed", "key rotated"
  std::uint32_t key_epoch = 0;     // for "key rotated": the new epoch
  std::string actor;
  std::string reason;
};

class Tenant;
class TenantImpl;

class Database {
 public:
  // Opens (creating if allowed) the data directory with real files and the real clock.
  static Result<std::unique_ptr<Database>> open(const std::string& directory, const DatabaseOptions& options = {});
  // The same over any Storage and Clock (tests, the simulator). Both must outlive the Database.
  static Result<std::unique_ptr<Database>> open(io::Storage& storage, io::Clock& clock, const std::string& directory,
                                                const DatabaseOptions& options = {});
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // The tenant's handle, opening (and if `create` creating) its log on first use.
  Result<Tenant*> tenant(std::uint64_t tenant_id, bool create = true);
  // The tenant's handle if it is already open, else nullptr; never opens anything and never
  // waits (nullptr too while another thread holds the tenant registry, e.g. opening a tenant).
  // For callers that must not block, such as the server's I/O thread.
  Tenant* tenant_if_open(std::uint64_t tenant_id);
  // Tenants present in the data directory.
  Result<std::vector<std::uint64_t>> tenant_ids();

  // Tenant administration (the CLI's `tenant` command, the server's admin messages).
  //   create_tenant: already_exists if the id or name is taken; failed_precondition for a region
  //   this node may not hold.
  Result<Tenant*> create_tenant(std::uint64_t tenant_id, const TenantConfig& config);
  Result<std::vector<TenantInfo>> list_tenants();
  Result<TenantInfo> tenant_info(std::uint64_t tenant_id);
  Status set_quotas(std::uint64_t tenant_id, const TenantQuotas& quotas);
  // Legal hold: a sealed tenant refuses every write (failed_precondition) until unsealed. Both are
  // recorded as events in the tenant's log (actor, reason, time). failed_precondition if the
  // tenant already is (or is not) sealed.
  Status seal(std::uint64_t tenant_id, const sql::AuditContext& audit);
  Status unseal(std::uint64_t tenant_id, const sql::AuditContext& audit);
  // Adds a new data-encryption key epoch; later records and snapshots use it, older ones keep
  // theirs. Recorded as an event in the log. Returns the new epoch. failed_precondition for an
  // unencrypted tenant.
  Result<std::uint32_t> rotate_key(std::uint64_t tenant_id, const sql::AuditContext& audit);
  // The tenant's administrative events, oldest first, read (and decrypted) from its log.
  Result<std::vector<TenantEventInfo>> tenant_events(std::uint64_t tenant_id);

  const std::string& directory() const { return directory_; }
  // The region given to tenants created without one: the first allowed region, or "".
  std::string default_region() const;

  struct Token {};
  Database(Token, io::Storage& storage, io::Clock& clock, std::string directory, const DatabaseOptions& options,
           std::unique_ptr<io::Storage> owned_storage, std::unique_ptr<io::Clock> owned_clock);

 private:
  std::unique_ptr<io::Storage> owned_storage_;
  std::unique_ptr<io::Clock> owned_clock_;
  // DIR/LOCK, held while open: one process serves a data directory at a time (a second one —
  // `kimberlite tenant create --data DIR` beside a running server — is refused rather than left
  // with a view of the tenants the server never sees). Declared after the storage it lives in.
  std::unique_ptr<io::FileLock> lock_;
  io::Storage& storage_;
  io::Clock& clock_;
  std::string directory_;
  DatabaseOptions options_;
  sql::Engine engine_;
  std::mutex tenants_mutex_;
  std::map<std::uint64_t, std::unique_ptr<TenantImpl>> tenants_;  // Guarded by tenants_mutex_.

  // REQUIRES: tenants_mutex_ held.
  Result<TenantImpl*> open_tenant_locked(std::uint64_t tenant_id);
  Result<TenantImpl*> create_tenant_locked(std::uint64_t tenant_id, const TenantConfig& config);
  Result<TenantImpl*> existing_tenant(std::uint64_t tenant_id);
  Status check_region(std::uint64_t tenant_id, const std::string& region) const;
};

// One tenant: executes SQL against its projections and commits writes to its log.
class Tenant {
 public:
  virtual ~Tenant() = default;
  virtual std::uint64_t id() const = 0;

  // Runs one SQL statement on its own (autocommit). Parameters bind to $1, $2, ...; `audit` names the
  // actor and reason recorded with any write. BEGIN is an error here: transactions need connect().
  virtual Result<sql::QueryResult> execute(std::string_view sql, std::span<const kernel::Value> parameters = {},
                                           const sql::AuditContext& audit = {}) = 0;

  // A connection: runs statements one at a time and holds a transaction between them
  // (BEGIN ... COMMIT; sql/connection.h). It must not outlive the Tenant; use it from one thread.
  virtual std::unique_ptr<sql::Connection> connect() = 0;

  // Writes a projection snapshot now (normally automatic).
  virtual Status checkpoint() = 0;
  virtual Result<TenantInfo> info() = 0;
  // The SQL session (read views, writes) under this tenant, for the server and tools.
  virtual sql::Session& session() = 0;
};

}  // namespace kmb::db
