// TenantImpl: one tenant's database — its log (through the group committer), its projections
// (the MVCC Store) and the SQL session over them. This is the single-node commit seam: writes are
// ordered under one lock, validated by the pure kernel, appended to the log, applied to the
// projections, and acknowledged once durable; many writers share each fdatasync.
//
// Visibility: readers see exactly the durable prefix of the log (ReadView at the durable
// position), so no answer ever depends on a write a crash could take back. Writers evaluate
// against the newest applied state (durable or in flight), which is what keeps them consistent.
//
// Thread-safety: all public methods are thread-safe.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>

#include "db/database.h"
#include "log/group_commit.h"
#include "log/partition.h"
#include "projection/store.h"

namespace kmb::db {

class TenantImpl final : public Tenant, public sql::Session {
 public:
  struct Token {};
  TenantImpl(Token, io::Storage& storage, io::Clock& clock, std::string directory, std::uint64_t tenant_id,
             const DatabaseOptions& options, const sql::Engine& engine);
  ~TenantImpl() override;

  // Opens the tenant's log under `directory` (DATA/tenants/<id>) and rebuilds its projections.
  static Result<std::unique_ptr<TenantImpl>> open(io::Storage& storage, io::Clock& clock, std::string directory,
                                                  std::uint64_t tenant_id, bool create, const DatabaseOptions& options,
                                                  const sql::Engine& engine);

  // Tenant
  std::uint64_t id() const override { return tenant_id_; }
  Result<sql::QueryResult> execute(std::string_view sql, std::span<const kernel::Value> parameters,
                                   const sql::AuditContext& audit) override;
  std::unique_ptr<sql::Connection> connect() override;
  Status checkpoint() override;
  Result<TenantInfo> info() override;
  sql::Session& session() override { return *this; }

  // sql::Session
  Result<std::unique_ptr<projection::ReadView>> read_view() override;
  Result<sql::CommitResult> write(
      const std::function<Result<kernel::CommandRecord>(const projection::ReadView& latest)>& build,
      const sql::AuditContext& audit) override;

 private:
  Status recover(std::unique_ptr<log::Partition> partition);
  Result<bool> load_snapshot(log::Partition& partition);
  Status replay(log::Partition& partition, std::uint64_t from);
  Status apply_logged_record(const log::Record& record);
  Status write_checkpoint_locked();
  Status failure() const;

  io::Storage& storage_;
  io::Clock& clock_;
  std::string directory_;
  std::string snapshot_path_;
  std::uint64_t tenant_id_;
  DatabaseOptions options_;
  const sql::Engine& engine_;

  std::unique_ptr<log::GroupCommitter> log_;

  // Orders writers: evaluate, validate, append, apply happen under it, one writer at a time.
  std::mutex write_mutex_;
  std::uint64_t last_timestamp_ns_ = 0;        // Guarded by write_mutex_.
  std::uint64_t records_since_checkpoint_ = 0; // Guarded by write_mutex_.

  // Guards store_ and the positions: shared for readers, exclusive to apply effects.
  mutable std::shared_mutex store_mutex_;
  projection::Store store_;
  std::optional<kernel::Position> applied_position_;  // Newest applied record.
  std::optional<kernel::Position> durable_position_;  // Newest durable record.

  mutable std::mutex failure_mutex_;
  Status failure_;  // Set when the log failed under a write: the tenant must be reopened.
  std::string recovery_note_;
};

}  // namespace kmb::db
