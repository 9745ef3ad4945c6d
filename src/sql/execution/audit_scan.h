// The kmb_audit virtual table: one row per committed command record, from ReadView::scan_audit.
// Columns: position BIGINT, timestamp TIMESTAMP, client_id BIGINT, actor TEXT, reason TEXT,
// operation TEXT, table_name TEXT, statement TEXT, row_count BIGINT. The scan reads positions
// [from, to] only (the planner narrows them from WHERE conditions on position).
//
// Thread-safety: see operator.h.
#pragma once

#include <array>
#include <string_view>

#include "projection/read_view.h"
#include "sql/execution/operator.h"
#include "sql/execution/query_guard.h"
#include "sql/execution/table_scan.h"

namespace kmb::sql {

inline constexpr std::string_view audit_table_name = "kmb_audit";
inline constexpr std::array<PseudoColumn, 9> audit_columns = {{
    {"position", kernel::Type::bigint},
    {"timestamp", kernel::Type::timestamp},
    {"client_id", kernel::Type::bigint},
    {"actor", kernel::Type::text},
    {"reason", kernel::Type::text},
    {"operation", kernel::Type::text},
    {"table_name", kernel::Type::text},
    {"statement", kernel::Type::text},
    {"row_count", kernel::Type::bigint},
}};

class AuditScanOperator final : public Operator {
 public:
  // `empty`: the range holds no position (e.g. an empty log).
  AuditScanOperator(const projection::ReadView& view, kernel::Position from, kernel::Position to, bool empty,
                    std::string reference_name, QueryGuard* guard = nullptr)
      : view_(view), from_(from), to_(to), empty_(empty), reference_name_(std::move(reference_name)), guard_(guard) {}
  Status execute(const RowSink& sink) const override;
  std::string describe() const override;

 private:
  const projection::ReadView& view_;
  kernel::Position from_;
  kernel::Position to_;
  bool empty_;
  std::string reference_name_;
  QueryGuard* guard_;  // ticked per row
};

}  // namespace kmb::sql
