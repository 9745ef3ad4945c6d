#include "kernel/overlay_state.h"

#include "kernel/kernel.h"
#include "kernel/rows.h"

namespace kmb::kernel {

void OverlayState::set_base(const StateView& base) {
  base_ = &base;
  catalog_.reset();  // the base's catalog may be a different object now
}

void OverlayState::release_base() {
  base_ = nullptr;
  catalog_.reset();
}

const Catalog& OverlayState::catalog() const {
  KMB_ASSERT(base_ != nullptr);
  if (next_row_ids_.empty()) return base_->catalog();
  if (!catalog_.has_value()) {
    catalog_ = base_->catalog();
    for (const auto& [table_id, next_row_id] : next_row_ids_) {
      TableDef* table = catalog_->mutable_table_by_id(table_id);
      KMB_ASSERT(table != nullptr);
      if (table->next_row_id < next_row_id) table->next_row_id = next_row_id;
    }
  }
  return *catalog_;
}

Status OverlayState::apply(const CommandRecord& record, Position position) {
  KMB_ASSERT(base_ != nullptr);
  KMB_ASSIGN_OR_RETURN(Effects effects, kernel::apply(*this, record, position, 0));
  if (effects.catalog.has_value()) {
    return invalid_argument("definitions cannot change inside a transaction");
  }
  for (const auto& [table_id, next_row_id] : effects.next_row_ids) next_row_ids_[table_id] = next_row_id;
  if (!effects.next_row_ids.empty()) catalog_.reset();
  for (RowChange& change : effects.row_changes) fold_row_change(std::move(change));
  return Status();
}

void OverlayState::fold_row_change(RowChange change) {
  const TableDef* table = catalog().table_by_id(change.table_id);
  KMB_ASSERT(table != nullptr);
  TableChanges& changes = tables_[change.table_id];
  auto [it, inserted] = changes.try_emplace(change.key);
  if (inserted) it->second.before = std::move(change.before);
  const std::optional<Row>& current = inserted ? it->second.before : it->second.after;
  for (const IndexDef& index : table->indexes) {
    if (!index_live(index) || !index.unique) continue;
    if (current.has_value() && !index_key_has_null(index, *current)) {
      auto entry = unique_entries_.find(std::make_pair(index.id, encode_index_key(index, *current)));
      if (entry != unique_entries_.end() && entry->second == change.key) unique_entries_.erase(entry);
    }
    if (change.after.has_value()) {
      Row padded = *change.after;
      pad_row(*table, padded);
      if (!index_key_has_null(index, padded)) {
        unique_entries_[std::make_pair(index.id, encode_index_key(index, padded))] = change.key;
      }
    }
  }
  if (change.after.has_value()) pad_row(*table, *change.after);
  it->second.after = std::move(change.after);
}

const OverlayState::TableChanges* OverlayState::table_changes(std::uint32_t table_id) const {
  auto it = tables_.find(table_id);
  return it == tables_.end() ? nullptr : &it->second;
}

const OverlayState::RowState* OverlayState::find_change(std::uint32_t table_id, std::string_view key) const {
  const TableChanges* changes = table_changes(table_id);
  if (changes == nullptr) return nullptr;
  auto it = changes->find(key);
  return it == changes->end() ? nullptr : &it->second;
}

bool OverlayState::contains_row(std::uint32_t table_id, std::string_view key) const {
  KMB_ASSERT(base_ != nullptr);
  if (const RowState* change = find_change(table_id, key)) return change->after.has_value();
  return base_->contains_row(table_id, key);
}

std::optional<Row> OverlayState::find_row(std::uint32_t table_id, std::string_view key) const {
  KMB_ASSERT(base_ != nullptr);
  if (const RowState* change = find_change(table_id, key)) return change->after;
  return base_->find_row(table_id, key);
}

std::optional<std::string> OverlayState::find_by_unique_index(std::uint32_t table_id, std::uint32_t index_id,
                                                              std::string_view index_key) const {
  KMB_ASSERT(base_ != nullptr);
  auto entry = unique_entries_.find(std::make_pair(index_id, index_key));
  if (entry != unique_entries_.end()) return entry->second;
  std::optional<std::string> key = base_->find_by_unique_index(table_id, index_id, index_key);
  // A base row the overlay changed no longer has its base value (its current value, if it still
  // matches, is in unique_entries_).
  if (key.has_value() && find_change(table_id, *key) != nullptr) return std::nullopt;
  return key;
}

void OverlayState::scan_rows(std::uint32_t table_id,
                             const std::function<bool(std::string_view key, const Row& row)>& visit) const {
  KMB_ASSERT(base_ != nullptr);
  const TableChanges* changes = table_changes(table_id);
  if (changes == nullptr) {
    base_->scan_rows(table_id, visit);
    return;
  }
  // Merges the base's rows with the overlay's in key order; the overlay's value wins.
  auto next = changes->begin();
  bool stopped = false;
  const auto emit_changes_before = [&](std::string_view limit, bool all) {
    for (; next != changes->end() && (all || std::string_view(next->first) < limit); ++next) {
      if (!next->second.after.has_value()) continue;
      if (!visit(next->first, *next->second.after)) return false;
    }
    return true;
  };
  base_->scan_rows(table_id, [&](std::string_view key, const Row& row) {
    if (!emit_changes_before(key, false)) {
      stopped = true;
      return false;
    }
    if (next != changes->end() && std::string_view(next->first) == key) {
      const std::optional<Row>& after = next->second.after;
      ++next;
      if (!after.has_value()) return true;  // deleted by the overlay
      stopped = !visit(key, *after);
      return !stopped;
    }
    stopped = !visit(key, row);
    return !stopped;
  });
  if (!stopped) emit_changes_before({}, true);
}

}  // namespace kmb::kernel
