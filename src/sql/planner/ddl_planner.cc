#include "sql/planner/ddl_planner.h"

#include "kernel/schema.h"
#include "sql/execution/cast.h"
#include "sql/execution/evaluator.h"
#include "sql/planner/reindex_planner.h"
#include "sql/planner/table_source.h"
#include "sql/planner/view_planner.h"

namespace kmb::sql {

namespace {

using kernel::Command;

Status reserved_name(std::string_view name) {
  return invalid_argument("\"" + std::string(name) + "\" is a reserved system table name");
}

Result<kernel::ColumnDef> column_def(const ColumnDefinition& definition, const PlannerContext& context) {
  kernel::ColumnDef column;
  column.name = definition.name.name;
  column.type = definition.type.type;
  column.not_null = definition.not_null || definition.primary_key;
  column.unique = definition.unique && !definition.primary_key;
  if (column.type == kernel::Type::decimal) {
    column.decimal_precision = definition.type.precision.value_or(38);
    column.decimal_scale = definition.type.scale.value_or(0);
  }
  if (definition.default_value) {
    // No NOW(): a default is stored in the catalog and must not depend on when it was declared.
    ExpressionBinder binder(BinderContext{nullptr, context.parameters, nullptr});
    Result<BoundExpressionPtr> bound = binder.bind(*definition.default_value, "DEFAULT");
    if (!bound.ok()) {
      return invalid_argument("DEFAULT of column \"" + column.name + "\" must be a constant: " +
                              bound.status().message());
    }
    KMB_ASSIGN_OR_RETURN(kernel::Value value, evaluate_constant(**bound));
    KMB_ASSIGN_OR_RETURN(kernel::Value coerced, coerce_to_column(value, column));
    if (!coerced.is_null()) column.default_value = std::move(coerced);
  }
  return column;
}

std::string joined_names(const std::vector<Identifier>& names) {
  std::string text;
  for (const Identifier& name : names) text += "_" + name.name;
  return text;
}

Result<DdlPlan> plan_create_table(const CreateTableStatement& statement, const PlannerContext& context) {
  const std::string& name = statement.name.name;
  if (is_audit_table(name)) return reserved_name(name);
  DdlPlan plan{{}, "CREATE TABLE", "CreateTable " + name};
  if (statement.if_not_exists && context.view.catalog().find_table(name)) return plan;
  kernel::CreateTable create;
  create.table.name = name;
  create.if_not_exists = statement.if_not_exists;
  std::vector<Identifier> primary_key = statement.primary_key;
  for (const ColumnDefinition& definition : statement.columns) {
    for (const kernel::ColumnDef& existing : create.table.columns) {
      if (kernel::identifier_equal(existing.name, definition.name.name)) {
        return invalid_argument("column \"" + definition.name.name + "\" specified more than once");
      }
    }
    if (definition.primary_key) {
      if (!primary_key.empty()) return invalid_argument("multiple primary keys for table \"" + name + "\" are not allowed");
      primary_key.push_back(definition.name);
    }
    KMB_ASSIGN_OR_RETURN(kernel::ColumnDef column, column_def(definition, context));
    create.table.columns.push_back(std::move(column));
  }
  const auto column_index = [&](const Identifier& column) -> Result<std::uint32_t> {
    for (std::uint32_t i = 0; i < create.table.columns.size(); i++) {
      if (identifier_matches(column, create.table.columns[i].name)) return i;
    }
    return invalid_argument("column \"" + column.name + "\" named in key does not exist");
  };
  for (const Identifier& column : primary_key) {
    KMB_ASSIGN_OR_RETURN(std::uint32_t index, column_index(column));
    create.table.primary_key.push_back(index);
    create.table.columns[index].not_null = true;
  }
  std::vector<Command> indexes;
  for (const std::vector<Identifier>& group : statement.unique_groups) {
    for (const Identifier& column : group) KMB_TRY(column_index(column).status());
    if (group.size() == 1) {
      create.table.columns[*column_index(group[0])].unique = true;
      continue;
    }
    kernel::CreateIndex index{name, name + joined_names(group) + "_key", {}, true, false};
    for (const Identifier& column : group) index.columns.push_back(column.name);
    indexes.emplace_back(std::move(index));
  }
  plan.commands.emplace_back(std::move(create));
  for (Command& index : indexes) plan.commands.push_back(std::move(index));
  return plan;
}

Result<DdlPlan> plan_alter_table(const AlterTableStatement& statement, const PlannerContext& context) {
  const std::string& table = statement.table.name;
  if (is_audit_table(table)) return reserved_name(table);
  DdlPlan plan{{}, "ALTER TABLE", "AlterTable " + table};
  if (statement.action == AlterTableStatement::Action::drop_column) {
    plan.describe += " DROP COLUMN " + statement.column_name.name;
    plan.commands.emplace_back(kernel::DropColumn{table, statement.column_name.name});
    return plan;
  }
  if (statement.column.primary_key) return invalid_argument("cannot add a PRIMARY KEY column to an existing table");
  KMB_ASSIGN_OR_RETURN(kernel::ColumnDef column, column_def(statement.column, context));
  plan.describe += " ADD COLUMN " + column.name;
  plan.commands.emplace_back(kernel::AddColumn{table, std::move(column)});
  return plan;
}

Result<DdlPlan> plan_create_index(const CreateIndexStatement& statement, const PlannerContext& context) {
  if (is_audit_table(statement.table.name)) return reserved_name(statement.table.name);
  DdlPlan plan{{}, "CREATE INDEX", "CreateIndex " + statement.name.name + " ON " + statement.table.name};
  if (statement.if_not_exists && index_exists(context.view.catalog(), statement.name.name)) return plan;
  kernel::CreateIndex index{statement.table.name, statement.name.name, {}, statement.unique, statement.if_not_exists};
  for (const Identifier& column : statement.columns) index.columns.push_back(column.name);
  plan.commands.emplace_back(std::move(index));
  return plan;
}

}  // namespace

bool index_exists(const kernel::Catalog& catalog, std::string_view name) {
  for (const kernel::TableDef& table : catalog.tables()) {
    if (table.dropped_at != kernel::position_max) continue;
    for (const kernel::IndexDef& index : table.indexes) {
      if (index.dropped_at == kernel::position_max && kernel::identifier_equal(index.name, name)) return true;
    }
  }
  return false;
}

Result<DdlPlan> plan_ddl(const Statement& statement, const PlannerContext& context) {
  const kernel::Catalog& catalog = context.view.catalog();
  if (const auto* create = std::get_if<CreateTableStatement>(&statement.node)) return plan_create_table(*create, context);
  if (const auto* alter = std::get_if<AlterTableStatement>(&statement.node)) return plan_alter_table(*alter, context);
  if (const auto* index = std::get_if<CreateIndexStatement>(&statement.node)) return plan_create_index(*index, context);
  if (const auto* view = std::get_if<CreateViewStatement>(&statement.node)) return plan_create_view(*view, context);
  if (const auto* drop = std::get_if<DropViewStatement>(&statement.node)) return plan_drop_view(*drop, context);
  if (const auto* reindex = std::get_if<ReindexStatement>(&statement.node)) return plan_reindex(*reindex, context);
  if (const auto* drop = std::get_if<DropTableStatement>(&statement.node)) {
    if (is_audit_table(drop->name.name)) return reserved_name(drop->name.name);
    if (catalog.find_view(drop->name.name) != nullptr) {
      return invalid_argument("\"" + drop->name.name + "\" is a view; use DROP VIEW");
    }
    DdlPlan plan{{}, "DROP TABLE", "DropTable " + drop->name.name};
    if (!drop->if_exists || catalog.find_table(drop->name.name)) {
      plan.commands.emplace_back(kernel::DropTable{drop->name.name, drop->if_exists});
    }
    return plan;
  }
  if (const auto* drop = std::get_if<DropIndexStatement>(&statement.node)) {
    DdlPlan plan{{}, "DROP INDEX", "DropIndex " + drop->name.name};
    if (!drop->if_exists || index_exists(catalog, drop->name.name)) {
      plan.commands.emplace_back(kernel::DropIndex{drop->name.name, drop->if_exists});
    }
    return plan;
  }
  const auto& stream = std::get<CreateStreamStatement>(statement.node);
  DdlPlan plan{{}, "CREATE STREAM", "CreateStream " + stream.name.name};
  if (!stream.if_not_exists || !catalog.find_stream(stream.name.name)) {
    plan.commands.emplace_back(kernel::CreateStream{stream.name.name, stream.if_not_exists});
  }
  return plan;
}

}  // namespace kmb::sql
