#include "kernel/reference_state.h"

#include "kernel/kernel.h"
#include "kernel/rows.h"

namespace kmb::kernel {

namespace {
const std::map<std::string, Row> no_rows;
}  // namespace

Status ReferenceState::apply(const CommandRecord& record, Position position, std::uint64_t timestamp_ns) {
  KMB_ASSIGN_OR_RETURN(const Effects effects, kernel::apply(*this, record, position, timestamp_ns));
  apply_effects(effects);
  return Status();
}

void ReferenceState::apply_effects(const Effects& effects) {
  if (effects.catalog.has_value()) catalog_ = *effects.catalog;
  for (const auto& [table_id, next_row_id] : effects.next_row_ids) {
    catalog_.mutable_table_by_id(table_id)->next_row_id = next_row_id;
  }
  for (const RowChange& change : effects.row_changes) {
    if (change.after.has_value()) {
      rows_[change.table_id][change.key] = *change.after;
    } else {
      rows_[change.table_id].erase(change.key);
    }
  }
  for (const StreamAppend& append : effects.stream_appends) {
    std::vector<Bytes>& events = events_[append.stream_id];
    KMB_ASSERT(events.size() == append.first_offset);
    events.insert(events.end(), append.events.begin(), append.events.end());
    catalog_.mutable_streams()[append.stream_id - 1].event_count = events.size();
  }
}

const std::map<std::string, Row>& ReferenceState::rows(std::uint32_t table_id) const {
  auto it = rows_.find(table_id);
  return it == rows_.end() ? no_rows : it->second;
}

bool ReferenceState::contains_row(std::uint32_t table_id, std::string_view key) const {
  const auto& rows = this->rows(table_id);
  return rows.find(std::string(key)) != rows.end();
}

std::optional<Row> ReferenceState::find_row(std::uint32_t table_id, std::string_view key) const {
  const auto& rows = this->rows(table_id);
  auto it = rows.find(std::string(key));
  if (it == rows.end()) return std::nullopt;
  Row row = it->second;
  pad_row(*catalog_.table_by_id(table_id), row);
  return row;
}

std::optional<std::string> ReferenceState::find_by_unique_index(std::uint32_t table_id, std::uint32_t index_id,
                                                                std::string_view index_key) const {
  const TableDef* table = catalog_.table_by_id(table_id);
  if (table == nullptr) return std::nullopt;
  const IndexDef* index = find_index_by_id(*table, index_id);
  if (index == nullptr) return std::nullopt;
  for (const auto& [key, stored] : rows(table_id)) {
    Row row = stored;
    pad_row(*table, row);
    if (encode_index_key(*index, row) == index_key) return key;
  }
  return std::nullopt;
}

void ReferenceState::scan_rows(std::uint32_t table_id,
                               const std::function<bool(std::string_view key, const Row& row)>& visit) const {
  const TableDef* table = catalog_.table_by_id(table_id);
  if (table == nullptr) return;
  for (const auto& [key, stored] : rows(table_id)) {
    Row row = stored;
    pad_row(*table, row);
    if (!visit(key, row)) return;
  }
}

bool operator==(const ReferenceState& a, const ReferenceState& b) {
  Bytes catalog_a;
  Bytes catalog_b;
  a.catalog_.encode(catalog_a);
  b.catalog_.encode(catalog_b);
  if (catalog_a != catalog_b || a.events_ != b.events_) return false;
  // Empty per-table maps and missing ones are the same state.
  auto non_empty = [](const std::map<std::uint32_t, std::map<std::string, Row>>& rows) {
    std::map<std::uint32_t, std::map<std::string, Row>> result;
    for (const auto& [id, table_rows] : rows) {
      if (!table_rows.empty()) result[id] = table_rows;
    }
    return result;
  };
  return non_empty(a.rows_) == non_empty(b.rows_);
}

}  // namespace kmb::kernel
