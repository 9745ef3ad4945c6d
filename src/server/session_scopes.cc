#include "server/session_scopes.h"

#include <optional>
#include <utility>

namespace kmb::server {

namespace {

// A ReadView whose newest position is an earlier one: statements without their own AS OF read
// there, and nothing after it is visible (table() refuses later positions itself, as the
// projection's views do for the future).
class PinnedReadView final : public projection::ReadView {
 public:
  PinnedReadView(std::unique_ptr<projection::ReadView> inner, kernel::Position position)
      : inner_(std::move(inner)), position_(position) {}

  std::optional<kernel::Position> position() const override { return position_; }
  std::optional<kernel::Position> first_position() const override { return inner_->first_position(); }
  const kernel::Catalog& catalog() const override { return inner_->catalog(); }
  Result<std::unique_ptr<projection::TableView>> table(std::string_view name, kernel::Position as_of) const override {
    if (as_of > position_) {
      return invalid_argument("position " + std::to_string(as_of) + " is after the request's AS OF position " +
                              std::to_string(position_));
    }
    return inner_->table(name, as_of);
  }
  Result<kernel::Position> position_at_timestamp(std::uint64_t timestamp_ns) const override {
    KMB_ASSIGN_OR_RETURN(kernel::Position position, inner_->position_at_timestamp(timestamp_ns));
    return std::min(position, position_);
  }
  Result<std::uint64_t> timestamp_at_position(kernel::Position position) const override {
    return inner_->timestamp_at_position(position);
  }
  Status scan_audit(kernel::Position from, kernel::Position to,
                    const std::function<bool(const projection::AuditEntry&)>& visit) const override {
    if (from > position_) return Status::ok_status();
    return inner_->scan_audit(from, std::min(to, position_), visit);
  }
  Result<projection::StreamSlice> read_stream(std::string_view name, kernel::Position as_of, std::uint64_t from_offset,
                                              std::uint64_t count_max, std::uint64_t bytes_max) const override {
    if (as_of > position_) {
      return invalid_argument("position " + std::to_string(as_of) + " is after the request's AS OF position " +
                              std::to_string(position_));
    }
    return inner_->read_stream(name, as_of, from_offset, count_max, bytes_max);
  }

 private:
  std::unique_ptr<projection::ReadView> inner_;
  kernel::Position position_;
};

}  // namespace

Result<sql::CommitResult> ReadOnlySession::write(
    const sql::RecordBuilder&, const sql::AuditContext&) {
  return failed_precondition("permission denied: " + why_);
}


Result<std::unique_ptr<projection::ReadView>> PinnedSession::read_view() {
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<projection::ReadView> inner, inner_.read_view());
  std::optional<kernel::Position> newest = inner->position();
  if (!newest.has_value() || position_ > *newest) {
    return invalid_argument("AS OF position " + std::to_string(position_) + " is in the future; the latest is " +
                            (newest ? std::to_string(*newest) : std::string("none (the tenant is empty)")));
  }
  return std::unique_ptr<projection::ReadView>(std::make_unique<PinnedReadView>(std::move(inner), position_));
}

Result<sql::CommitResult> PinnedSession::write(
    const sql::RecordBuilder&, const sql::AuditContext&) {
  return invalid_argument("a write cannot run AS OF a past position");
}


}  // namespace kmb::server
