// TenantImpl: one tenant's database — its log (through the group committer), its projections
// (the MVCC Store) and the SQL session over them. This is the single-node commit seam: writes are
// ordered under one lock, validated by the pure kernel, appended to the log, applied to the
// projections, and acknowledged once durable; many writers share each fdatasync.
//
// Encryption: for an encrypted tenant every record's reason and payload pass through the
// RecordCipher on the way to and from the log, and snapshots are encrypted with the keyring's
// snapshot key; nothing above this class sees ciphertext, nothing below it sees plaintext.
// Quotas are checked (QuotaEnforcer) and the legal hold enforced before a write reaches the log.
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
#include "db/keyring.h"
#include "db/quota.h"
#include "db/record_cipher.h"
#include "db/tenant_event.h"
#include "db/tenant_metadata.h"
#include "log/group_commit.h"
#include "log/partition.h"
#include "projection/store.h"

namespace kmb::db {

class TenantImpl final : public Tenant, public sql::Session {
 public:
  struct Token {};
  TenantImpl(Token, io::Storage& storage, io::Clock& clock, std::string directory, TenantMetadata metadata,
             std::unique_ptr<TenantKeyring> keyring, const DatabaseOptions& options, const sql::Engine& engine);
  ~TenantImpl() override;

  // Opens (creating if missing) the tenant's log under `directory` (DATA/tenants/<id>) and
  // rebuilds its projections. `keyring` is non-null exactly for an encrypted tenant.
  static Result<std::unique_ptr<TenantImpl>> open(io::Storage& storage, io::Clock& clock, std::string directory,
                                                  TenantMetadata metadata, std::unique_ptr<TenantKeyring> keyring,
                                                  const DatabaseOptions& options, const sql::Engine& engine);

  // Administration (Database forwards to these).
  Status seal(const sql::AuditContext& audit);
  Status unseal(const sql::AuditContext& audit);
  Result<std::uint32_t> rotate_key(const sql::AuditContext& audit);
  Status set_quotas(const TenantQuotas& quotas);
  TenantMetadata metadata() const;
  // Scans the whole log for lifecycle events (an administrative query: O(log size)).
  Result<std::vector<TenantEventInfo>> events();

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
      const sql::RecordBuilder& build,
      const sql::AuditContext& audit) override;
  // Reports durability to `on_durable` from the log's flusher thread (session.h has the contract).
  // A checkpoint that falls due is written on the calling thread, never on the flusher.
  Result<sql::CommitResult> write_deferred(
      const sql::RecordBuilder& build,
      const sql::AuditContext& audit, std::function<void(Status)> on_durable) override;

 private:
  // A write that has been appended to the log and applied to the projections, not yet durable.
  struct AppliedWrite {
    sql::CommitResult commit;
    bool logged = false;          // False for an empty record: nothing was written.
    bool checkpoint_due = false;  // Enough records since the last checkpoint to write one.
  };
  // The part of write() and write_deferred() under write_mutex_: evaluate, validate, append, apply.
  Result<AppliedWrite> apply_write(
      const sql::RecordBuilder& build,
      const sql::AuditContext& audit);
  // The outcome of waiting for the write at `position`: on success readers may see it; on failure
  // the tenant stops (the projections hold a change the log may not have). Returns `durable`.
  Status finish_durable(kernel::Position position, const Status& durable);
  // Writes a checkpoint if one is still due (another writer may have written it meanwhile).
  void checkpoint_if_due();
  std::optional<kernel::Position> durable_position() const;
  void advance_durable_position(kernel::Position position);

  Status recover(std::unique_ptr<log::Partition> partition);
  Result<bool> load_snapshot(log::Partition& partition);
  Status replay(log::Partition& partition, std::uint64_t from);
  Status apply_logged_record(log::Record& record);
  // Writes a checkpoint: captures the projections under `write_lock` (writers wait only for that),
  // then releases it and encrypts and writes the file. REQUIRES: checkpoint_mutex_ held, and
  // `write_lock` holding write_mutex_; returns with `write_lock` released.
  Status write_checkpoint(std::unique_lock<std::mutex>& write_lock);
  Status failure() const;
  void fail(const Status& cause);
  // Builds the log input for a record at `offset`, encrypting it for an encrypted tenant.
  // `envelope` holds the encrypted bytes the input points at.
  Result<log::RecordInput> record_input(std::uint64_t offset, log::RecordKind kind, const sql::AuditContext& audit,
                                        ByteSpan payload, Bytes& envelope);
  std::uint64_t stored_record_size(std::size_t reason_size, std::size_t payload_size) const;
  // REQUIRES: write_mutex_ held. Appends a lifecycle event durably and notes it in the projections.
  Status append_event_locked(const TenantEvent& event, const sql::AuditContext& audit);
  Status change_seal(bool seal, const sql::AuditContext& audit);
  Status refuse_if_sealed() const;

  io::Storage& storage_;
  io::Clock& clock_;
  std::string directory_;
  std::string snapshot_path_;
  std::string metadata_path_;
  std::uint64_t tenant_id_;
  DatabaseOptions options_;
  const sql::Engine& engine_;

  // Null for an unencrypted tenant. The keyring changes (rotation, sessions) under write_mutex_.
  std::unique_ptr<TenantKeyring> keyring_;
  std::unique_ptr<RecordCipher> cipher_;

  // Changed under write_mutex_ and metadata_mutex_; read under either.
  mutable std::mutex metadata_mutex_;
  TenantMetadata metadata_;
  std::optional<bool> sealed_in_log_;  // The last seal/unseal event seen by replay.

  std::unique_ptr<log::GroupCommitter> log_;

  // Orders checkpoints, from capture to file (an older capture never overwrites a newer file).
  // Taken before write_mutex_, never after it.
  std::mutex checkpoint_mutex_;
  // Orders writers: evaluate, validate, append, apply happen under it, one writer at a time.
  std::mutex write_mutex_;
  std::uint64_t last_timestamp_ns_ = 0;        // Guarded by write_mutex_.
  std::uint64_t records_since_checkpoint_ = 0; // Guarded by write_mutex_.
  QuotaEnforcer quota_;                        // Guarded by write_mutex_.

  // Guards store_ and the positions: shared for readers, exclusive to apply effects.
  mutable std::shared_mutex store_mutex_;
  projection::Store store_;
  std::optional<kernel::Position> applied_position_;  // Newest applied record.
  // Newest durable record + 1 (0: none). Atomic rather than under store_mutex_ so that the log's
  // flusher thread never waits for a reader or a checkpoint; it only ever grows, and a record is
  // applied to store_ before its position can become durable here.
  std::atomic<std::uint64_t> durable_end_{0};

  mutable std::mutex failure_mutex_;
  Status failure_;  // Set when the log failed under a write: the tenant must be reopened.
  std::string recovery_note_;
};

}  // namespace kmb::db
