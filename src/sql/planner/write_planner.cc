#include "sql/planner/write_planner.h"

#include "kernel/schema.h"
#include "sql/execution/cast.h"
#include "sql/planner/table_source.h"
#include "sql/planner/view_planner.h"

namespace kmb::sql {

namespace {

Status read_only_audit() { return invalid_argument("kmb_audit is a read-only system table"); }

Result<TableSource> target_source(const Identifier& name, const std::optional<Identifier>& alias,
                                  const PlannerContext& context) {
  if (is_audit_table(name.name)) return read_only_audit();
  KMB_TRY(check_not_a_view(name, context));
  TableRef reference;
  reference.name = name;
  reference.alias = alias;
  return bind_table_source(reference, context);
}

std::vector<std::uint32_t> live_columns_of(const kernel::TableDef& def) {
  std::vector<std::uint32_t> live;
  for (std::uint32_t i = 0; i < def.columns.size(); i++) {
    if (def.columns[i].dropped_at == kernel::position_max) live.push_back(i);
  }
  return live;
}

Result<std::uint32_t> find_live_column(const kernel::TableDef& def, const Identifier& name) {
  for (std::uint32_t i = 0; i < def.columns.size(); i++) {
    const kernel::ColumnDef& column = def.columns[i];
    if (column.dropped_at == kernel::position_max && identifier_matches(name, column.name)) return i;
  }
  return invalid_argument("column \"" + name.name + "\" of relation \"" + def.name + "\" does not exist");
}

Status check_assignable(kernel::Type from, const kernel::ColumnDef& column) {
  if (assignable(from, column.type)) return Status::ok_status();
  return invalid_argument("column \"" + column.name + "\" is of type " + std::string(kernel::type_name(column.type)) +
                          " but expression is of type " + std::string(kernel::type_name(from)));
}

// Maps each live column to the index of its value in the statement's column list.
Status map_insert_columns(const InsertStatement& statement, const kernel::TableDef& def, InsertPlan& plan) {
  plan.live_columns = live_columns_of(def);
  plan.value_index.assign(plan.live_columns.size(), std::nullopt);
  if (statement.columns.empty()) {
    for (std::size_t i = 0; i < plan.live_columns.size(); i++) plan.value_index[i] = i;
    return Status::ok_status();
  }
  for (std::size_t value = 0; value < statement.columns.size(); value++) {
    KMB_ASSIGN_OR_RETURN(std::uint32_t column, find_live_column(def, statement.columns[value]));
    for (std::size_t i = 0; i < plan.live_columns.size(); i++) {
      if (plan.live_columns[i] != column) continue;
      if (plan.value_index[i]) {
        return invalid_argument("column \"" + def.columns[column].name + "\" specified more than once");
      }
      plan.value_index[i] = value;
    }
  }
  return Status::ok_status();
}

// The target column of each value position.
std::vector<const kernel::ColumnDef*> value_targets(const InsertPlan& plan) {
  std::size_t count = 0;
  for (const std::optional<std::size_t>& index : plan.value_index) {
    if (index) count = std::max(count, *index + 1);
  }
  std::vector<const kernel::ColumnDef*> targets(count, nullptr);
  for (std::size_t i = 0; i < plan.live_columns.size(); i++) {
    if (plan.value_index[i]) targets[*plan.value_index[i]] = &plan.table->def().columns[plan.live_columns[i]];
  }
  return targets;
}

Status check_arity(std::size_t values, std::size_t targets) {
  if (values > targets) return invalid_argument("INSERT has more expressions than target columns");
  if (values < targets) return invalid_argument("INSERT has more target columns than expressions");
  return Status::ok_status();
}

Status bind_values(const InsertStatement& statement, const PlannerContext& context, InsertPlan& plan) {
  const std::vector<const kernel::ColumnDef*> targets = value_targets(plan);
  ExpressionBinder binder(context.binder_context(nullptr));
  for (const std::vector<ParsedExpressionPtr>& row : statement.rows) {
    if (row.empty()) {  // DEFAULT VALUES
      plan.rows.emplace_back(targets.size());
      continue;
    }
    KMB_TRY(check_arity(row.size(), targets.size()));
    std::vector<BoundExpressionPtr> bound_row;
    for (std::size_t i = 0; i < row.size(); i++) {
      if (row[i]->kind == ExpressionKind::default_value) {
        bound_row.emplace_back();
        continue;
      }
      KMB_ASSIGN_OR_RETURN(BoundExpressionPtr value, binder.bind(*row[i], "VALUES"));
      KMB_TRY(check_assignable(value->type, *targets[i]));
      bound_row.push_back(std::move(value));
    }
    plan.rows.push_back(std::move(bound_row));
  }
  return Status::ok_status();
}

}  // namespace

Result<InsertPlan> plan_insert(const InsertStatement& statement, const PlannerContext& context) {
  KMB_ASSIGN_OR_RETURN(TableSource source, target_source(statement.table, std::nullopt, context));
  InsertPlan plan;
  plan.table = std::move(source.table);
  KMB_TRY(map_insert_columns(statement, plan.table->def(), plan));
  if (!statement.select) {
    KMB_TRY(bind_values(statement, context, plan));
    return plan;
  }
  KMB_ASSIGN_OR_RETURN(SelectPlan select, plan_select(*statement.select->node, context));
  const std::vector<const kernel::ColumnDef*> targets = value_targets(plan);
  KMB_TRY(check_arity(select.width, targets.size()));
  for (std::size_t i = 0; i < targets.size(); i++) KMB_TRY(check_assignable(select.types[i], *targets[i]));
  plan.select = std::move(select);
  return plan;
}

Result<ModifyPlan> plan_update(const UpdateStatement& statement, const PlannerContext& context) {
  KMB_ASSIGN_OR_RETURN(TableSource source, target_source(statement.table, statement.alias, context));
  ModifyPlan plan;
  plan.update = true;
  Scope scope;
  KMB_TRY(scope.add_table(source.scope_table));
  const kernel::TableDef& def = source.table->def();
  plan.live_columns = live_columns_of(def);
  for (std::uint32_t column : plan.live_columns) {
    for (std::uint32_t slot = 0; slot < source.columns.size(); slot++) {
      if (source.columns[slot] == column) plan.live_slots.push_back(slot);
    }
  }
  ExpressionBinder binder(context.binder_context(&scope));
  for (const Assignment& assignment : statement.assignments) {
    KMB_ASSIGN_OR_RETURN(std::uint32_t column, find_live_column(def, assignment.column));
    for (const auto& [existing, value] : plan.assignments) {
      if (existing == column) return invalid_argument("multiple assignments to same column \"" + def.columns[column].name + "\"");
    }
    BoundExpressionPtr value;
    if (assignment.value->kind != ExpressionKind::default_value) {
      KMB_ASSIGN_OR_RETURN(value, binder.bind(*assignment.value, "UPDATE"));
      KMB_TRY(check_assignable(value->type, def.columns[column]));
    }
    plan.assignments.emplace_back(column, std::move(value));
  }
  std::vector<const BoundExpression*> conjuncts;
  if (statement.where) {
    KMB_ASSIGN_OR_RETURN(plan.where, binder.bind_condition(*statement.where, "WHERE"));
    split_conjuncts(*plan.where, conjuncts);
  }
  OperatorPtr scan = make_scan(std::move(source), conjuncts, context);
  plan.scan.reset(static_cast<TableScanOperator*>(scan.release()));
  return plan;
}

Result<ModifyPlan> plan_delete(const DeleteStatement& statement, const PlannerContext& context) {
  KMB_ASSIGN_OR_RETURN(TableSource source, target_source(statement.table, statement.alias, context));
  ModifyPlan plan;
  Scope scope;
  KMB_TRY(scope.add_table(source.scope_table));
  // For RETURNING: the deleted rows' live columns.
  plan.live_columns = live_columns_of(source.table->def());
  for (std::uint32_t column : plan.live_columns) {
    for (std::uint32_t slot = 0; slot < source.columns.size(); slot++) {
      if (source.columns[slot] == column) plan.live_slots.push_back(slot);
    }
  }
  std::vector<const BoundExpression*> conjuncts;
  if (statement.where) {
    ExpressionBinder binder(context.binder_context(&scope));
    KMB_ASSIGN_OR_RETURN(plan.where, binder.bind_condition(*statement.where, "WHERE"));
    split_conjuncts(*plan.where, conjuncts);
  }
  OperatorPtr scan = make_scan(std::move(source), conjuncts, context);
  plan.scan.reset(static_cast<TableScanOperator*>(scan.release()));
  return plan;
}

std::vector<std::string> explain_insert(const InsertPlan& plan) {
  std::vector<std::string> lines = {"Insert " + plan.table->def().name};
  if (plan.select) {
    for (const std::string& line : explain_lines(*plan.select->root)) lines.push_back("  " + line);
  } else {
    lines.push_back("  Values " + std::to_string(plan.rows.size()) + (plan.rows.size() == 1 ? " row" : " rows"));
  }
  return lines;
}

std::vector<std::string> explain_modify(const ModifyPlan& plan) {
  const kernel::TableDef& def = plan.scan->table().def();
  std::string head = (plan.update ? "Update " : "Delete ") + def.name;
  for (std::size_t i = 0; i < plan.assignments.size(); i++) {
    const auto& [column, value] = plan.assignments[i];
    head += (i == 0 ? " SET " : ", ") + def.columns[column].name + " = " + (value ? bound_to_sql(*value) : "DEFAULT");
  }
  std::vector<std::string> lines = {head};
  std::string indent = "  ";
  if (plan.where) {
    lines.push_back(indent + "Filter " + bound_to_sql(*plan.where));
    indent += "  ";
  }
  lines.push_back(indent + plan.scan->describe());
  return lines;
}

}  // namespace kmb::sql
