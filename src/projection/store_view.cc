#include "projection/store_view.h"

#include <algorithm>
#include <vector>

#include "base/time_format.h"
#include "kernel/rows.h"
#include "projection/key_bounds.h"
#include "projection/store.h"

namespace kmb::projection {

namespace {

// The row id of an implicit key (kernel::row_id_key), encoded by kernel::encode_key as 0x01
// followed by the big-endian id with its sign bit flipped.
std::int64_t decode_row_id(std::string_view key) {
  KMB_ASSERT(key.size() == 9);
  KMB_ASSERT(static_cast<unsigned char>(key[0]) == 0x01);
  std::uint64_t value = 0;
  for (std::size_t i = 1; i < 9; i++) value = (value << 8) | static_cast<unsigned char>(key[i]);
  return static_cast<std::int64_t>(value ^ (1ULL << 63));
}

class StoreTableView final : public TableView {
 public:
  StoreTableView(const Store& store, const kernel::TableDef& def, const TableData& data, Position as_of,
                 Position visible_through)
      : store_(store), def_(def), data_(data), as_of_(as_of), visible_through_(visible_through) {}

  const kernel::TableDef& def() const override { return def_; }
  Position as_of() const override { return as_of_; }

  Status scan(const VersionVisitor& visit) const override { return scan_key_range(std::nullopt, std::nullopt, visit); }

  Status scan_key_range(const std::optional<KeyBound>& lower, const std::optional<KeyBound>& upper,
                        const VersionVisitor& visit) const override {
    const std::optional<std::string> start = lower_start(lower);
    if (!start.has_value()) return Status();
    RowVersion scratch;
    const TableData::Rows& rows = data_.rows();
    for (auto it = rows.lower_bound(*start); it != rows.end() && within_upper(it->first, upper); ++it) {
      const StoredVersion* version = version_at(it->second, as_of_);
      if (version == nullptr || version->tombstone()) continue;
      materialize(it->first, it->second, *version, scratch);
      if (!visit(scratch)) break;
    }
    return Status();
  }

  Result<std::optional<RowVersion>> get(const kernel::RowKey& key) const override {
    const std::optional<kernel::RowKey> coerced = kernel::coerce_key(def_, key);
    if (!coerced.has_value()) return std::optional<RowVersion>();
    const std::string encoded = kernel::encode_key_string(*coerced);
    const VersionChain* chain = data_.find(encoded);
    if (chain == nullptr) return std::optional<RowVersion>();
    const StoredVersion* version = version_at(*chain, as_of_);
    if (version == nullptr || version->tombstone()) return std::optional<RowVersion>();
    RowVersion result;
    materialize(encoded, *chain, *version, result);
    return std::optional<RowVersion>(std::move(result));
  }

  Status scan_index(std::uint32_t index_id, const std::optional<KeyBound>& lower, const std::optional<KeyBound>& upper,
                    const VersionVisitor& visit) const override {
    const kernel::IndexDef* def = kernel::find_index_by_id(def_, index_id);
    if (def == nullptr || !kernel::index_alive_at(*def, as_of_)) {
      return not_found("index " + std::to_string(index_id) + " of table " + def_.name + " does not exist at position " +
                       std::to_string(as_of_));
    }
    const SecondaryIndex* index = data_.index(index_id);
    KMB_ASSERT(index != nullptr);
    const std::optional<std::string> start = lower_start(lower);
    if (!start.has_value()) return Status();
    RowVersion scratch;
    for (auto it = index->entries().lower_bound(*start); it != index->entries().end(); ++it) {
      const std::string_view entry_key = it->first;
      const std::string_view index_key = entry_key.substr(0, it->second.index_key_size);
      if (!within_upper(index_key, upper)) break;
      if (!it->second.contains(as_of_)) continue;
      const std::string_view primary_key = entry_key.substr(it->second.index_key_size);
      const VersionChain* chain = data_.find(primary_key);
      KMB_ASSERT(chain != nullptr);
      const StoredVersion* version = version_at(*chain, as_of_);
      KMB_ASSERT(version != nullptr);
      KMB_ASSERT(!version->tombstone());
      materialize(primary_key, *chain, *version, scratch);
      if (!visit(scratch)) break;
    }
    return Status();
  }

  Status scan_history(Position from, Position to, const VersionVisitor& visit) const override {
    return scan_history_key_range(from, to, std::nullopt, std::nullopt, visit);
  }

