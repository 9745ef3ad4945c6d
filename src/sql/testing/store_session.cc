#include "sql/testing/store_session.h"

namespace kmb::sql::testing {

Result<std::unique_ptr<projection::ReadView>> StoreSession::read_view() { return store_.view(store_.last_position()); }

Result<CommitResult> StoreSession::write(
    const RecordBuilder& build,
    const AuditContext& audit) {
  Result<kernel::CommandRecord> built = [&]() {
    std::unique_ptr<projection::ReadView> latest = store_.view(store_.last_position());
    return build(*latest);
  }();
  if (!built.ok()) return built.status();
  kernel::CommandRecord record = std::move(built).value();
  if (record.commands.empty()) {
    return CommitResult{store_.last_position().value_or(0), 0};
  }
  record.actor = audit.actor;
  const kernel::Position position = next_position_;
  const std::uint64_t timestamp_ns = next_timestamp_ns_;
  KMB_TRY(store_.apply(record, position, timestamp_ns, audit.client_id, audit.reason));
  next_position_++;
  next_timestamp_ns_ += second_ns;
  return CommitResult{position, timestamp_ns};
}

}  // namespace kmb::sql::testing
