// CREATE TABLE, DROP TABLE, ALTER TABLE ADD/DROP COLUMN.
#include <set>

#include "kernel/command_handlers.h"
#include "kernel/kernel.h"
#include "kernel/rows.h"

namespace kmb::kernel {

namespace {

constexpr std::uint8_t decimal_precision_max = 38;

std::string lower_ascii(std::string_view text) {
  std::string result(text);
  for (char& c : result) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return result;
}

// Checks a column definition and converts its default to the column's type.
Status check_column_def(const TableDef& table, ColumnDef& column) {
  KMB_TRY(check_identifier("column", column.name));
  if (column.type == Type::null || column.type > Type::json) {
    return invalid_argument("column " + column.name + " of table " + table.name + " has no valid type");
  }
  if (column.decimal_precision == 0 || column.decimal_precision > decimal_precision_max ||
      column.decimal_scale > column.decimal_precision) {
    return invalid_argument("column " + column.name + " of table " + table.name + " has an invalid DECIMAL(" +
                            std::to_string(column.decimal_precision) + ", " + std::to_string(column.decimal_scale) +
                            ")");
  }
  if (column.default_value.has_value() && !column.default_value->is_null()) {
    ColumnDef nullable = column;
    nullable.not_null = false;
    Status status = check_value(table, nullable, *column.default_value);
    if (!status.ok()) return invalid_argument("invalid DEFAULT: " + status.message());
  }
  return Status();
}

Status check_primary_key(const TableDef& table) {
  if (table.primary_key.size() > key_columns_max) {
    return invalid_argument("the primary key of table " + table.name + " has more than " +
                            std::to_string(key_columns_max) + " columns");
  }
  std::set<std::uint32_t> seen;
  for (const std::uint32_t column : table.primary_key) {
    if (column >= table.columns.size()) {
      return invalid_argument("primary key of table " + table.name + " names column position " +
                              std::to_string(column) + ", which does not exist");
    }
    if (!seen.insert(column).second) {
      return invalid_argument("column " + table.columns[column].name + " appears twice in the primary key of table " +
                              table.name);
    }
  }
  return Status();
}

// Validates the columns and primary key of a new table and fills in what the kernel assigns.
Status prepare_table_def(TableDef& table, Position position) {
  if (table.columns.empty()) return invalid_argument("table " + table.name + " must have at least one column");
  if (table.columns.size() > columns_per_table_max) {
    return invalid_argument("table " + table.name + " has more than " + std::to_string(columns_per_table_max) +
                            " columns");
  }
  std::set<std::string> names;
  for (ColumnDef& column : table.columns) {
    KMB_TRY(check_column_def(table, column));
    if (!names.insert(lower_ascii(column.name)).second) {
      return invalid_argument("column " + column.name + " appears twice in table " + table.name);
    }
    column.added_at = position;
    column.dropped_at = position_max;
  }
  KMB_TRY(check_primary_key(table));
  for (const std::uint32_t column : table.primary_key) table.columns[column].not_null = true;
  table.created_at = position;
  table.dropped_at = position_max;
  table.next_row_id = 1;
  return Status();
}

// The implicit indexes of UNIQUE columns (a single-column primary key needs none).
std::vector<IndexDef> unique_column_indexes(const TableDef& table) {
  std::vector<IndexDef> indexes;
  for (std::uint32_t i = 0; i < table.columns.size(); i++) {
    if (!table.columns[i].unique) continue;
    if (table.primary_key.size() == 1 && table.primary_key[0] == i) continue;
    IndexDef index;  // named by add_index: <table>_<column>_key
    index.columns = {i};
    index.unique = true;
    indexes.push_back(std::move(index));
  }
  return indexes;
}

bool table_has_rows(const PendingState& state, const TableDef& table) {
  bool found = false;
  state.scan_rows(table, [&found](std::string_view, const Row&) {
    found = true;
    return false;
  });
  return found;
}

}  // namespace

Status create_table(PendingState& state, const CreateTable& command) {
  KMB_TRY(check_identifier("table", command.table.name));
  if (state.find_table(command.table.name) != nullptr) {
    if (command.if_not_exists) return Status();
    return already_exists("table " + command.table.name + " already exists");
  }
  KMB_TRY(check_no_view_named(state, command.table.name));
  TableDef table = command.table;
  KMB_TRY(prepare_table_def(table, state.position()));
  std::vector<IndexDef> indexes = std::move(table.indexes);
  table.indexes.clear();
  for (IndexDef& index : unique_column_indexes(table)) indexes.push_back(std::move(index));

  Catalog& catalog = state.mutable_catalog();
  table.id = catalog.next_table_id();
  const std::uint32_t table_id = table.id;
  catalog.mutable_tables().push_back(std::move(table));
  for (IndexDef& index : indexes) KMB_TRY(add_index(state, table_id, std::move(index)));
  return Status();
}

Status drop_table(PendingState& state, const DropTable& command) {
  const TableDef* found = state.find_table(command.table);
  if (found == nullptr) {
    if (command.if_exists) return Status();
    return table_not_found(command.table);
  }
  KMB_TRY(check_no_dependent_view(state, "table", found->name));
  TableDef& table = *state.mutable_catalog().mutable_table_by_id(found->id);
  table.dropped_at = state.position();
  for (IndexDef& index : table.indexes) {
    if (index_live(index)) index.dropped_at = state.position();
  }
  return Status();
}

Status add_column(PendingState& state, const AddColumn& command) {
  const TableDef* found = state.find_table(command.table);
  if (found == nullptr) return table_not_found(command.table);
  ColumnDef column = command.column;
  KMB_TRY(check_column_def(*found, column));
  if (found->find_column(column.name).has_value()) {
    return already_exists("column " + column.name + " of table " + found->name + " already exists");
  }
  if (live_column_count(*found) >= columns_per_table_max) {
    return invalid_argument("table " + found->name + " cannot have more than " + std::to_string(columns_per_table_max) +
                            " columns");
  }
  const bool has_default = column.default_value.has_value() && !column.default_value->is_null();
  if (column.not_null && !has_default && table_has_rows(state, *found)) {
    return invalid_argument("column " + column.name + " of table " + found->name + " contains null values");
  }
  column.added_at = state.position();
  column.dropped_at = position_max;
  const std::uint32_t table_id = found->id;
  TableDef& table = *state.mutable_catalog().mutable_table_by_id(table_id);
  table.columns.push_back(std::move(column));
  if (!table.columns.back().unique) return Status();
  IndexDef index;  // named by add_index: <table>_<column>_key
  index.columns = {static_cast<std::uint32_t>(table.columns.size() - 1)};
  index.unique = true;
  return add_index(state, table_id, std::move(index));
}

Status drop_column(PendingState& state, const DropColumn& command) {
  const TableDef* found = state.find_table(command.table);
  if (found == nullptr) return table_not_found(command.table);
  const std::optional<std::uint32_t> column = found->find_column(command.column);
  if (!column.has_value()) {
    return not_found("column " + command.column + " of table " + found->name + " does not exist");
  }
  for (const std::uint32_t key_column : found->primary_key) {
    if (key_column == *column) {
      return invalid_argument("cannot drop column " + found->columns[*column].name + " of table " + found->name +
                              ": it is part of the primary key");
    }
  }
  if (live_column_count(*found) == 1) {
    return invalid_argument("cannot drop column " + found->columns[*column].name + ": it is the last column of table " +
                            found->name);
  }
  TableDef& table = *state.mutable_catalog().mutable_table_by_id(found->id);
  table.columns[*column].dropped_at = state.position();
  for (IndexDef& index : table.indexes) {
    if (!index_live(index)) continue;
    for (const std::uint32_t index_column : index.columns) {
      if (index_column == *column) index.dropped_at = state.position();
    }
  }
  return Status();
}

}  // namespace kmb::kernel
