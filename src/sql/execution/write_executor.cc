#include "sql/execution/write_executor.h"

#include <bit>
#include <cstdint>

#include "sql/execution/cast.h"
#include "sql/execution/evaluator.h"

namespace kmb::sql {

namespace {

using kernel::Row;
using kernel::Value;

Value default_of(const kernel::ColumnDef& column) { return column.default_value.value_or(Value::null()); }

// The complete live-column row for one set of values (`values[i]` for value position i).
Result<Row> complete_row(const InsertPlan& plan, const Row& values) {
  const kernel::TableDef& def = plan.table->def();
  Row row;
  row.reserve(plan.live_columns.size());
  for (std::size_t i = 0; i < plan.live_columns.size(); i++) {
    const kernel::ColumnDef& column = def.columns[plan.live_columns[i]];
    const std::optional<std::size_t> index = plan.value_index[i];
    if (!index) {
      row.push_back(default_of(column));
      continue;
    }
    KMB_ASSIGN_OR_RETURN(Value value, coerce_to_column(values[*index], column));
    row.push_back(std::move(value));
  }
  return row;
}

Result<Row> evaluate_values_row(const InsertPlan& plan, const std::vector<BoundExpressionPtr>& expressions) {
  const kernel::TableDef& def = plan.table->def();
  Row values(expressions.size());
  std::vector<bool> is_default(expressions.size(), false);
  for (std::size_t i = 0; i < expressions.size(); i++) {
    if (expressions[i]) {
      KMB_ASSIGN_OR_RETURN(values[i], evaluate_constant(*expressions[i]));
    } else {
      is_default[i] = true;
    }
  }
  // DEFAULT in VALUES: the target column's default, already of its type.
  for (std::size_t i = 0; i < plan.live_columns.size(); i++) {
    const std::optional<std::size_t> index = plan.value_index[i];
    if (index && *index < is_default.size() && is_default[*index]) {
      values[*index] = default_of(def.columns[plan.live_columns[i]]);
    }
  }
  return complete_row(plan, values);
}

// Whether `after` stores exactly what `before` does: same type and representation (a DOUBLE 0.0 is
// not -0.0, a DECIMAL 1.0 not 1.00), so that skipping the write can never lose a change.
bool same_stored_value(const Value& before, const Value& after) {
  if (before.type() != after.type()) return false;
  if (before.type() == kernel::Type::decimal) return before.as_decimal() == after.as_decimal();
  if (before.type() == kernel::Type::real || before.type() == kernel::Type::double_precision) {
    return std::bit_cast<std::uint64_t>(before.as_double()) == std::bit_cast<std::uint64_t>(after.as_double());
  }
  return before == after;
}

bool same_stored_row(const Row& before, const Row& after) {
  KMB_ASSERT(before.size() == after.size());
  for (std::size_t i = 0; i < before.size(); i++) {
    if (!same_stored_value(before[i], after[i])) return false;
  }
  return true;
}

Status too_many_rows(std::uint64_t rows_max) {
  return resource_exhausted("statement writes more than the limit of " + std::to_string(rows_max) + " rows");
}

}  // namespace

Result<WriteOutcome> execute_insert(const InsertPlan& plan, std::uint64_t rows_max) {
  kernel::InsertRows insert;
  insert.table = plan.table->def().name;
  if (plan.select) {
    const std::size_t width = plan.select->width;
    KMB_TRY(plan.select->root->execute([&](Row& row) -> Result<bool> {
      if (insert.rows.size() >= rows_max) return too_many_rows(rows_max);
      row.resize(width);
      KMB_ASSIGN_OR_RETURN(Row complete, complete_row(plan, row));
      insert.rows.push_back(std::move(complete));
      return true;
    }));
  } else {
    if (plan.rows.size() > rows_max) return too_many_rows(rows_max);
    for (const std::vector<BoundExpressionPtr>& expressions : plan.rows) {
      KMB_ASSIGN_OR_RETURN(Row row, evaluate_values_row(plan, expressions));
      insert.rows.push_back(std::move(row));
    }
  }
  WriteOutcome outcome;
  outcome.rows = insert.rows.size();
  if (outcome.rows > 0) outcome.command = std::move(insert);
  return outcome;
}

Result<WriteOutcome> execute_modify(const ModifyPlan& plan, std::uint64_t rows_max) {
  const kernel::TableDef& def = plan.scan->table().def();
  kernel::UpdateRows update;
  kernel::DeleteRows remove;
  update.table = def.name;
  remove.table = def.name;
  std::vector<Row> deleted_rows;
  bool any_change = false;
  KMB_TRY(plan.scan->scan_versions([&](const projection::RowVersion& version, Row& row) -> Result<bool> {
    if (plan.where) {
      KMB_ASSIGN_OR_RETURN(bool matches, evaluate_predicate(*plan.where, row));
      if (!matches) return true;
    }
    if (update.keys.size() + remove.keys.size() >= rows_max) return too_many_rows(rows_max);
    if (!plan.update) {
      remove.keys.push_back(version.key);
      Row old_row;
      for (std::uint32_t slot : plan.live_slots) old_row.push_back(row[slot]);
      deleted_rows.push_back(std::move(old_row));
      return true;
    }
    Row old_row;
    old_row.reserve(plan.live_columns.size());
    for (std::uint32_t slot : plan.live_slots) old_row.push_back(row[slot]);
    Row new_row = old_row;
    for (const auto& [column, expression] : plan.assignments) {
      std::size_t position = 0;
      while (plan.live_columns[position] != column) position++;
      if (!expression) {
        new_row[position] = default_of(def.columns[column]);
        continue;
      }
      KMB_ASSIGN_OR_RETURN(Value value, evaluate(*expression, row));
      KMB_ASSIGN_OR_RETURN(new_row[position], coerce_to_column(value, def.columns[column]));
    }
    if (!same_stored_row(old_row, new_row)) any_change = true;
    update.keys.push_back(version.key);
    update.rows.push_back(std::move(new_row));
    return true;
  }));
  WriteOutcome outcome;
  if (plan.update) {
    // Matched rows count even when none changes (as PostgreSQL's "UPDATE n"), but an UPDATE that
    // changes no stored value logs nothing: the log holds changes, and a record without one would
    // only add a version identical to the last. RETURNING still sees the matched rows.
    outcome.rows = update.keys.size();
    if (any_change) {
      outcome.command = std::move(update);
    } else {
      outcome.deleted_rows = std::move(update.rows);
    }
  } else {
    outcome.rows = remove.keys.size();
    outcome.deleted_rows = std::move(deleted_rows);
    if (outcome.rows > 0) outcome.command = std::move(remove);
  }
  return outcome;
}

}  // namespace kmb::sql
