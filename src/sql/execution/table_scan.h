// Scans of one table through a TableView: by access path (sequential, primary-key lookup or
// range, secondary-index range) at one position, or over row history (FOR SYSTEM_TIME ...), where
// the same access paths restrict which rows' version chains are read (EXPLAIN shows
// "PrimaryKeyLookup t (id = 7) HISTORY [0, 9]"; "HistoryScan t [0, 9]" reads every row's history).
//
// Each produced row holds the table's visible columns (those alive at the scan's position, in
// table order) followed by the pseudo-columns describing the row version:
//   _position   BIGINT     the position that created the version
//   _timestamp  TIMESTAMP  its commit time
//   _actor      TEXT       who made the change
//   _reason     TEXT       why
//   _operation  TEXT       INSERT, UPDATE or DELETE
//   _valid_to   BIGINT     the position that superseded it, NULL while current
// History scans include DELETE versions (tombstones) so that who deleted a row is visible.
//
// Thread-safety: see operator.h; the TableView must be used by one thread.
#pragma once

#include <array>
#include <memory>
#include <string_view>

#include "projection/read_view.h"
#include "sql/execution/operator.h"
#include "sql/execution/query_guard.h"
#include "sql/planner/access_path.h"
#include "sql/planner/time_travel.h"

namespace kmb::sql {

struct PseudoColumn {
  std::string_view name;
  kernel::Type type;
};
inline constexpr std::array<PseudoColumn, 6> pseudo_columns = {{
    {"_position", kernel::Type::bigint},
    {"_timestamp", kernel::Type::timestamp},
    {"_actor", kernel::Type::text},
    {"_reason", kernel::Type::text},
    {"_operation", kernel::Type::text},
    {"_valid_to", kernel::Type::bigint},
}};

// The value of pseudo_columns[which] for `version`.
kernel::Value pseudo_column_value(const projection::RowVersion& version, std::size_t which);

// Whether `sql` may name a pseudo-column: it contains one of their names (any case). A statement
// that does not cannot read them (SELECT * leaves them out), so its scans need not fill them in.
bool names_pseudo_columns(std::string_view sql);

// Receives each matching version with its row as the scan lays it out.
using VersionSink = std::function<Result<bool>(const projection::RowVersion& version, kernel::Row& row)>;

class TableScanOperator final : public Operator {
 public:
  // Without `fill_pseudo_columns` the pseudo-columns of every row are NULL (nothing reads them).
  TableScanOperator(std::unique_ptr<projection::TableView> table, std::string reference_name,
                    std::vector<std::uint32_t> columns, AccessPath path, ResolvedTimeTravel time,
                    bool fill_pseudo_columns = true, QueryGuard* guard = nullptr)
      : table_(std::move(table)),
        reference_name_(std::move(reference_name)),
        columns_(std::move(columns)),
        path_(std::move(path)),
        time_(std::move(time)),
        fill_pseudo_columns_(fill_pseudo_columns),
        guard_(guard) {}

  Status execute(const RowSink& sink) const override;
  std::string describe() const override;
  // Like execute(), also handing out the version (for UPDATE and DELETE).
  Status scan_versions(const VersionSink& sink) const;
  const projection::TableView& table() const { return *table_; }

 private:
  // Lays `version` out in `row` (replacing its contents).
  void make_row(const projection::RowVersion& version, kernel::Row& row) const;

  std::unique_ptr<projection::TableView> table_;
  std::string reference_name_;
  std::vector<std::uint32_t> columns_;
  AccessPath path_;
  ResolvedTimeTravel time_;
  bool fill_pseudo_columns_ = true;
  QueryGuard* guard_;  // ticked per row: time limit and cancellation
};

}  // namespace kmb::sql
