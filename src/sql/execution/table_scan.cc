#include "sql/execution/table_scan.h"

#include "kernel/schema.h"

namespace kmb::sql {

namespace {

using kernel::Value;

Value as_bigint(kernel::Position position) { return Value::integer(static_cast<std::int64_t>(position)); }

}  // namespace

kernel::Row TableScanOperator::make_row(const projection::RowVersion& version) const {
  kernel::Row row;
  row.reserve(columns_.size() + pseudo_columns.size());
  for (std::uint32_t column : columns_) {
    row.push_back(column < version.row.size() ? version.row[column] : Value::null());
  }
  row.push_back(as_bigint(version.created_at));
  row.push_back(Value::timestamp(static_cast<std::int64_t>(version.created_ns / 1000)));
  row.push_back(Value::text(version.actor));
  row.push_back(Value::text(version.reason));
  row.push_back(Value::text(version.operation));
  row.push_back(version.superseded_at == kernel::position_max ? Value::null() : as_bigint(version.superseded_at));
  return row;
}

Status TableScanOperator::scan_versions(const VersionSink& sink) const {
  Status failure;
  const projection::VersionVisitor visit = [&](const projection::RowVersion& version) {
    if (Status tick = guard_tick(guard_); !tick.ok()) {
      failure = tick;
      return false;
    }
    kernel::Row row = make_row(version);
    Result<bool> more = sink(version, row);
    if (!more.ok()) {
      failure = more.status();
      return false;
    }
    return *more;
  };
  Status status;
  if (time_.history) {
    if (time_.empty) return Status::ok_status();
    status = table_->scan_history(time_.from, time_.to, visit);
  } else {
    switch (path_.kind) {
      case AccessPath::Kind::sequential: status = table_->scan(visit); break;
      case AccessPath::Kind::primary_key_lookup: {
        KMB_ASSIGN_OR_RETURN(std::optional<projection::RowVersion> version, table_->get(path_.key));
        if (version) visit(*version);
        break;
      }
      case AccessPath::Kind::primary_key_range: status = table_->scan_key_range(path_.lower, path_.upper, visit); break;
      case AccessPath::Kind::index_range:
        status = table_->scan_index(path_.index_id, path_.lower, path_.upper, visit);
        break;
    }
  }
  KMB_TRY(status);
  return failure;
}

Status TableScanOperator::execute(const RowSink& sink) const {
  return scan_versions([&](const projection::RowVersion&, kernel::Row& row) { return sink(row); });
}

std::string TableScanOperator::describe() const {
  const std::string& name = table_->def().name;
  std::string text;
  if (time_.history) {
    text = "HistoryScan " + name + " [" + std::to_string(time_.from) + ", " + std::to_string(time_.to) + "]";
  } else {
    switch (path_.kind) {
      case AccessPath::Kind::sequential: text = "SeqScan " + name; break;
      case AccessPath::Kind::primary_key_lookup: text = "PrimaryKeyLookup " + name + " " + path_.bounds_text; break;
      case AccessPath::Kind::primary_key_range: text = "PrimaryKeyRange " + name + " " + path_.bounds_text; break;
      case AccessPath::Kind::index_range:
        text = "IndexRangeScan " + name + "." + path_.index_name + " " + path_.bounds_text;
        break;
    }
    if (!time_.latest) text += " " + time_.description;
  }
  if (!kernel::identifier_equal(reference_name_, name)) text += " AS " + reference_name_;
  return text;
}

}  // namespace kmb::sql
