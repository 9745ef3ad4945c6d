#include "kernel/pending_state.h"

#include "kernel/rows.h"

namespace kmb::kernel {

PendingState::PendingState(const StateView& base, Position position) : base_(base), position_(position) {}

Catalog& PendingState::mutable_catalog() {
  if (!catalog_.has_value()) catalog_ = base_.catalog();
  return *catalog_;
}

const TableDef& PendingState::table(std::uint32_t table_id) const {
  const TableDef* table = catalog().table_by_id(table_id);
  KMB_ASSERT(table != nullptr);
  return *table;
}

std::uint64_t PendingState::take_row_id(const TableDef& table) {
  auto [it, inserted] = next_row_ids_.try_emplace(table.id, table.next_row_id);
  (void)inserted;
  return it->second++;
}

std::uint64_t PendingState::stream_event_count(const StreamDef& stream) const {
  auto it = stream_event_counts_.find(stream.id);
  return it == stream_event_counts_.end() ? stream.event_count : it->second;
}

void PendingState::append_events(const StreamDef& stream, std::vector<Bytes> events) {
  const std::uint64_t first_offset = stream_event_count(stream);
  stream_event_counts_[stream.id] = first_offset + events.size();
  stream_appends_.push_back(StreamAppend{stream.id, first_offset, std::move(events)});
}

bool PendingState::contains_row(const TableDef& table, std::string_view key) const {
  auto it = rows_.find(std::make_pair(table.id, key));
  if (it != rows_.end()) return it->second.after.has_value();
  return base_.contains_row(table.id, key);
}

std::optional<Row> PendingState::find_row(const TableDef& table, std::string_view key) const {
  std::optional<Row> row;
  auto it = rows_.find(std::make_pair(table.id, key));
  if (it != rows_.end()) {
    row = it->second.after;
  } else {
    row = base_.find_row(table.id, key);
  }
  if (row.has_value()) pad_row(table, *row);
  return row;
}

std::optional<std::string> PendingState::find_by_unique_index(const TableDef& table, const IndexDef& index,
                                                              std::string_view index_key) const {
  auto entry = unique_entries_.find(std::make_pair(index.id, index_key));
  if (entry != unique_entries_.end()) return entry->second;
  if (index_is_new(index)) return std::nullopt;  // every row's entry is in unique_entries_
  std::optional<std::string> key = base_.find_by_unique_index(table.id, index.id, index_key);
  // A base row this record changed no longer has its base value (its current value, if it still
  // matches, is in unique_entries_).
  if (key.has_value() && rows_.count(std::make_pair(table.id, std::string_view(*key))) > 0) return std::nullopt;
  return key;
}

void PendingState::scan_rows(const TableDef& table,
                             const std::function<bool(std::string_view, const Row&)>& visit) const {
  bool stopped = false;
  base_.scan_rows(table.id, [&](std::string_view key, const Row& row) {
    if (rows_.count(std::make_pair(table.id, key)) > 0) return true;
    Row padded = row;
    pad_row(table, padded);
    stopped = !visit(key, padded);
    return !stopped;
  });
  if (stopped) return;
  for (auto it = rows_.lower_bound(std::make_pair(table.id, std::string_view()));
       it != rows_.end() && it->first.first == table.id; ++it) {
    if (!it->second.after.has_value()) continue;
    Row padded = *it->second.after;
    pad_row(table, padded);
    if (!visit(it->first.second, padded)) return;
  }
}

void PendingState::put_row(const TableDef& table, const std::string& key, const std::optional<Row>& current,
                           std::optional<Row> after) {
  for (const IndexDef& index : table.indexes) {
    if (!index_live(index) || !index.unique) continue;
    if (current.has_value() && !index_key_has_null(index, *current)) {
      auto entry = unique_entries_.find(std::make_pair(index.id, encode_index_key(index, *current)));
      if (entry != unique_entries_.end() && entry->second == key) unique_entries_.erase(entry);
    }
    if (after.has_value()) {
      Row padded = *after;
      pad_row(table, padded);
      if (!index_key_has_null(index, padded))
        unique_entries_[std::make_pair(index.id, encode_index_key(index, padded))] = key;
    }
  }
  auto [it, inserted] = rows_.try_emplace(std::make_pair(table.id, key));
  if (inserted) it->second.before = current;
  it->second.after = std::move(after);
}

void PendingState::add_unique_entry(const IndexDef& index, std::string index_key, const std::string& key) {
  KMB_ASSERT(index_is_new(index));
  unique_entries_[std::make_pair(index.id, std::move(index_key))] = key;
}

Effects PendingState::finish(std::uint64_t timestamp_ns) && {
  Effects effects;
  effects.position = position_;
  effects.timestamp_ns = timestamp_ns;
  effects.catalog = std::move(catalog_);
  effects.next_row_ids.assign(next_row_ids_.begin(), next_row_ids_.end());
  effects.row_changes.reserve(rows_.size());
  for (auto& [id, row] : rows_) {
    if (!row.before.has_value() && !row.after.has_value()) continue;
    effects.row_changes.push_back(RowChange{id.first, id.second, std::move(row.before), std::move(row.after)});
  }
  effects.stream_appends = std::move(stream_appends_);
  return effects;
}

}  // namespace kmb::kernel
