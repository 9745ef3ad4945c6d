// CREATE INDEX and DROP INDEX, and the unique-index build shared with CREATE TABLE / ADD COLUMN.
#include <map>
#include <set>

#include "kernel/command_handlers.h"
#include "kernel/kernel.h"
#include "kernel/rows.h"

namespace kmb::kernel {

namespace {

struct FoundIndex {
  const TableDef* table = nullptr;
  const IndexDef* index = nullptr;
};

// A live index of a live table, by case-insensitive name (index names are unique per tenant).
FoundIndex find_live_index(const Catalog& catalog, std::string_view name) {
  for (const TableDef& table : catalog.tables()) {
    if (!table_live(table)) continue;
    for (const IndexDef& index : table.indexes) {
      if (index_live(index) && identifier_equal(index.name, name)) return FoundIndex{&table, &index};
    }
  }
  return FoundIndex{};
}

// `base`, or `base` followed by the smallest number that makes it unused.
std::string unused_index_name(const Catalog& catalog, const std::string& base) {
  if (find_live_index(catalog, base).index == nullptr) return base;
  for (std::uint64_t suffix = 1;; suffix++) {
    std::string name = base + std::to_string(suffix);
    if (find_live_index(catalog, name).index == nullptr) return name;
  }
}

std::string generated_index_name(const TableDef& table, const IndexDef& index) {
  std::string name = table.name;
  for (const std::uint32_t column : index.columns) name += "_" + table.columns[column].name;
  return name + (index.unique ? "_key" : "_idx");
}

Status check_index_columns(const TableDef& table, const IndexDef& index) {
  if (index.columns.empty()) return invalid_argument("index " + index.name + " must have at least one column");
  if (index.columns.size() > key_columns_max) {
    return invalid_argument("index " + index.name + " has more than " + std::to_string(key_columns_max) + " columns");
  }
  std::set<std::uint32_t> seen;
  for (const std::uint32_t column : index.columns) {
    if (column >= table.columns.size() || !column_live(table.columns[column])) {
      return invalid_argument("index " + index.name + " names a column that table " + table.name + " does not have");
    }
    if (!seen.insert(column).second) {
      return invalid_argument("column " + table.columns[column].name + " appears twice in index " + index.name);
    }
  }
  return Status();
}

// Checks that no two live rows share a (NULL-free) key of the new unique index, and records every
// row's entry so that later commands of the record see them.
Status build_unique_index(PendingState& state, const TableDef& table, const IndexDef& index) {
  std::map<std::string, std::string> entries;  // index key -> primary key
  Status status;
  state.scan_rows(table, [&](std::string_view key, const Row& row) {
    if (index_key_has_null(index, row)) return true;
    auto [it, inserted] = entries.try_emplace(encode_index_key(index, row), key);
    if (inserted) return true;
    status = invalid_argument("could not create unique index " + index.name + " on table " + table.name + ": key " +
                              format_key_of_columns(table, index.columns, row) + " is duplicated");
    return false;
  });
  KMB_TRY(status);
  for (auto& [index_key, key] : entries) state.add_unique_entry(index, index_key, key);
  return Status();
}

// Whether dropping `index` would leave a UNIQUE column without an index enforcing it.
const ColumnDef* column_enforced_only_by(const TableDef& table, const IndexDef& index) {
  if (!index.unique || index.columns.size() != 1) return nullptr;
  const std::uint32_t column = index.columns[0];
  if (!table.columns[column].unique || !column_live(table.columns[column])) return nullptr;
  if (table.primary_key.size() == 1 && table.primary_key[0] == column) return nullptr;
  for (const IndexDef& other : table.indexes) {
    if (other.id != index.id && index_live(other) && other.unique && other.columns == index.columns) return nullptr;
  }
  return &table.columns[column];
}

}  // namespace

Status add_index(PendingState& state, std::uint32_t table_id, IndexDef index) {
  const TableDef& current = state.table(table_id);
  KMB_TRY(check_index_columns(current, index));
  if (index.name.empty()) index.name = unused_index_name(state.catalog(), generated_index_name(current, index));
  KMB_TRY(check_identifier("index", index.name));
  if (find_live_index(state.catalog(), index.name).index != nullptr) {
    return already_exists("index " + index.name + " already exists");
  }
  std::size_t live_indexes = 0;
  for (const IndexDef& existing : current.indexes) live_indexes += index_live(existing) ? 1 : 0;
  if (live_indexes >= indexes_per_table_max) {
    return invalid_argument("table " + current.name + " cannot have more than " +
                            std::to_string(indexes_per_table_max) + " indexes");
  }
  Catalog& catalog = state.mutable_catalog();
  index.id = catalog.next_index_id();
  catalog.take_index_id();
  index.created_at = state.position();
  index.dropped_at = position_max;
  TableDef& table = *catalog.mutable_table_by_id(table_id);
  table.indexes.push_back(std::move(index));
  if (!table.indexes.back().unique) return Status();
  return build_unique_index(state, state.table(table_id), state.table(table_id).indexes.back());
}

Status create_index(PendingState& state, const CreateIndex& command) {
  const TableDef* table = state.find_table(command.table);
  if (table == nullptr) return table_not_found(command.table);
  KMB_TRY(check_identifier("index", command.name));
  if (find_live_index(state.catalog(), command.name).index != nullptr) {
    if (command.if_not_exists) return Status();
    return already_exists("index " + command.name + " already exists");
  }
  IndexDef index;
  index.name = command.name;
  index.unique = command.unique;
  for (const std::string& name : command.columns) {
    const std::optional<std::uint32_t> column = table->find_column(name);
    if (!column.has_value()) return not_found("column " + name + " of table " + table->name + " does not exist");
    index.columns.push_back(*column);
  }
  return add_index(state, table->id, std::move(index));
}

Status drop_index(PendingState& state, const DropIndex& command) {
  const FoundIndex found = find_live_index(state.catalog(), command.name);
  if (found.index == nullptr) {
    if (command.if_exists) return Status();
    return not_found("index " + command.name + " does not exist");
  }
  if (const ColumnDef* column = column_enforced_only_by(*found.table, *found.index)) {
    return invalid_argument("cannot drop index " + found.index->name + ": it enforces UNIQUE on column " +
                            column->name + " of table " + found.table->name);
  }
  const std::uint32_t table_id = found.table->id;
  const std::uint32_t index_id = found.index->id;
  TableDef& table = *state.mutable_catalog().mutable_table_by_id(table_id);
  for (IndexDef& index : table.indexes) {
    if (index.id == index_id) index.dropped_at = state.position();
  }
  return Status();
}

}  // namespace kmb::kernel
