#include "sql/transaction/transaction_view.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include "kernel/rows.h"

namespace kmb::sql {

namespace {

using kernel::OverlayState;
using kernel::Position;
using projection::KeyBound;
using projection::RowVersion;
using projection::TableView;
using projection::VersionVisitor;

std::string_view bytes_view(const Bytes& bytes) {
  return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

// KeyBound semantics (read_view.h): a bound compares with the key's first bound.size() bytes.
bool within_lower(std::string_view key, const std::optional<KeyBound>& lower) {
  if (!lower) return true;
  const std::string_view bound = bytes_view(lower->key);
  const int order = key.substr(0, bound.size()).compare(bound);
  return lower->inclusive ? order >= 0 : order > 0;
}

bool within_upper(std::string_view key, const std::optional<KeyBound>& upper) {
  if (!upper) return true;
  const std::string_view bound = bytes_view(upper->key);
  const int order = key.substr(0, bound.size()).compare(bound);
  return upper->inclusive ? order <= 0 : order < 0;
}

// The row id of an implicit key: kernel::encode_key of a BIGINT is 0x01 then the big-endian value
// with its sign bit flipped.
std::int64_t decode_row_id(std::string_view key) {
  KMB_ASSERT(key.size() == 9);
  std::uint64_t value = 0;
  for (std::size_t i = 1; i < 9; i++) value = (value << 8) | static_cast<unsigned char>(key[i]);
  return static_cast<std::int64_t>(value ^ (1ULL << 63));
}

// The committed table at the snapshot with the transaction's changes layered over it.
class OverlayTableView final : public TableView {
 public:
  OverlayTableView(std::unique_ptr<TableView> base, const OverlayState::TableChanges* changes, ReadSet& reads)
      : base_(std::move(base)), changes_(changes), reads_(reads) {}

  const kernel::TableDef& def() const override { return base_->def(); }
  Position as_of() const override { return base_->as_of(); }

  Status scan(const VersionVisitor& visit) const override { return scan_key_range(std::nullopt, std::nullopt, visit); }

  Status scan_key_range(const std::optional<KeyBound>& lower, const std::optional<KeyBound>& upper,
                        const VersionVisitor& visit) const override {
    reads_.note_table(def().id);
    if (changes_ == nullptr) return base_->scan_key_range(lower, upper, visit);
    auto next = changes_->begin();
    while (next != changes_->end() && !within_lower(next->first, lower)) ++next;
    bool stopped = false;
    RowVersion scratch;
    // Emits the changes ordered before `limit` (all remaining ones within bounds when limit is null).
    const auto emit_until = [&](const std::string* limit) {
      for (; next != changes_->end() && within_upper(next->first, upper); ++next) {
        if (limit != nullptr && next->first >= *limit) break;
        if (!next->second.after.has_value()) continue;
        materialize(next->first, next->second, scratch);
        if (!visit(scratch)) return false;
      }
      return true;
    };
    KMB_TRY(base_->scan_key_range(lower, upper, [&](const RowVersion& version) {
      const std::string key = kernel::encode_key_string(version.key);
      if (!emit_until(&key)) {
        stopped = true;
        return false;
      }
      if (next != changes_->end() && next->first == key) {  // the transaction's value replaces it
        const OverlayState::TableChanges::const_iterator changed = next++;
        if (!changed->second.after.has_value()) return true;
        materialize(changed->first, changed->second, scratch);
        stopped = !visit(scratch);
        return !stopped;
      }
      stopped = !visit(version);
      return !stopped;
    }));
    if (!stopped) emit_until(nullptr);
    return Status();
  }

  Result<std::optional<RowVersion>> get(const kernel::RowKey& key) const override {
    const std::optional<kernel::RowKey> coerced = kernel::coerce_key(def(), key);
    if (!coerced.has_value()) return std::optional<RowVersion>();
    std::string encoded = kernel::encode_key_string(*coerced);
    reads_.note_key(def().id, encoded);
    if (changes_ != nullptr) {
      auto it = changes_->find(encoded);
      if (it != changes_->end()) {
        if (!it->second.after.has_value()) return std::optional<RowVersion>();
        RowVersion version;
        materialize(it->first, it->second, version);
        return std::optional<RowVersion>(std::move(version));
      }
    }
    return base_->get(key);
  }

  Status scan_index(std::uint32_t index_id, const std::optional<KeyBound>& lower, const std::optional<KeyBound>& upper,
                    const VersionVisitor& visit) const override {
    reads_.note_table(def().id);
    if (changes_ == nullptr) return base_->scan_index(index_id, lower, upper, visit);
    // Collects the committed rows the transaction did not change and its own rows, then visits all
    // of them in (index key, primary key) order, as the committed index would.
    std::vector<std::pair<std::string, RowVersion>> rows;
    KMB_TRY(base_->scan_index(index_id, lower, upper, [&](const RowVersion& version) {
      std::string key = kernel::encode_key_string(version.key);
      if (changes_->count(key) > 0) return true;
      rows.emplace_back(index_entry(index_id, version.row, key), version);
      return true;
    }));
    const kernel::IndexDef* index = kernel::find_index_by_id(def(), index_id);
    KMB_ASSERT(index != nullptr);  // base_->scan_index succeeded
    for (const auto& [key, state] : *changes_) {
      if (!state.after.has_value()) continue;
      const std::string index_key = kernel::encode_index_key(*index, *state.after);
      if (!within_lower(index_key, lower) || !within_upper(index_key, upper)) continue;
      RowVersion version;
      materialize(key, state, version);
      rows.emplace_back(index_key + key, std::move(version));
    }
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [entry, version] : rows) {
      if (!visit(version)) break;
    }
    return Status();
  }

  Status scan_history(Position from, Position to, const VersionVisitor& visit) const override {
    return base_->scan_history(from, to, visit);
  }
  // History is the committed log's: the transaction's own writes have no position yet.
  Status scan_history_key_range(Position from, Position to, const std::optional<KeyBound>& lower,
                                const std::optional<KeyBound>& upper, const VersionVisitor& visit) const override {
    return base_->scan_history_key_range(from, to, lower, upper, visit);
  }
  Status scan_history_key(Position from, Position to, const kernel::RowKey& key,
                          const VersionVisitor& visit) const override {
    return base_->scan_history_key(from, to, key, visit);
  }
  bool index_covers_history(std::uint32_t index_id, Position from) const override {
    return base_->index_covers_history(index_id, from);
  }
  Status scan_history_index(Position from, Position to, std::uint32_t index_id, const std::optional<KeyBound>& lower,
                            const std::optional<KeyBound>& upper, const VersionVisitor& visit) const override {
    return base_->scan_history_index(from, to, index_id, lower, upper, visit);
  }

 private:
  std::string index_entry(std::uint32_t index_id, const kernel::Row& row, const std::string& key) const {
    const kernel::IndexDef* index = kernel::find_index_by_id(def(), index_id);
    KMB_ASSERT(index != nullptr);
    return kernel::encode_index_key(*index, row) + key;
  }

  void materialize(const std::string& key, const OverlayState::RowState& state, RowVersion& out) const {
    const kernel::TableDef& table = def();
    out.row = *state.after;
    // Columns added after the snapshot (by another writer) are not part of the snapshot's table.
    if (out.row.size() > table.columns.size()) out.row.resize(table.columns.size());
    kernel::pad_row(table, out.row);
    if (table.has_implicit_key()) {
      out.key.assign(1, kernel::Value::integer(decode_row_id(key)));
    } else {
      out.key = kernel::primary_key_of(table, out.row);
    }
    out.created_at = as_of() + 1;
    out.created_ns = 0;
    out.superseded_at = kernel::position_max;
    out.superseded_ns = 0;
    out.actor.clear();
    out.reason.clear();
    out.operation = state.before.has_value() ? "UPDATE" : "INSERT";
    out.tombstone = false;
  }

  std::unique_ptr<TableView> base_;
  const OverlayState::TableChanges* changes_;
  ReadSet& reads_;
};

}  // namespace

std::optional<Position> TransactionReadView::position() const {
  if (!snapshot_.has_value()) return std::nullopt;
  return *snapshot_ + 1;
}

std::optional<Position> TransactionReadView::first_position() const {
  if (!snapshot_.has_value()) return std::nullopt;
  return base_.first_position();
}

Status TransactionReadView::check_position(Position p) const {
  if (!snapshot_.has_value()) {
    return invalid_argument("position " + std::to_string(p) +
                            " is in the future; the log was empty when the transaction began");
  }
  if (p > *snapshot_ + 1) {
    return invalid_argument("position " + std::to_string(p) + " is in the future for this transaction: its snapshot is " +
                            std::to_string(*snapshot_) + ", its own writes are " + std::to_string(*snapshot_ + 1));
  }
  return Status();
}

Result<std::unique_ptr<TableView>> TransactionReadView::table(std::string_view name, Position as_of) const {
  KMB_TRY(check_position(as_of));
  if (as_of <= *snapshot_) return base_.table(name, as_of);  // committed: nothing to overlay or to conflict with
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<TableView> table, base_.table(name, *snapshot_));
  const OverlayState::TableChanges* changes = overlay_.table_changes(table->def().id);
  return std::unique_ptr<TableView>(std::make_unique<OverlayTableView>(std::move(table), changes, reads_));
}

