// The catalog: tables, columns, indexes and streams — itself versioned by log position, so that a
// query AS OF position p sees the schema as it was at p (a column added later is absent; a table
// dropped later is present).
//
// Positions are log offsets of the command records that made the change. `dropped_at` is
// position_max while the object is alive. Columns are never removed from TableDef::columns; a row
// stores one value per entry of `columns` (dropped or not; a column added after the row version
// was written reads as its DEFAULT, or NULL without one), so old row versions stay readable exactly.
//
// Thread-safety: value types.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "kernel/value.h"

namespace kmb::kernel {

using Position = std::uint64_t;
inline constexpr Position position_max = std::numeric_limits<Position>::max();

struct ColumnDef {
  std::string name;
  Type type = Type::text;
  bool not_null = false;
  bool unique = false;                   // single-column UNIQUE constraint
  std::optional<Value> default_value;    // a constant, already of `type`
  std::uint8_t decimal_precision = 38;   // for DECIMAL(p, s)
  std::uint8_t decimal_scale = 0;
  Position added_at = 0;
  Position dropped_at = position_max;

  bool alive_at(Position p) const { return added_at <= p && p < dropped_at; }
};

struct IndexDef {
  std::uint32_t id = 0;
  std::string name;
  std::vector<std::uint32_t> columns;  // positions in TableDef::columns
  bool unique = false;
  Position created_at = 0;
  Position dropped_at = position_max;
};

struct TableDef {
  std::uint32_t id = 0;
  std::string name;  // as written at CREATE TABLE; lookups are case-insensitive
  std::vector<ColumnDef> columns;
  // Positions in `columns` of the primary key. Empty: the table has an implicit BIGINT row id,
  // assigned by the kernel from next_row_id, which then is the row's key.
  std::vector<std::uint32_t> primary_key;
  std::vector<IndexDef> indexes;
  std::uint64_t next_row_id = 1;
  Position created_at = 0;
  Position dropped_at = position_max;

  bool has_implicit_key() const { return primary_key.empty(); }
  // Index of a live column by case-insensitive name at position `p`.
  std::optional<std::uint32_t> find_column(std::string_view name, Position p = position_max - 1) const;
};

struct StreamDef {
  std::uint32_t id = 0;
  std::string name;
  std::uint64_t event_count = 0;  // the next event's stream offset
  Position created_at = 0;
};

// A view: a named query, stored as SQL text and planned by the SQL layer at each use. The kernel
// only keeps names apart (a view and a table never share a name) and dependencies intact: a table
// or view named in `depends_on` (as the SQL layer found them when the view was created) cannot be
// dropped while the view lives, so views never dangle and never form a cycle.
struct ViewDef {
  std::string name;
  std::string query;                     // the SELECT's text
  std::vector<std::string> columns;      // declared column names; empty: the query's own names
  std::vector<std::string> depends_on;   // tables and views the query reads
  Position created_at = 0;
  Position dropped_at = position_max;

  bool alive_at(Position p) const { return created_at <= p && p < dropped_at; }
};

class Catalog {
 public:
  // Live at position p (created at or before p, not dropped at or before p). Case-insensitive.
  const TableDef* find_table(std::string_view name, Position p = position_max - 1) const;
  const TableDef* table_by_id(std::uint32_t id) const;
  TableDef* mutable_table_by_id(std::uint32_t id);
  const StreamDef* find_stream(std::string_view name) const;
  StreamDef* mutable_stream(std::string_view name);
  // A view live at position p, case-insensitive; nullptr if none.
  const ViewDef* find_view(std::string_view name, Position p = position_max - 1) const;
  ViewDef* mutable_live_view(std::string_view name);

  // All tables ever created (dropped ones included), in creation order.
  const std::vector<TableDef>& tables() const { return tables_; }
  std::vector<TableDef>& mutable_tables() { return tables_; }
  const std::vector<StreamDef>& streams() const { return streams_; }
  std::vector<StreamDef>& mutable_streams() { return streams_; }
  // All views ever created (dropped ones included), in creation order.
  const std::vector<ViewDef>& views() const { return views_; }
  std::vector<ViewDef>& mutable_views() { return views_; }

  std::uint32_t next_table_id() const { return static_cast<std::uint32_t>(tables_.size()) + 1; }
  std::uint32_t next_index_id() const { return next_index_id_; }
  void take_index_id() { next_index_id_++; }

  void encode(Bytes& out) const;
  static Result<Catalog> decode(ByteSpan& input);

 private:
  std::vector<TableDef> tables_;  // table id = index + 1
  std::vector<StreamDef> streams_;
  std::vector<ViewDef> views_;
  std::uint32_t next_index_id_ = 1;
};

// Case-insensitive ASCII comparison of SQL identifiers.
bool identifier_equal(std::string_view a, std::string_view b);

}  // namespace kmb::kernel
