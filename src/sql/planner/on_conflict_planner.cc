#include "sql/planner/on_conflict_planner.h"

#include <set>

#include "sql/execution/basic_operators.h"
#include "sql/execution/cast.h"
#include "sql/execution/evaluator.h"

namespace kmb::sql {

namespace {

std::optional<std::size_t> live_position(const InsertPlan& insert, std::uint32_t column) {
  for (std::size_t i = 0; i < insert.live_columns.size(); i++) {
    if (insert.live_columns[i] == column) return i;
  }
  return std::nullopt;
}

ScopeTable live_table(const InsertPlan& insert, std::string name) {
  const kernel::TableDef& def = insert.table->def();
  ScopeTable table;
  table.name = std::move(name);
  for (std::uint32_t column : insert.live_columns) {
    table.columns.push_back(ScopeColumn{def.columns[column].name, def.columns[column].type, false, column});
  }
  return table;
}

Status check_target(const OnConflict& conflict, const kernel::TableDef& def) {
  if (def.has_implicit_key()) {
    return invalid_argument("ON CONFLICT needs a primary key; table \"" + def.name + "\" has none");
  }
  if (conflict.columns.empty()) return Status::ok_status();
  bool same = conflict.columns.size() == def.primary_key.size();
  for (const Identifier& column : conflict.columns) {
    bool found = false;
    for (std::uint32_t key : def.primary_key) found = found || identifier_matches(column, def.columns[key].name);
    same = same && found;
  }
  if (!same) return invalid_argument("ON CONFLICT supports only the primary key of \"" + def.name + "\" as its target");
  return Status::ok_status();
}

}  // namespace

Result<OnConflictPlan> plan_on_conflict(const OnConflict& conflict, const InsertPlan& insert,
                                        const PlannerContext& context) {
  const kernel::TableDef& def = insert.table->def();
  KMB_TRY(check_target(conflict, def));
  OnConflictPlan plan;
  plan.do_update = conflict.do_update;
  for (std::uint32_t key : def.primary_key) {
    std::optional<std::size_t> position = live_position(insert, key);
    KMB_ASSERT(position.has_value());
    plan.key_positions.push_back(*position);
  }
  if (!conflict.do_update) return plan;
  Scope scope;
  KMB_TRY(scope.add_table(live_table(insert, def.name)));
  ScopeTable excluded = live_table(insert, "excluded");
  // Unqualified names mean the existing row; the proposed one is only EXCLUDED.column.
  for (ScopeColumn& column : excluded.columns) column.using_duplicate = true;
  KMB_TRY(scope.add_table(std::move(excluded)));
  ExpressionBinder binder(context.binder_context(&scope));
  for (const Assignment& assignment : conflict.assignments) {
    std::optional<std::uint32_t> column = def.find_column(assignment.column.name, insert.table->as_of());
    if (!column) return invalid_argument("column \"" + assignment.column.name + "\" of relation \"" + def.name + "\" does not exist");
    for (std::uint32_t key : def.primary_key) {
      if (key == *column) return invalid_argument("ON CONFLICT DO UPDATE cannot change the primary key column \"" + def.columns[key].name + "\"");
    }
    const std::size_t position = *live_position(insert, *column);
    for (const auto& [seen, expression] : plan.assignments) {
      if (seen == position) return invalid_argument("multiple assignments to the same column \"" + def.columns[*column].name + "\"");
    }
    KMB_ASSIGN_OR_RETURN(BoundExpressionPtr value, binder.bind(*assignment.value, "ON CONFLICT DO UPDATE"));
    plan.assignments.emplace_back(position, std::move(value));
  }
  if (conflict.where) {
    KMB_ASSIGN_OR_RETURN(plan.where, binder.bind_condition(*conflict.where, "ON CONFLICT DO UPDATE WHERE"));
  }
  return plan;
}

Result<UpsertResult> apply_on_conflict(const OnConflictPlan& plan, const InsertPlan& insert,
                                       std::vector<kernel::Row> rows) {
  const kernel::TableDef& def = insert.table->def();
  UpsertResult result;
  result.update.table = def.name;
  std::set<kernel::Row, RowLess> keys_seen(RowLess{plan.key_positions.size()});
  for (kernel::Row& row : rows) {
    kernel::RowKey key;
    for (std::size_t position : plan.key_positions) key.push_back(row[position]);
    const bool repeated = !keys_seen.insert(key).second;
    KMB_ASSIGN_OR_RETURN(std::optional<projection::RowVersion> existing, insert.table->get(key));
    if (!existing && !repeated) {
      result.inserted.push_back(std::move(row));
      continue;
    }
    if (!plan.do_update) continue;
    if (repeated) return invalid_argument("ON CONFLICT DO UPDATE command cannot affect row a second time");
    // [existing live columns..., proposed live columns...]
    kernel::Row both;
    for (std::uint32_t column : insert.live_columns) both.push_back(existing->row[column]);
    both.insert(both.end(), row.begin(), row.end());
    if (plan.where) {
      KMB_ASSIGN_OR_RETURN(bool apply, evaluate_predicate(*plan.where, both));
      if (!apply) continue;
    }
    kernel::Row updated(both.begin(), both.begin() + static_cast<std::ptrdiff_t>(insert.live_columns.size()));
    for (const auto& [position, expression] : plan.assignments) {
      KMB_ASSIGN_OR_RETURN(kernel::Value value, evaluate(*expression, both));
      KMB_ASSIGN_OR_RETURN(updated[position], coerce_to_column(value, def.columns[insert.live_columns[position]]));
    }
    result.update.keys.push_back(std::move(key));
    result.update.rows.push_back(std::move(updated));
  }
  return result;
}

}  // namespace kmb::sql