  Status scan_history_key_range(Position from, Position to, const std::optional<KeyBound>& lower,
                                const std::optional<KeyBound>& upper, const VersionVisitor& visit) const override {
    // Nothing after the view's own position is history yet.
    to = std::min(to, as_of_);
    if (from > to) return Status();
    const std::optional<std::string> start = lower_start(lower);
    if (!start.has_value()) return Status();
    RowVersion scratch;
    const TableData::Rows& rows = data_.rows();
    for (auto it = rows.lower_bound(*start); it != rows.end() && within_upper(it->first, upper); ++it) {
      if (!visit_chain_history(it->first, it->second, from, to, scratch, visit)) break;
    }
    return Status();
  }

  Status scan_history_key(Position from, Position to, const kernel::RowKey& key,
                          const VersionVisitor& visit) const override {
    to = std::min(to, as_of_);
    const std::optional<kernel::RowKey> coerced = kernel::coerce_key(def_, key);
    if (from > to || !coerced.has_value()) return Status();
    const std::string encoded = kernel::encode_key_string(*coerced);
    const VersionChain* chain = data_.find(encoded);
    if (chain == nullptr) return Status();
    RowVersion scratch;
    visit_chain_history(encoded, *chain, from, to, scratch, visit);
    return Status();
  }

  bool index_covers_history(std::uint32_t index_id, Position from) const override {
    const kernel::IndexDef* index = kernel::find_index_by_id(def_, index_id);
    if (index == nullptr || data_.index(index_id) == nullptr) return false;
    // Entries exist from the index's creation until its drop. Versions older than the index have
    // entries only if they were still live when it was built, so the range must start after the
    // index unless the table had no rows before it; a tombstone older than the index has no entry
    // of the row it deleted.
    const bool versions_covered = index->created_at <= from || index->created_at < data_.first_version_at();
    return versions_covered && as_of_ < index->dropped_at && index->created_at < data_.first_tombstone_at();
  }

  Status scan_history_index(Position from, Position to, std::uint32_t index_id, const std::optional<KeyBound>& lower,
                            const std::optional<KeyBound>& upper, const VersionVisitor& visit) const override {
    KMB_ASSERT(index_covers_history(index_id, from));
    to = std::min(to, as_of_);
    if (from > to) return Status();
    const SecondaryIndex* index = data_.index(index_id);
    KMB_ASSERT(index != nullptr);
    const std::optional<std::string> start = lower_start(lower);
    if (!start.has_value()) return Status();
    // Every row with an entry opened by `to`: a version visible in [from, to] has its entry, and a
    // tombstone has the entry of the row it deleted (index_covers_history). Entries sort by index
    // key, so the primary keys are collected and visited in key order, each once.
    std::vector<std::string_view> primary_keys;
    for (auto it = index->entries().lower_bound(*start); it != index->entries().end(); ++it) {
      const std::string_view entry_key = it->first;
      if (!within_upper(entry_key.substr(0, it->second.index_key_size), upper)) break;
      KMB_ASSERT(!it->second.intervals.empty());
      if (it->second.intervals.front().from > to) continue;
      primary_keys.push_back(entry_key.substr(it->second.index_key_size));
    }
    std::sort(primary_keys.begin(), primary_keys.end());
    primary_keys.erase(std::unique(primary_keys.begin(), primary_keys.end()), primary_keys.end());
    RowVersion scratch;
    for (const std::string_view primary_key : primary_keys) {
      const VersionChain* chain = data_.find(primary_key);
      KMB_ASSERT(chain != nullptr);
      if (!visit_chain_history(primary_key, *chain, from, to, scratch, visit)) break;
    }
    return Status();
  }

 private:
  // Visits the versions of one key whose lifetime overlaps [from, to]; false once `visit` stops.
  bool visit_chain_history(std::string_view key, const VersionChain& chain, Position from, Position to,
                           RowVersion& scratch, const VersionVisitor& visit) const {
    for (const StoredVersion& version : chain) {
      if (version.created_at > to) break;
      if (superseded_at(chain, version) <= from) continue;
      materialize(key, chain, version, scratch);
      if (!visit(scratch)) return false;
    }
    return true;
  }

  void materialize(std::string_view key, const VersionChain& chain, const StoredVersion& version,
                   RowVersion& out) const {
    decode_stored_row_into(def_, version.row, out.row);
    if (def_.has_implicit_key()) {
      out.key.assign(1, kernel::Value::integer(decode_row_id(key)));
    } else {
      out.key.resize(def_.primary_key.size());
      for (std::size_t i = 0; i < def_.primary_key.size(); i++) out.key[i] = out.row[def_.primary_key[i]];
    }
    const Timeline& timeline = store_.timeline();
    const Timeline::Change& change = timeline.change(version.change);
    out.created_at = version.created_at;
    out.created_ns = change.timestamp_ns;
    out.superseded_at = superseded_at(chain, version);
    out.superseded_ns = 0;
    if (out.superseded_at > visible_through_) {
      out.superseded_at = kernel::position_max;  // not yet visible through this view
    } else {
      out.superseded_ns = timeline.change((&version + 1)->change).timestamp_ns;
    }
    out.actor = timeline.text(change.actor);
    out.reason = timeline.text(change.reason);
    out.operation = kernel::row_operation_name(version.operation);
    out.tombstone = version.tombstone();
  }

