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
  Result<projection::StreamSlice> read_stream(std::string_view name, kernel::Position as_of, std::uint64_t from_offset,
                                              std::uint64_t count_max, std::uint64_t bytes_max) const override {
    return view_->read_stream(name, as_of, from_offset, count_max, bytes_max);
  }

 private:
  std::shared_lock<std::shared_mutex> lock_;
  std::unique_ptr<projection::ReadView> view_;
};

}  // namespace

TenantImpl::TenantImpl(Token, io::Storage& storage, io::Clock& clock, std::string directory, TenantMetadata metadata,
                       std::unique_ptr<TenantKeyring> keyring, const DatabaseOptions& options,
                       const sql::Engine& engine)
    : storage_(storage),
      clock_(clock),
      directory_(std::move(directory)),
      snapshot_path_(io::join_path(directory_, "snapshot")),
      metadata_path_(io::join_path(directory_, tenant_metadata_file_name)),
      tenant_id_(metadata.tenant_id),
      options_(options),
      engine_(engine),
      keyring_(std::move(keyring)),
      metadata_(std::move(metadata)),
      quota_(tenant_id_, metadata_.quotas, clock.monotonic_ns()) {
  KMB_ASSERT(metadata_.encrypted == (keyring_ != nullptr));
  if (keyring_) cipher_ = std::make_unique<RecordCipher>(*keyring_, tenant_id_);
}

TenantImpl::~TenantImpl() {
  // A clean close leaves a checkpoint so the next open replays nothing.
  if (log_ && failure().ok() && records_since_checkpoint_ > 0) {
    std::lock_guard<std::mutex> checkpoint_lock(checkpoint_mutex_);
    std::unique_lock<std::mutex> write_lock(write_mutex_);
    Status ignored = write_checkpoint(write_lock);  // A cache: failing to write it loses nothing.
    (void)ignored;
  }
  // The committer answers the deferred writes still pending; their callbacks use this object's
  // members, so it goes first, while they exist.
  log_.reset();
}

Result<std::unique_ptr<TenantImpl>> TenantImpl::open(io::Storage& storage, io::Clock& clock, std::string directory,
                                                     TenantMetadata metadata, std::unique_ptr<TenantKeyring> keyring,
                                                     const DatabaseOptions& options, const sql::Engine& engine) {
  log::PartitionOptions partition_options;
  partition_options.tenant_id = metadata.tenant_id;
  // The metadata file makes the tenant exist; its log is created with it (or on first open after
  // an interrupted creation).
  partition_options.create_if_missing = true;
  partition_options.segment_size_max_bytes = options.segment_size_max_bytes;
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<log::Partition> partition,
                       log::Partition::open(storage, io::join_path(directory, "log"), partition_options));
  auto tenant = std::make_unique<TenantImpl>(Token{}, storage, clock, std::move(directory), std::move(metadata),
                                             std::move(keyring), options, engine);
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
  if (sealed_in_log_.has_value() && *sealed_in_log_ != metadata_.sealed) {
    // A seal or unseal reached the log but not the metadata file (a crash between the two): the
    // log is the audit trail, so it wins.
    TenantMetadata repaired = metadata_;
    repaired.sealed = *sealed_in_log_;
    KMB_TRY(save_tenant_metadata(storage_, metadata_path_, repaired));
    metadata_ = std::move(repaired);
    recovery_note_ += "legal hold state restored from the log; ";
  }
  recovery_note_ += (from_snapshot ? "snapshot at position " + std::to_string(from - 1) + " + " : "full replay: ") +
                    std::to_string(end - from) + " records replayed";
  durable_end_.store(applied_position_ ? *applied_position_ + 1 : 0, std::memory_order_release);
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
  projection::SnapshotKeyLookup keys;
  if (keyring_) keys = [this](std::uint32_t epoch) { return keyring_->snapshot_key(epoch); };
  Result<projection::LoadedSnapshot> loaded = projection::load_snapshot(storage_, snapshot_path_, keys);
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

Status TenantImpl::apply_logged_record(log::Record& record) {
  const kernel::Position position = record.header.offset;
  if ((record.header.flags & log::record_flag_encrypted) != 0) {
    if (!cipher_) {
      return corruption("log offset " + std::to_string(position) + " of tenant " + std::to_string(tenant_id_) +
                        " is encrypted, but the tenant has no keys");
    }
    KMB_TRY(cipher_->open(record));
  }
  if (record.header.kind == log::RecordKind::system) {
    Result<std::optional<TenantEvent>> event = decode_tenant_event(record.payload);
    if (!event.ok()) return event.status().with_context("log offset " + std::to_string(position));
    if (event->has_value() && (*event)->kind != TenantEventKind::key_rotated) {
      sealed_in_log_ = (*event)->kind == TenantEventKind::sealed;
    }
  }
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
  std::unique_ptr<projection::ReadView> view = store_.view(durable_position());
  return std::unique_ptr<projection::ReadView>(std::make_unique<LockedReadView>(std::move(lock), std::move(view)));
}