Result<Position> TransactionReadView::position_at_timestamp(std::uint64_t timestamp_ns) const {
  if (!snapshot_.has_value()) return invalid_argument("the log is empty");
  KMB_ASSIGN_OR_RETURN(Position position, base_.position_at_timestamp(timestamp_ns));
  return std::min(position, *snapshot_);  // timestamps never decrease along the log
}

Result<std::uint64_t> TransactionReadView::timestamp_at_position(Position position) const {
  KMB_TRY(check_position(position));
  // The transaction's own position has no commit time yet: NOW() is the snapshot's time.
  return base_.timestamp_at_position(std::min(position, *snapshot_));
}

Status TransactionReadView::scan_audit(Position from, Position to,
                                       const std::function<bool(const projection::AuditEntry&)>& visit) const {
  if (!snapshot_.has_value()) return Status();
  return base_.scan_audit(from, std::min(to, *snapshot_), visit);
}

Result<projection::StreamSlice> TransactionReadView::read_stream(std::string_view name, Position as_of,
                                                                 std::uint64_t from_offset, std::uint64_t count_max,
                                                                 std::uint64_t bytes_max) const {
  if (!snapshot_.has_value()) return not_found("stream " + std::string(name) + " does not exist");
  return base_.read_stream(name, std::min(as_of, *snapshot_), from_offset, count_max, bytes_max);
}

}  // namespace kmb::sql
