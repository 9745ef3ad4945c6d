#include "projection/timeline.h"

#include <algorithm>

#include "base/time_format.h"

namespace kmb::projection {

namespace {

// Smallest encodings, for Decoder::count.
constexpr std::size_t record_size_bytes = 16;
constexpr std::size_t change_size_bytes = 8 * 3 + 4 * 5 + 8;

}  // namespace

Timeline::Timeline() {
  intern("");
}

std::uint32_t Timeline::intern(std::string_view text) {
  auto it = text_ids_.find(text);
  if (it != text_ids_.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(texts_.size());
  texts_.emplace_back(text);
  text_ids_.emplace(texts_.back(), id);
  return id;
}

void Timeline::note_record(Position position, std::uint64_t timestamp_ns) {
  if (!records_.empty()) {
    KMB_ASSERT(position > records_.back().first);
    KMB_ASSERT(timestamp_ns >= records_.back().second);
  }
  records_.emplace_back(position, timestamp_ns);
}

Timeline::ChangeId Timeline::add_change(Position position, std::uint64_t timestamp_ns, std::uint64_t client_id,
                                        std::string_view actor, std::string_view reason, std::string_view operation,
                                        std::string_view table, std::string_view statement, std::uint64_t row_count) {
  note_record(position, timestamp_ns);
  KMB_ASSERT(changes_.size() < UINT32_MAX);
  Change change;
  change.position = position;
  change.timestamp_ns = timestamp_ns;
  change.client_id = client_id;
  change.actor = intern(actor);
  change.reason = intern(reason);
  change.operation = intern(operation);
  change.table = intern(table);
  change.statement = intern(statement);
  change.row_count = row_count;
  changes_.push_back(std::move(change));
  return static_cast<ChangeId>(changes_.size() - 1);
}

std::optional<Position> Timeline::first_position() const {
  if (records_.empty()) return std::nullopt;
  return records_.front().first;
}

std::optional<Position> Timeline::last_position() const {
  if (records_.empty()) return std::nullopt;
  return records_.back().first;
}

Result<Position> Timeline::position_at_timestamp(std::uint64_t timestamp_ns, Position limit) const {
  // Records up to `limit`, then the last of them whose timestamp is <= timestamp_ns (timestamps
  // never decrease, so both are binary searches).
  auto end = std::upper_bound(records_.begin(), records_.end(), limit,
                              [](Position p, const std::pair<Position, std::uint64_t>& r) { return p < r.first; });
  auto after =
      std::upper_bound(records_.begin(), end, timestamp_ns,
                       [](std::uint64_t t, const std::pair<Position, std::uint64_t>& r) { return t < r.second; });
  if (after == records_.begin()) {
    if (records_.empty()) return invalid_argument("the log is empty");
    return invalid_argument("timestamp " + format_timestamp_ns(timestamp_ns) + " precedes the first record (" +
                            format_timestamp_ns(records_.front().second) + ")");
  }
  return std::prev(after)->first;
}

std::optional<std::uint64_t> Timeline::timestamp_at(Position position) const {
  if (records_.empty() || position < records_.front().first) return std::nullopt;
  // Positions are usually dense: try the direct slot first.
  const Position offset = position - records_.front().first;
  if (offset < records_.size() && records_[offset].first == position) return records_[offset].second;
  auto it = std::lower_bound(records_.begin(), records_.end(), position,
                             [](const std::pair<Position, std::uint64_t>& r, Position p) { return r.first < p; });
  if (it == records_.end() || it->first != position) return std::nullopt;
  return it->second;
}

void Timeline::scan_audit(Position from, Position to, const std::function<bool(const AuditEntry&)>& visit) const {
  auto it = std::lower_bound(changes_.begin(), changes_.end(), from,
                             [](const Change& c, Position p) { return c.position < p; });
  AuditEntry entry;
  for (; it != changes_.end() && it->position <= to; ++it) {
    entry.position = it->position;
    entry.timestamp_ns = it->timestamp_ns;
    entry.client_id = it->client_id;
    entry.actor = text(it->actor);
    entry.reason = text(it->reason);
    entry.operation = text(it->operation);
    entry.table = text(it->table);
    entry.statement = text(it->statement);
    entry.row_count = it->row_count;
    if (!visit(entry)) return;
  }
}

void Timeline::encode(kernel::Encoder& out) const {
  out.count(records_.size());
  for (const auto& [position, timestamp] : records_) {
    out.u64(position);
    out.u64(timestamp);
  }
  out.count(texts_.size());
  for (const std::string& text : texts_) out.string(text);
  out.count(changes_.size());
  for (const Change& change : changes_) {
    out.u64(change.position);
    out.u64(change.timestamp_ns);
    out.u64(change.client_id);
    out.u32(change.actor);
    out.u32(change.reason);
    out.u32(change.operation);
    out.u32(change.table);
    out.u32(change.statement);
    out.u64(change.row_count);
  }
}

Result<Timeline> Timeline::decode(kernel::Decoder& in) {
  Timeline timeline;
  KMB_ASSIGN_OR_RETURN(const std::uint32_t record_count, in.count(record_size_bytes));
  timeline.records_.reserve(record_count);
  for (std::uint32_t i = 0; i < record_count; i++) {
    KMB_ASSIGN_OR_RETURN(const Position position, in.u64());
    KMB_ASSIGN_OR_RETURN(const std::uint64_t timestamp, in.u64());
    if (!timeline.records_.empty() &&
        (position <= timeline.records_.back().first || timestamp < timeline.records_.back().second)) {
      return in.error("timestamp index out of order");
    }
    timeline.records_.emplace_back(position, timestamp);
  }
  KMB_ASSIGN_OR_RETURN(const std::uint32_t text_count, in.count(4));
  if (text_count == 0) return in.error("text table without the empty string");
  for (std::uint32_t i = 0; i < text_count; i++) {
    KMB_ASSIGN_OR_RETURN(const std::string text, in.string());
    if (i == 0) {
      if (!text.empty()) return in.error("text table without the empty string");
      continue;  // interned by the constructor
    }
    if (timeline.intern(text) != i) return in.error("text table has duplicates");
  }
  KMB_ASSIGN_OR_RETURN(const std::uint32_t change_count, in.count(change_size_bytes));
  timeline.changes_.reserve(change_count);
  for (std::uint32_t i = 0; i < change_count; i++) {
    Change change;
    KMB_ASSIGN_OR_RETURN(change.position, in.u64());
    KMB_ASSIGN_OR_RETURN(change.timestamp_ns, in.u64());
    KMB_ASSIGN_OR_RETURN(change.client_id, in.u64());
    KMB_ASSIGN_OR_RETURN(change.actor, in.u32());
    KMB_ASSIGN_OR_RETURN(change.reason, in.u32());
    KMB_ASSIGN_OR_RETURN(change.operation, in.u32());
    KMB_ASSIGN_OR_RETURN(change.table, in.u32());
    KMB_ASSIGN_OR_RETURN(change.statement, in.u32());
    KMB_ASSIGN_OR_RETURN(change.row_count, in.u64());
    for (const std::uint32_t text : {change.actor, change.reason, change.operation, change.table, change.statement}) {
      if (text >= text_count) return in.error("text id out of range");
    }
    if (!timeline.changes_.empty() && change.position <= timeline.changes_.back().position) {
      return in.error("audit entries out of order");
    }
    if (timeline.timestamp_at(change.position) != change.timestamp_ns) {
      return in.error("audit entry without its record in the timestamp index");
    }
    timeline.changes_.push_back(std::move(change));
  }
  return timeline;
}

}  // namespace kmb::projection