std::optional<kernel::Position> TenantImpl::durable_position() const {
  const std::uint64_t end = durable_end_.load(std::memory_order_acquire);
  if (end == 0) return std::nullopt;
  return end - 1;
}

void TenantImpl::advance_durable_position(kernel::Position position) {
  // Durability is reported per write, possibly out of log order: keep the maximum.
  std::uint64_t end = durable_end_.load(std::memory_order_relaxed);
  while (end < position + 1 &&
         !durable_end_.compare_exchange_weak(end, position + 1, std::memory_order_release, std::memory_order_relaxed)) {
  }
}

Result<TenantImpl::AppliedWrite> TenantImpl::apply_write(
    const sql::RecordBuilder& build,
    const sql::AuditContext& audit) {
  std::lock_guard<std::mutex> write_lock(write_mutex_);
  KMB_TRY(failure());
  KMB_TRY(refuse_if_sealed());
  Result<kernel::CommandRecord> record = [&]() -> Result<kernel::CommandRecord> {
    std::shared_lock<std::shared_mutex> lock(store_mutex_);
    std::unique_ptr<projection::ReadView> latest = store_.view(applied_position_);
    return build(*latest);
  }();
  if (!record.ok()) return record.status();
  if (record->commands.empty()) {
    return AppliedWrite{sql::CommitResult{durable_position().value_or(0), last_timestamp_ns_}, false, false};
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
  // Quotas are checked before anything is encrypted or written: a refused write costs no nonce
  // and leaves no trace.
  KMB_TRY(quota_.admit(1, stored_record_size(audit.reason.size(), payload.size()), log_->size_bytes(),
                       clock_.monotonic_ns()));
  Bytes envelope;
  KMB_ASSIGN_OR_RETURN(log::RecordInput input,
                       record_input(position, log::RecordKind::command, audit, payload, envelope));
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
  return AppliedWrite{sql::CommitResult{position, timestamp}, true, checkpoint_due};
}

Status TenantImpl::finish_durable(kernel::Position position, const Status& durable) {
  if (!durable.ok()) {
    // The projections now hold a change the log may not have: stop this tenant until it is
    // reopened (recovery rebuilds from what is durable).
    fail(durable);
    return durable;
  }
  advance_durable_position(position);
  return Status();
}

void TenantImpl::checkpoint_if_due() {
  // Another writer's checkpoint in progress covers this one's records, or soon will: skip.
  std::unique_lock<std::mutex> checkpoint_lock(checkpoint_mutex_, std::try_to_lock);
  if (!checkpoint_lock.owns_lock()) return;
  std::unique_lock<std::mutex> write_lock(write_mutex_);
  if (records_since_checkpoint_ >= options_.checkpoint_interval_records) {
    Status ignored = write_checkpoint(write_lock);  // A cache; the next open replays more if it failed.
    (void)ignored;
  }
}

Result<sql::CommitResult> TenantImpl::write(
    const sql::RecordBuilder& build,
    const sql::AuditContext& audit) {
  KMB_ASSIGN_OR_RETURN(AppliedWrite applied, apply_write(build, audit));
  if (!applied.logged) return applied.commit;
  KMB_TRY(finish_durable(applied.commit.position, log_->wait_durable(applied.commit.position + 1)));
  if (applied.checkpoint_due) checkpoint_if_due();
  return applied.commit;
}

Result<sql::CommitResult> TenantImpl::write_deferred(
    const sql::RecordBuilder& build,
    const sql::AuditContext& audit, std::function<void(Status)> on_durable) {
  KMB_ASSERT(on_durable != nullptr);
  KMB_ASSIGN_OR_RETURN(AppliedWrite applied, apply_write(build, audit));
  if (!applied.logged) {
    on_durable(Status());
    return applied.commit;
  }
  const kernel::Position position = applied.commit.position;
  // Runs on the log's flusher thread (or inline): it only publishes the position or records the
  // failure before handing over, so the caller's acknowledgement is never ahead of readers.
  log_->on_durable(position + 1, [this, position, on_durable = std::move(on_durable)](Status durable) {
    on_durable(finish_durable(position, durable));
  });
  // The checkpoint waits for a sync and writes a snapshot: on this thread, not the flusher's,
  // which would hold every other acknowledgement behind it.
  if (applied.checkpoint_due) checkpoint_if_due();
  return applied.commit;
}

Status TenantImpl::write_checkpoint(std::unique_lock<std::mutex>& write_lock) {
  KMB_ASSERT(write_lock.owns_lock());
  // Under write_mutex_ no write is in flight between log and projections, and the keyring's epoch
  // stands still: capture the projections (a snapshot must not be ahead of the durable log).
  KMB_TRY(failure());
  const std::uint64_t end = log_->next_offset();
  if (end == 0) return Status();
  KMB_TRY(log_->wait_durable(end));
  projection::SnapshotImage image;
  {
    std::shared_lock<std::shared_mutex> lock(store_mutex_);
    KMB_ASSERT(applied_position_.has_value());
    KMB_ASSERT(*applied_position_ + 1 == end);
    KMB_ASSIGN_OR_RETURN(image, projection::capture_snapshot(store_, *applied_position_, log_->last_hash()));
  }
  std::optional<projection::SnapshotEncryption> encryption;
  if (keyring_) {
    const std::uint32_t epoch = keyring_->current_epoch();
    // The keyring keeps every epoch's keys at stable addresses: the pointer outlives the lock.
    encryption = projection::SnapshotEncryption{epoch, keyring_->snapshot_key(epoch)};
  }
  // Counted from the capture: records written from now on are the next checkpoint's.
  records_since_checkpoint_ = 0;
  write_lock.unlock();
  // Encrypting and writing (tens of MB for a large tenant) stall no writer. checkpoint_mutex_,
  // still held, keeps checkpoints in order.
  return projection::write_snapshot(storage_, snapshot_path_, std::move(image),
                                    encryption ? &*encryption : nullptr);
}

Status TenantImpl::checkpoint() {
  std::lock_guard<std::mutex> checkpoint_lock(checkpoint_mutex_);
  std::unique_lock<std::mutex> write_lock(write_mutex_);
  return write_checkpoint(write_lock);
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
  {
    std::lock_guard<std::mutex> lock(metadata_mutex_);
    info.name = metadata_.name;
    info.region = metadata_.region;
    info.quotas = metadata_.quotas;
    info.sealed = metadata_.sealed;
    info.encrypted = metadata_.encrypted;
    info.created_ns = metadata_.created_ns;
  }
  if (keyring_) {
    std::lock_guard<std::mutex> lock(write_mutex_);  // Rotation changes the epoch under it.
    info.key_epoch = keyring_->current_epoch();
  }
  info.record_count = log_->durable_offset();
  info.log_bytes = log_->size_bytes();
  info.head_hash = to_hex(log_->last_hash());
  info.recovery = recovery_note_;
  return info;
}

void TenantImpl::fail(const Status& cause) {
  std::lock_guard<std::mutex> lock(failure_mutex_);
  if (failure_.ok()) failure_ = cause.with_context("tenant " + std::to_string(tenant_id_) + " must be reopened");
}

Status TenantImpl::refuse_if_sealed() const {
  std::lock_guard<std::mutex> lock(metadata_mutex_);
  if (!metadata_.sealed) return Status();
  return failed_precondition("tenant " + std::to_string(tenant_id_) + " (" + metadata_.name +
                             ") is sealed under a legal hold: it is read-only until it is unsealed");
}

std::uint64_t TenantImpl::stored_record_size(std::size_t reason_size, std::size_t payload_size) const {
  const std::uint64_t body = std::uint64_t{reason_size} + payload_size;
  return log::record_overhead_size + body + (cipher_ ? record_envelope_overhead_size : 0);
}

Result<log::RecordInput> TenantImpl::record_input(std::uint64_t offset, log::RecordKind kind,
                                                  const sql::AuditContext& audit, ByteSpan payload, Bytes& envelope) {
  if (audit.reason.size() > log::record_reason_size_max) {
    return invalid_argument("reason of " + std::to_string(audit.reason.size()) + " bytes exceeds the limit of " +
                            std::to_string(log::record_reason_size_max));
  }
  if (!cipher_) return log::RecordInput{kind, audit.client_id, 0, audit.reason, payload};
  KMB_ASSIGN_OR_RETURN(envelope, cipher_->seal(offset, kind, audit.reason, payload));
  return log::RecordInput{kind, audit.client_id, 0, std::string_view(), envelope, log::record_flag_encrypted};
}

// REQUIRES: write_mutex_ held.
Status TenantImpl::append_event_locked(const TenantEvent& event, const sql::AuditContext& audit) {
  KMB_TRY(failure());
  const Bytes payload = encode_tenant_event(event);
  const kernel::Position position = log_->next_offset();
  const std::uint64_t timestamp = std::max(clock_.realtime_ns(), last_timestamp_ns_);
  Bytes envelope;
  KMB_ASSIGN_OR_RETURN(log::RecordInput input,
                       record_input(position, log::RecordKind::system, audit, payload, envelope));
  KMB_ASSIGN_OR_RETURN(log::AppendResult written, log_->write(std::span(&input, 1), timestamp));
  KMB_ASSERT(written.first_offset == position);
  {
    std::unique_lock<std::shared_mutex> lock(store_mutex_);
    store_.note_record(position, written.timestamp_ns);
    applied_position_ = position;
  }
  last_timestamp_ns_ = written.timestamp_ns;
  records_since_checkpoint_++;
  return finish_durable(position, log_->wait_durable(position + 1));
}

Status TenantImpl::change_seal(bool seal, const sql::AuditContext& audit) {
  std::lock_guard<std::mutex> write_lock(write_mutex_);
  KMB_TRY(failure());
  TenantMetadata changed = metadata();
  if (changed.sealed == seal) {
    return failed_precondition("tenant " + std::to_string(tenant_id_) + " is " + (seal ? "already" : "not") +
                               " sealed");
  }
  KMB_TRY(append_event_locked(TenantEvent{seal ? TenantEventKind::sealed : TenantEventKind::unsealed, 0, audit.actor},
                              audit));
  changed.sealed = seal;
  if (Status saved = save_tenant_metadata(storage_, metadata_path_, changed); !saved.ok()) {
    // The event is in the log but not in the metadata. Stop the tenant (and its checkpoints) so
    // that reopening replays the event and repairs the metadata.
    fail(saved);
    return saved;
  }
  std::lock_guard<std::mutex> lock(metadata_mutex_);
  metadata_ = std::move(changed);
  return Status();
}

Status TenantImpl::seal(const sql::AuditContext& audit) { return change_seal(true, audit); }
Status TenantImpl::unseal(const sql::AuditContext& audit) { return change_seal(false, audit); }

Result<std::uint32_t> TenantImpl::rotate_key(const sql::AuditContext& audit) {
  std::lock_guard<std::mutex> write_lock(write_mutex_);
  KMB_TRY(failure());
  if (!keyring_) {
    return failed_precondition("tenant " + std::to_string(tenant_id_) +
                               " is not encrypted at rest (it was created without a master key); "
                               "there is no key to rotate");
  }
  KMB_ASSIGN_OR_RETURN(std::uint32_t epoch, keyring_->rotate(clock_.realtime_ns()));
  KMB_TRY(append_event_locked(TenantEvent{TenantEventKind::key_rotated, epoch, audit.actor}, audit));
  return epoch;
}

Status TenantImpl::set_quotas(const TenantQuotas& quotas) {
  std::lock_guard<std::mutex> write_lock(write_mutex_);
  TenantMetadata changed = metadata();
  changed.quotas = quotas;
  KMB_TRY(save_tenant_metadata(storage_, metadata_path_, changed));
  quota_.set(quotas, clock_.monotonic_ns());
  std::lock_guard<std::mutex> lock(metadata_mutex_);
  metadata_ = std::move(changed);
  return Status();
}

Result<std::vector<TenantEventInfo>> TenantImpl::events() {
  constexpr std::uint64_t chunk_bytes_max = 4ULL << 20;
  std::vector<TenantEventInfo> events;
  const std::uint64_t end = log_->durable_offset();
  for (std::uint64_t next = 0; next < end;) {
    KMB_ASSIGN_OR_RETURN(std::vector<log::Record> records, log_->read_range(next, end, chunk_bytes_max));
    KMB_ASSERT(!records.empty());
    next = records.back().header.offset + 1;
    for (log::Record& record : records) {
      if (record.header.kind != log::RecordKind::system) continue;
      if ((record.header.flags & log::record_flag_encrypted) != 0) {
        if (!cipher_) {
          return corruption("log offset " + std::to_string(record.header.offset) +
                            " is encrypted, but the tenant has no keys");
        }
        KMB_TRY(cipher_->open(record));
      }
      Result<std::optional<TenantEvent>> event = decode_tenant_event(record.payload);
      if (!event.ok()) return event.status().with_context("log offset " + std::to_string(record.header.offset));
      if (!event->has_value()) continue;
      const TenantEvent& decoded = **event;
      const char* name = decoded.kind == TenantEventKind::sealed     ? "sealed"
                         : decoded.kind == TenantEventKind::unsealed ? "unsealed"
                                                                     : "key rotated";
      events.push_back(TenantEventInfo{record.header.offset, record.header.timestamp_ns, name, decoded.key_epoch,
                                       decoded.actor, record.reason});
    }
  }
  return events;
}

TenantMetadata TenantImpl::metadata() const {
  std::lock_guard<std::mutex> lock(metadata_mutex_);
  return metadata_;
}

}  // namespace kmb::db
