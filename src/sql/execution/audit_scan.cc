#include "sql/execution/audit_scan.h"

#include "kernel/schema.h"

namespace kmb::sql {

Status AuditScanOperator::execute(const RowSink& sink) const {
  if (empty_) return Status::ok_status();
  Status failure;
  KMB_TRY(view_.scan_audit(from_, to_, [&](const projection::AuditEntry& entry) {
    if (Status tick = guard_tick(guard_); !tick.ok()) {
      failure = tick;
      return false;
    }
    kernel::Row row = {
        kernel::Value::integer(static_cast<std::int64_t>(entry.position)),
        kernel::Value::timestamp(static_cast<std::int64_t>(entry.timestamp_ns / 1000)),
        kernel::Value::integer(static_cast<std::int64_t>(entry.client_id)),
        kernel::Value::text(entry.actor),
        kernel::Value::text(entry.reason),
        kernel::Value::text(entry.operation),
        kernel::Value::text(entry.table),
        kernel::Value::text(entry.statement),
        kernel::Value::integer(static_cast<std::int64_t>(entry.row_count)),
    };
    Result<bool> more = sink(row);
    if (!more.ok()) {
      failure = more.status();
      return false;
    }
    return *more;
  }));
  return failure;
}

std::string AuditScanOperator::describe() const {
  std::string text = "AuditScan kmb_audit";
  text += empty_ ? " (empty)" : " [position >= " + std::to_string(from_) + ", position <= " + std::to_string(to_) + "]";
  if (!kernel::identifier_equal(reference_name_, audit_table_name)) text += " AS " + reference_name_;
  return text;
}

}  // namespace kmb::sql