  const Store& store_;
  const kernel::TableDef& def_;
  const TableData& data_;
  Position as_of_;
  Position visible_through_;
};

class StoreReadView final : public ReadView {
 public:
  StoreReadView(const Store& store, std::optional<Position> visible_through)
      : store_(store), position_(visible_through) {}

  std::optional<Position> position() const override { return position_; }
  std::optional<Position> first_position() const override {
    if (!position_.has_value()) return std::nullopt;
    return store_.first_position();
  }
  const kernel::Catalog& catalog() const override { return store_.catalog(); }

  Result<std::unique_ptr<TableView>> table(std::string_view name, Position as_of) const override {
    KMB_TRY(check_position(as_of));
    const kernel::TableDef* def = store_.catalog().find_table(name, as_of);
    if (def == nullptr) {
      return not_found("table " + std::string(name) + " does not exist at position " + std::to_string(as_of));
    }
    const TableData* data = store_.table_data(def->id);
    KMB_ASSERT(data != nullptr);
    return std::unique_ptr<TableView>(std::make_unique<StoreTableView>(store_, *def, *data, as_of, *position_));
  }

  Result<Position> position_at_timestamp(std::uint64_t timestamp_ns) const override {
    if (!position_.has_value()) return invalid_argument("the log is empty");
    return store_.timeline().position_at_timestamp(timestamp_ns, *position_);
  }

  Result<std::uint64_t> timestamp_at_position(Position position) const override {
    KMB_TRY(check_position(position));
    const std::optional<std::uint64_t> timestamp = store_.timeline().timestamp_at(position);
    if (!timestamp.has_value()) return not_found("no record at position " + std::to_string(position));
    return *timestamp;
  }

  Status scan_audit(Position from, Position to, const std::function<bool(const AuditEntry&)>& visit) const override {
    if (!position_.has_value()) return Status();
    store_.timeline().scan_audit(from, std::min(to, *position_), visit);
    return Status();
  }

  Result<StreamSlice> read_stream(std::string_view name, Position as_of, std::uint64_t from_offset,
                                  std::uint64_t count_max, std::uint64_t bytes_max) const override {
    KMB_TRY(check_position(as_of));
    const kernel::StreamDef* def = store_.catalog().find_stream(name);
    if (def == nullptr || def->created_at > as_of) {
      return not_found("stream " + std::string(name) + " does not exist at position " + std::to_string(as_of));
    }
    // A stream's events are stored in append order, so in position order: the ones visible at
    // as_of are a prefix (later ones may be applied but not yet durable, or simply newer).
    const std::vector<StoredEvent>& events = store_.streams().events(def->id);
    const auto visible_end = std::upper_bound(events.begin(), events.end(), as_of,
                                              [](Position p, const StoredEvent& event) { return p < event.position; });
    StreamSlice slice;
    slice.stream_length = static_cast<std::uint64_t>(visible_end - events.begin());
    std::uint64_t bytes = 0;
    for (std::uint64_t offset = from_offset; offset < slice.stream_length && slice.events.size() < count_max;
         offset++) {
      const StoredEvent& event = events[offset];
      if (!slice.events.empty() && bytes + event.data.size() > bytes_max) break;
      bytes += event.data.size();
      const std::optional<std::uint64_t> timestamp = store_.timeline().timestamp_at(event.position);
      KMB_ASSERT(timestamp.has_value());
      slice.events.push_back(StreamEvent{offset, event.position, *timestamp, event.data});
    }
    return slice;
  }

 private:
  Status check_position(Position p) const {
    if (!position_.has_value()) {
      return invalid_argument("position " + std::to_string(p) + " is in the future; the log is empty");
    }
    if (p > *position_) {
      return invalid_argument("position " + std::to_string(p) + " is in the future; the latest is " +
                              std::to_string(*position_));
    }
    const std::optional<Position> first = store_.first_position();
    KMB_ASSERT(first.has_value());
    if (p < *first) {
      return invalid_argument("position " + std::to_string(p) + " is before the first position " +
                              std::to_string(*first));
    }
    return Status();
  }

  const Store& store_;
  std::optional<Position> position_;
};

}  // namespace

std::unique_ptr<ReadView> make_read_view(const Store& store, std::optional<Position> visible_through) {
  return std::make_unique<StoreReadView>(store, visible_through);
}

}  // namespace kmb::projection
