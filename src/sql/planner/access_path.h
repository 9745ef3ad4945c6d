// Access-path selection: which of a table's orderings a scan can use to read only the rows a WHERE
// clause can accept.
//
// From the WHERE conjuncts of the form `column op constant` (op in = < <= > >=, constants
// including parameters and folded casts; BETWEEN arrives as two conjuncts) it builds, for the
// primary key and each secondary index alive at the scan's position, an equality prefix on the
// leading key columns and at most one range on the next column, then picks:
//   PrimaryKeyLookup  every primary-key column has an equality (TableView::get)
//   PrimaryKeyRange   a prefix/range on the leading primary-key columns (scan_key_range)
//   IndexRangeScan    a prefix/range on a secondary index's leading columns (scan_index)
//   SeqScan           otherwise
// preferring more equality columns, then a range, then the primary key. Constants are converted
// to the key column's exact type before kernel::encode_key (which orders values within one type
// only); a constant that does not convert exactly (1.5 for an INTEGER key) is not used. The plan
// always re-checks the whole WHERE clause, so correctness never depends on these bounds.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>

#include "kernel/schema.h"
#include "projection/read_view.h"
#include "sql/planner/bound_expression.h"

namespace kmb::sql {

struct AccessPath {
  enum class Kind : std::uint8_t { sequential, primary_key_lookup, primary_key_range, index_range };
  Kind kind = Kind::sequential;
  kernel::RowKey key;  // primary_key_lookup
  std::optional<projection::KeyBound> lower;
  std::optional<projection::KeyBound> upper;
  std::uint32_t index_id = 0;  // index_range
  std::string index_name;
  std::string bounds_text;  // "(id = 7)" or "[name >= 'a', name < 'b')"
};

// `column_of_slot` maps a row slot to its index in def.columns (nullopt for slots of other tables
// and pseudo-columns). A secondary index is a candidate when `index_usable` accepts it; without
// it, when the index is alive at `as_of` (history scans pass TableView::index_covers_history).
AccessPath choose_access_path(const kernel::TableDef& def, kernel::Position as_of,
                              std::span<const BoundExpression* const> conjuncts,
                              const std::function<std::optional<std::uint32_t>(std::uint32_t)>& column_of_slot,
                              const std::function<bool(const kernel::IndexDef&)>& index_usable = nullptr);

// `value` converted exactly to `column`'s type, or nullopt when it has no exact equivalent.
std::optional<kernel::Value> exact_key_value(const kernel::Value& value, const kernel::ColumnDef& column);

}  // namespace kmb::sql
