#include "sql/transaction/snapshot_state.h"

#include "kernel/rows.h"

namespace kmb::sql {

namespace {

projection::KeyBound exact(std::string_view key) {
  return projection::KeyBound{Bytes(key.begin(), key.end()), true};
}

}  // namespace

const projection::TableView* SnapshotState::table(std::uint32_t table_id) const {
  auto cached = tables_.find(table_id);
  if (cached != tables_.end()) return cached->second.get();
  std::unique_ptr<projection::TableView> opened;
  const kernel::TableDef* def = view_.catalog().table_by_id(table_id);
  if (def != nullptr && snapshot_.has_value()) {
    Result<std::unique_ptr<projection::TableView>> result = view_.table(def->name, *snapshot_);
    if (result.ok() && (*result)->def().id == table_id) opened = std::move(result).value();
  }
  return tables_.emplace(table_id, std::move(opened)).first->second.get();
}

bool SnapshotState::contains_row(std::uint32_t table_id, std::string_view key) const {
  return find_row(table_id, key).has_value();
}

std::optional<kernel::Row> SnapshotState::find_row(std::uint32_t table_id, std::string_view key) const {
  const projection::TableView* view = table(table_id);
  if (view == nullptr) return std::nullopt;
  std::optional<kernel::Row> found;
  Status status = view->scan_key_range(exact(key), exact(key), [&](const projection::RowVersion& version) {
    found = version.row;
    return false;
  });
  KMB_ASSERT(status.ok());
  if (found.has_value()) kernel::pad_row(*view_.catalog().table_by_id(table_id), *found);
  return found;
}

std::optional<std::string> SnapshotState::find_by_unique_index(std::uint32_t table_id, std::uint32_t index_id,
                                                               std::string_view index_key) const {
  const projection::TableView* view = table(table_id);
  if (view == nullptr) return std::nullopt;
  std::optional<std::string> found;
  Status status =
      view->scan_index(index_id, exact(index_key), exact(index_key), [&](const projection::RowVersion& version) {
        found = kernel::encode_key_string(version.key);
        return false;
      });
  if (!status.ok()) return std::nullopt;  // the index did not exist at the snapshot
  return found;
}

void SnapshotState::scan_rows(std::uint32_t table_id,
                              const std::function<bool(std::string_view key, const kernel::Row& row)>& visit) const {
  const projection::TableView* view = table(table_id);
  if (view == nullptr) return;
  const kernel::TableDef& def = *view_.catalog().table_by_id(table_id);
  kernel::Row padded;
  Status status = view->scan([&](const projection::RowVersion& version) {
    padded = version.row;
    kernel::pad_row(def, padded);
    return visit(kernel::encode_key_string(version.key), padded);
  });
  KMB_ASSERT(status.ok());
}

}  // namespace kmb::sql
