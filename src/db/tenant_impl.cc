#include "db/tenant_impl.h"

#include <algorithm>

#include "projection/snapshot.h"

namespace kmb::db {

namespace {

// A ReadView that keeps the tenant's projections stable (a shared lock) for as long as it lives.
class LockedReadView final : public projection::ReadView {
 public:
  LockedReadView(std::shared_lock<std::shared_mutex> lock, std::unique_ptr<projection::ReadView> view)
      : lock_(std::move(lock)), view_(std::move(view)) {}

  std::optional<kernel::Position> position() const override { return view_->position(); }
  std::optional<kernel::Position> first_position() const override { return view_->first_position(); }
  const kernel::Catalog& catalog() const override { return view_->catalog(); }
  Result<std::unique_ptr<projection::TableView>> table(std::string_view name, kernel::Position as_of) const override {
    return view_->table(name, as_of);
  }
  Result<kernel::Position> position_at_timestamp(std::uint64_t timestamp_ns) const override {
    return view_->position_at_timestamp(timestamp_ns);
  }
  Result<std::uint64_t> timestamp_at_position(kernel::Position position) const override {
    return view_->timestamp_at_position(position);
  }
  Status scan_audit(kernel::Position from, kernel::Position to,
                    const std::function<bool(const projection::AuditEntry&)>& visit) const override {
    return view_->scan_audit(from, to, visit);
  }

 private:
  std::shared_lock<std::shared_mutex> lock_;
  std::unique_ptr<projection::ReadView> view_;
};

}  // namespace

TenantImpl::TenantImpl(Token, io::Storage& storage, io::Clock& clock, std::string directory, std::uint64_t tenant_id,
                       const DatabaseOptions& options, const sql::Engine& engine)
    : storage_(storage),
      clock_(clock),
      directory_(std::move(directory)),
      snapshot_path_(io::join_path(directory_, "snapshot")),
      tenant_id_(tenant_id),
      options_(options),
      engine_(engine) {}

TenantImpl::~TenantImpl() {
  // A clean close leaves a checkpoint so the next open replays nothing.
  if (log_ && failure().ok() && records_since_checkpoint_ > 0) {
    std::lock_guard<std::mutex> lock(write_mutex_);
    Status ignored = write_checkpoint_locked();  // A cache: failing to write it loses nothing.
    (void)ignored;
  }
}

Result<std::unique_ptr<TenantImpl>> TenantImpl::open(io::Storage& storage, io::Clock& clock, std::string directory,
                                                     std::uint64_t tenant_id, bool create,
                                                     const DatabaseOptions& options, const sql::Engine& engine) {
  log::PartitionOptions partition_options;
  partition_options.tenant_id = tenant_id;
  partition_options.create_if_missing = create;
  partition_options.segment_size_max_bytes = options.segment_size_max_bytes;
  if (create) KMB_TRY(storage.create_directories(directory));
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<log::Partition> partition,
                       log::Partition::open(storage, io::join_path(directory, "log"), partition_options));
  auto tenant = std::make_unique<TenantImpl>(Token{}, storage, clock, std::move(directory), tenant_id, options, engine);
  KMB_TRY(tenant->recover(std::move(partition)));
  return tenant;
}

Status TenantImpl::recover(std::unique_ptr<log::Partition> partition) {
  const log::RecoveryReport& report = partition->recovery_report();
  if (!report.truncation.empty()) recovery_note_ = "log: " + report.truncation + "; ";
  KMB_ASSIGN_OR_RETURN(bool from_snapshot, load_snapshot(*partition));
  const std::uint64_t from = applied_position_ ? *applied_position_ + 1 : 0;
  const std::uint64_t end = partition->durable_offset();
  KMB_TRY(replay(*partition, from));
  recovery_note_ += (from_snapshot ? "snapshot at position " + std::to_string(from - 1) + " + " : "full replay: ") +
                    std::to_string(end - from) + " records replayed";
  durable_position_ = applied_position_;
  last_timestamp_ns_ = partition->last_timestamp_ns();
  records_since_checkpoint_ = end - from;
  log_ = std::make_unique<log::GroupCommitter>(std::move(partition), clock_);
  return Status();
}

