#include "sql/execution/table_scan.h"

#include "kernel/schema.h"

namespace kmb::sql {

namespace {

using kernel::Value;

Value as_bigint(kernel::Position position) { return Value::integer(static_cast<std::int64_t>(position)); }

}  // namespace

Value pseudo_column_value(const projection::RowVersion& version, std::size_t which) {
  KMB_ASSERT(which < pseudo_columns.size());
  switch (which) {
    case 0: return as_bigint(version.created_at);
    case 1: return Value::timestamp(static_cast<std::int64_t>(version.created_ns / 1000));
    case 2: return Value::text(version.actor);
    case 3: return Value::text(version.reason);
    case 4: return Value::text(version.operation);
    default:
      return version.superseded_at == kernel::position_max ? Value::null() : as_bigint(version.superseded_at);
  }
}

bool names_pseudo_columns(std::string_view sql) {
  for (std::size_t at = sql.find('_'); at != std::string_view::npos; at = sql.find('_', at + 1)) {
    for (const PseudoColumn& pseudo : pseudo_columns) {
      if (kernel::identifier_equal(sql.substr(at, pseudo.name.size()), pseudo.name)) return true;
    }
  }
  return false;
}

void TableScanOperator::make_row(const projection::RowVersion& version, kernel::Row& row) const {
  row.clear();
  row.reserve(columns_.size() + pseudo_columns.size());
  for (std::uint32_t column : columns_) {
    row.push_back(column < version.row.size() ? version.row[column] : Value::null());
  }
  if (!fill_pseudo_columns_) {
    row.resize(columns_.size() + pseudo_columns.size());
    return;
  }
  for (std::size_t which = 0; which < pseudo_columns.size(); which++) row.push_back(pseudo_column_value(version, which));
}

Status TableScanOperator::scan_versions(const VersionSink& sink) const {
  Status failure;
  // One row buffer for the whole scan: a sink that keeps a row moves it away (it is then rebuilt),
  // one that does not (filters, aggregates) leaves its capacity for the next row.
  kernel::Row row;
  const projection::VersionVisitor visit = [&](const projection::RowVersion& version) {
    if (Status tick = guard_tick(guard_); !tick.ok()) {
      failure = tick;
      return false;
    }
    make_row(version, row);
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
    switch (path_.kind) {
      case AccessPath::Kind::sequential: status = table_->scan_history(time_.from, time_.to, visit); break;
      case AccessPath::Kind::primary_key_lookup:
        status = table_->scan_history_key(time_.from, time_.to, path_.key, visit);
        break;
      case AccessPath::Kind::primary_key_range:
        status = table_->scan_history_key_range(time_.from, time_.to, path_.lower, path_.upper, visit);
        break;
      case AccessPath::Kind::index_range:
        status = table_->scan_history_index(time_.from, time_.to, path_.index_id, path_.lower, path_.upper, visit);
        break;
    }
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
  if (time_.history && path_.kind == AccessPath::Kind::sequential) {
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
