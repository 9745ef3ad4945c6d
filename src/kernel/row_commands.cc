// INSERT, UPDATE and DELETE: rows arrive fully evaluated; the kernel checks types, NOT NULL,
// primary-key and UNIQUE constraints and that updated or deleted rows exist.
#include <set>

#include "kernel/command_handlers.h"
#include "kernel/rows.h"

namespace kmb::kernel {

namespace {

// Constraint violations are invalid_argument, like NOT NULL and range violations (rows.cc): the
// statement's data does not fit the table, whichever constraint says so.
Status duplicate_primary_key(const TableDef& table, const Row& row) {
  return invalid_argument("duplicate key value violates primary key of table " + table.name + ": " +
                          format_key_of_columns(table, table.primary_key, row));
}

Status check_unique_indexes(const PendingState& state, const TableDef& table, const std::string& key, const Row& row) {
  for (const IndexDef& index : table.indexes) {
    if (!index_live(index) || !index.unique || index_key_has_null(index, row)) continue;
    const std::optional<std::string> other = state.find_by_unique_index(table, index, encode_index_key(index, row));
    if (other.has_value() && *other != key) {
      return invalid_argument("duplicate key value violates unique index " + index.name + " of table " + table.name +
                              ": " + format_key_of_columns(table, index.columns, row));
    }
  }
  return Status();
}

// The key of a new or updated row with primary-key columns.
RowKey key_of(const TableDef& table, const Row& row) {
  return primary_key_of(table, row);
}

Status no_row(const TableDef& table, const RowKey& key) {
  return not_found("no row with key " + format_key(key) + " in table " + table.name);
}

struct PlannedUpdate {
  std::string old_key;
  Row old_row;
  std::string new_key;
  Row new_row;
};

}  // namespace

std::string format_key_of_columns(const TableDef& table, const std::vector<std::uint32_t>& columns, const Row& row) {
  std::string names = "(";
  RowKey values;
  for (const std::uint32_t column : columns) {
    if (values.size() > 0) names += ", ";
    names += table.columns[column].name;
    values.push_back(row[column]);
  }
  return names + ")=" + format_key(values);
}

Status insert_rows(PendingState& state, const InsertRows& command) {
  const TableDef* found = state.find_table(command.table);
  if (found == nullptr) return table_not_found(command.table);
  const TableDef& table = *found;  // DML never changes the catalog, so the reference stays valid
  for (const Row& given : command.rows) {
    KMB_ASSIGN_OR_RETURN(Row row, widen_row(table, given));
    const RowKey key_values = table.has_implicit_key() ? row_id_key(state.take_row_id(table)) : key_of(table, row);
    const std::string key = encode_key_string(key_values);
    if (state.contains_row(table, key)) return duplicate_primary_key(table, row);
    KMB_TRY(check_unique_indexes(state, table, key, row));
    state.put_row(table, key, std::nullopt, std::move(row));
  }
  return Status();
}

// All old rows leave before any new row arrives, so an UPDATE that shifts keys (SET id = id + 1)
// or swaps unique values checks constraints against the command's final state.
Status update_rows(PendingState& state, const UpdateRows& command) {
  const TableDef* found = state.find_table(command.table);
  if (found == nullptr) return table_not_found(command.table);
  const TableDef& table = *found;
  if (command.keys.size() != command.rows.size()) {
    return invalid_argument("UPDATE of table " + table.name + " has " + std::to_string(command.keys.size()) +
                            " keys but " + std::to_string(command.rows.size()) + " rows");
  }
  std::vector<PlannedUpdate> updates;
  updates.reserve(command.keys.size());
  std::set<std::string> seen;
  for (std::size_t i = 0; i < command.keys.size(); i++) {
    KMB_ASSIGN_OR_RETURN(const RowKey key_values, check_key(table, command.keys[i]));
    PlannedUpdate update;
    update.old_key = encode_key_string(key_values);
    if (!seen.insert(update.old_key).second) {
      return invalid_argument("row " + format_key(key_values) + " of table " + table.name +
                              " is updated twice by one command");
    }
    std::optional<Row> old_row = state.find_row(table, update.old_key);
    if (!old_row.has_value()) return no_row(table, key_values);
    update.old_row = std::move(*old_row);
    KMB_ASSIGN_OR_RETURN(update.new_row, widen_row(table, command.rows[i]));
    update.new_key = table.has_implicit_key() ? update.old_key : encode_key_string(key_of(table, update.new_row));
    updates.push_back(std::move(update));
  }
  for (PlannedUpdate& update : updates) state.put_row(table, update.old_key, update.old_row, std::nullopt);
  for (PlannedUpdate& update : updates) {
    if (state.contains_row(table, update.new_key)) return duplicate_primary_key(table, update.new_row);
    KMB_TRY(check_unique_indexes(state, table, update.new_key, update.new_row));
    state.put_row(table, update.new_key, std::nullopt, std::move(update.new_row));
  }
  return Status();
}

Status delete_rows(PendingState& state, const DeleteRows& command) {
  const TableDef* found = state.find_table(command.table);
  if (found == nullptr) return table_not_found(command.table);
  const TableDef& table = *found;
  for (const RowKey& given : command.keys) {
    KMB_ASSIGN_OR_RETURN(const RowKey key_values, check_key(table, given));
    const std::string key = encode_key_string(key_values);
    std::optional<Row> old_row = state.find_row(table, key);
    if (!old_row.has_value()) return no_row(table, key_values);
    state.put_row(table, key, old_row, std::nullopt);
  }
  return Status();
}

}  // namespace kmb::kernel