// Loads the snapshot if it is present, decodes, and matches the log's chain at its position.
// Anything else is a cache miss (noted), never an error: the log is the truth.
Result<bool> TenantImpl::load_snapshot(log::Partition& partition) {
  KMB_ASSIGN_OR_RETURN(bool exists, storage_.exists(snapshot_path_));
  if (!exists) return false;
  Result<projection::LoadedSnapshot> loaded = projection::load_snapshot(storage_, snapshot_path_);
  if (!loaded.ok()) {
    recovery_note_ += "snapshot ignored (" + loaded.status().to_string() + "); ";
    return false;
  }
  const kernel::Position position = loaded->applied;
  if (position >= partition.durable_offset()) {
    recovery_note_ += "snapshot ignored (it is ahead of the log); ";
    return false;
  }
  // The chain hash at `position` is the prev_hash of the record after it, or the log's head.
  log::ChainHash hash_at_position = partition.last_hash();
  if (position + 1 < partition.durable_offset()) {
    KMB_ASSIGN_OR_RETURN(log::Record next, partition.read(position + 1));
    hash_at_position = next.header.prev_hash;
  }
  if (hash_at_position != loaded->chain_hash) {
    recovery_note_ += "snapshot ignored (its chain hash does not match the log); ";
    return false;
  }
  store_ = std::move(loaded->store);
  applied_position_ = position;
  return true;
}

Status TenantImpl::replay(log::Partition& partition, std::uint64_t from) {
  KMB_ASSIGN_OR_RETURN(log::Partition::Iterator iterator, partition.iterate(from));
  log::Record record;
  for (;;) {
    KMB_ASSIGN_OR_RETURN(bool found, iterator.next(record));
    if (!found) break;
    KMB_TRY(apply_logged_record(record));
  }
  return Status();
}

Status TenantImpl::apply_logged_record(const log::Record& record) {
  const kernel::Position position = record.header.offset;
  if (record.header.kind != log::RecordKind::command) {
    store_.note_record(position, record.header.timestamp_ns);
    applied_position_ = position;
    return Status();
  }
  Result<kernel::CommandRecord> command = kernel::decode_command_record(record.payload);
  if (!command.ok()) return command.status().with_context("log offset " + std::to_string(position));
  Status applied = store_.apply(*command, position, record.header.timestamp_ns, record.header.client_id, record.reason);
  if (!applied.ok()) {
    // Logged records were validated before they were written; a rejection here means the log and
    // this build disagree, which must stop the tenant rather than silently skip history.
    return internal_error("replaying log offset " + std::to_string(position) + ": the kernel rejected a logged record: " +
                          applied.to_string());
  }
  applied_position_ = position;
  return Status();
}

Status TenantImpl::failure() const {
  std::lock_guard<std::mutex> lock(failure_mutex_);
  return failure_;
}

Result<std::unique_ptr<projection::ReadView>> TenantImpl::read_view() {
  std::shared_lock<std::shared_mutex> lock(store_mutex_);
  std::unique_ptr<projection::ReadView> view = store_.view(durable_position_);
  return std::unique_ptr<projection::ReadView>(std::make_unique<LockedReadView>(std::move(lock), std::move(view)));
}

