// Rows and keys of one table, as the kernel and the projections both see them.
//
// Layouts. The SQL layer hands the kernel rows of *live* columns (in TableDef::columns order). The
// kernel widens them to the stored layout: one value per TableDef::columns entry at the time of the
// write, NULL for dropped columns. A stored row written before a column was added is shorter than
// the table; reading it pads the missing columns with the column's DEFAULT (or NULL), which is what
// ALTER TABLE ADD COLUMN ... DEFAULT means for existing rows.
//
// Keys. A primary key is encoded with kernel::encode_key (order-preserving), kept in a std::string
// so that short keys need no heap allocation and maps can compare with memcmp. Tables without a
// primary key are keyed by their implicit row id, Row{Value::integer(id)}. An index key is the
// concatenation of encode_key of the index's columns; the projections append the primary key to it.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "kernel/command.h"
#include "kernel/schema.h"
#include "kernel/value.h"

namespace kmb::kernel {

inline bool column_live(const ColumnDef& column) {
  return column.dropped_at == position_max;
}
inline bool index_live(const IndexDef& index) {
  return index.dropped_at == position_max;
}
inline bool table_live(const TableDef& table) {
  return table.dropped_at == position_max;
}
inline bool index_alive_at(const IndexDef& index, Position p) {
  return index.created_at <= p && p < index.dropped_at;
}
inline bool table_alive_at(const TableDef& table, Position p) {
  return table.created_at <= p && p < table.dropped_at;
}

std::size_t live_column_count(const TableDef& table);
const IndexDef* find_index_by_id(const TableDef& table, std::uint32_t index_id);

// Checks `value` against `column` (type family, integer range, NOT NULL) and converts it to the
// column's exact type (a BIGINT 7 into an INTEGER column becomes INTEGER 7; REAL and DOUBLE are one
// family). invalid_argument naming the table and column.
Status check_value(const TableDef& table, const ColumnDef& column, Value& value);

// Widens a row of live-column values to the stored layout, checking every value.
// invalid_argument when the number of values differs from the number of live columns.
Result<Row> widen_row(const TableDef& table, Row live_values);

// Extends a stored row to one value per TableDef::columns entry (DEFAULT or NULL for columns added
// after it was written). Rows that are already wide enough are left alone.
void pad_row(const TableDef& table, Row& row);

// The primary-key values of a (stored or padded) row. REQUIRES: !table.has_implicit_key().
RowKey primary_key_of(const TableDef& table, const Row& row);
RowKey row_id_key(std::uint64_t row_id);

// Checks a key named by a command (arity, types, no NULL) and converts it to the key columns' exact
// types. invalid_argument.
Result<RowKey> check_key(const TableDef& table, RowKey key);
// For lookups: converts numerically equal values (7.0 or DECIMAL 7 for an INTEGER key, 7 for a
// DOUBLE key) and returns nullopt when no row can have this key (wrong arity, type or a NULL).
std::optional<RowKey> coerce_key(const TableDef& table, const RowKey& key);

std::string encode_key_string(const RowKey& key);
void append_key(const Value& value, std::string& out);
// The index key of a padded row. REQUIRES: the index's columns are within the row.
std::string encode_index_key(const IndexDef& index, const Row& row);
bool index_key_has_null(const IndexDef& index, const Row& row);

// "(7, abc)" — for error messages.
std::string format_key(const RowKey& key);
std::string format_index_values(const IndexDef& index, const Row& row);

}  // namespace kmb::kernel