Result<sql::CommitResult> TenantImpl::write(
    const std::function<Result<kernel::CommandRecord>(const projection::ReadView& latest)>& build,
    const sql::AuditContext& audit) {
  std::unique_lock<std::mutex> write_lock(write_mutex_);
  KMB_TRY(failure());
  Result<kernel::CommandRecord> record = [&]() -> Result<kernel::CommandRecord> {
    std::shared_lock<std::shared_mutex> lock(store_mutex_);
    std::unique_ptr<projection::ReadView> latest = store_.view(applied_position_);
    return build(*latest);
  }();
  if (!record.ok()) return record.status();
  if (record->commands.empty()) {
    std::shared_lock<std::shared_mutex> lock(store_mutex_);
    return sql::CommitResult{durable_position_.value_or(0), last_timestamp_ns_};
  }
  record->actor = audit.actor;
  const kernel::Position position = log_->next_offset();
  const std::uint64_t timestamp = std::max(clock_.realtime_ns(), last_timestamp_ns_);
  Result<projection::Store::Prepared> prepared = [&]() -> Result<projection::Store::Prepared> {
    std::shared_lock<std::shared_mutex> lock(store_mutex_);
    return store_.prepare(*record, position, timestamp);
  }();
  if (!prepared.ok()) return prepared.status();  // Rejected: nothing was written or changed.

  Bytes payload;
  kernel::encode_command_record(*record, payload);
  log::RecordInput input{log::RecordKind::command, audit.client_id, 0, audit.reason, payload};
  Result<log::AppendResult> written = log_->write(std::span(&input, 1), timestamp);
  if (!written.ok()) return written.status();  // The log rolled back (or is poisoned); nothing applied.
  KMB_ASSERT(written->first_offset == position);
  KMB_ASSERT(written->timestamp_ns == timestamp);
  {
    std::unique_lock<std::shared_mutex> lock(store_mutex_);
    store_.commit(*record, std::move(prepared).value(), audit.client_id, audit.reason);
    applied_position_ = position;
  }
  last_timestamp_ns_ = timestamp;
  records_since_checkpoint_++;
  const bool checkpoint_due = records_since_checkpoint_ >= options_.checkpoint_interval_records;
  write_lock.unlock();

  Status durable = log_->wait_durable(position + 1);
  if (!durable.ok()) {
    // The projections now hold a change the log may not have: stop this tenant until it is
    // reopened (recovery rebuilds from what is durable).
    std::lock_guard<std::mutex> lock(failure_mutex_);
    if (failure_.ok()) failure_ = durable.with_context("tenant " + std::to_string(tenant_id_) + " must be reopened");
    return durable;
  }
  {
    std::unique_lock<std::shared_mutex> lock(store_mutex_);
    if (!durable_position_ || *durable_position_ < position) durable_position_ = position;
  }
  if (checkpoint_due) {
    std::lock_guard<std::mutex> lock(write_mutex_);
    if (records_since_checkpoint_ >= options_.checkpoint_interval_records) {
      Status ignored = write_checkpoint_locked();  // A cache; the next open replays more if it failed.
      (void)ignored;
    }
  }
  return sql::CommitResult{position, timestamp};
}

// REQUIRES: write_mutex_ held (no write in flight between log and projections).
Status TenantImpl::write_checkpoint_locked() {
  KMB_TRY(failure());
  const std::uint64_t end = log_->next_offset();
  if (end == 0) return Status();
  KMB_TRY(log_->wait_durable(end));
  std::shared_lock<std::shared_mutex> lock(store_mutex_);
  KMB_ASSERT(applied_position_.has_value());
  KMB_ASSERT(*applied_position_ + 1 == end);
  KMB_TRY(projection::save_snapshot(storage_, snapshot_path_, store_, *applied_position_, log_->last_hash()));
  records_since_checkpoint_ = 0;
  return Status();
}

Status TenantImpl::checkpoint() {
  std::lock_guard<std::mutex> lock(write_mutex_);
  return write_checkpoint_locked();
}

Result<sql::QueryResult> TenantImpl::execute(std::string_view sql, std::span<const kernel::Value> parameters,
                                             const sql::AuditContext& audit) {
  return engine_.execute(*this, sql, parameters, audit);
}

std::unique_ptr<sql::Connection> TenantImpl::connect() {
  return std::make_unique<sql::Connection>(engine_, *this);
}

Result<TenantInfo> TenantImpl::info() {
  TenantInfo info;
  info.tenant_id = tenant_id_;
  info.record_count = log_->durable_offset();
  info.log_bytes = log_->size_bytes();
  info.head_hash = to_hex(log_->last_hash());
  info.recovery = recovery_note_;
  return info;
}

}  // namespace kmb::db
