#include "sql/planner/table_source.h"

#include "sql/execution/basic_operators.h"

#include "kernel/schema.h"
#include "sql/execution/audit_scan.h"
#include "sql/execution/evaluator.h"
#include "sql/execution/table_scan.h"

namespace kmb::sql {

namespace {

using kernel::Position;

Status table_does_not_exist(const TableRef& reference, const ResolvedTimeTravel& time) {
  std::string message = "table \"" + reference.name.name + "\" does not exist";
  if (!time.latest) message += " at position " + std::to_string(time.as_of);
  return invalid_argument(message);
}

Result<TableSource> bind_audit_source(const TableRef& reference, const PlannerContext& context) {
  TableSource source;
  source.audit = true;
  source.scope_table.name = reference.alias ? reference.alias->name : std::string(audit_table_name);
  for (const PseudoColumn& column : audit_columns) {
    source.scope_table.columns.push_back(ScopeColumn{std::string(column.name), column.type, false, std::nullopt});
  }
  const std::optional<Position> newest = context.view.position();
  if (!newest) {
    source.audit_empty = true;
    return source;
  }
  KMB_ASSIGN_OR_RETURN(source.time,
                       resolve_time_travel(reference.time_travel, context.view, context.binder_context(nullptr)));
  if (!source.time.history) {
    if (source.time.as_of > *newest) {
      return invalid_argument("position " + std::to_string(source.time.as_of) + " is in the future; the latest is " +
                              std::to_string(*newest));
    }
    source.time.from = context.view.first_position().value_or(0);
    source.time.to = source.time.as_of;
  }
  source.audit_empty = source.time.empty || source.time.to < source.time.from;
  return source;
}

// Narrows the audit range with conjuncts `position op integer`.
void narrow_audit_range(std::span<const BoundExpression* const> conjuncts, std::uint32_t position_slot,
                        TableSource& source) {
  for (const BoundExpression* conjunct : conjuncts) {
    if (conjunct->kind != BoundKind::comparison) continue;
    const BoundExpression& left = *conjunct->children[0];
    const BoundExpression& right = *conjunct->children[1];
    if (left.kind != BoundKind::column || left.slot != position_slot || !is_constant_expression(right)) continue;
    Result<kernel::Value> value = evaluate_constant(right);
    if (!value.ok() || !kernel::is_integer_type(value->type())) continue;
    const std::int64_t bound = value->as_int();
    Position& from = source.time.from;
    Position& to = source.time.to;
    const auto at_least = [&](std::int64_t lower) {
      if (lower > 0) from = std::max(from, static_cast<Position>(lower));
    };
    const auto at_most = [&](std::int64_t upper) {
      if (upper < 0) source.audit_empty = true;
      if (upper >= 0) to = std::min(to, static_cast<Position>(upper));
    };
    switch (conjunct->op) {
      case BinaryOperator::equal: at_least(bound); at_most(bound); break;
      case BinaryOperator::greater: if (bound < INT64_MAX) at_least(bound + 1); break;
      case BinaryOperator::greater_equal: at_least(bound); break;
      case BinaryOperator::less: at_most(bound - 1 < bound ? bound - 1 : -1); break;
      case BinaryOperator::less_equal: at_most(bound); break;
      default: break;
    }
  }
  if (source.time.to < source.time.from) source.audit_empty = true;
}

}  // namespace

bool is_audit_table(std::string_view name) { return kernel::identifier_equal(name, audit_table_name); }

Result<TableSource> bind_table_source(const TableRef& reference, const PlannerContext& context) {
  KMB_ASSERT(reference.kind == TableRef::Kind::base_table);
  if (is_audit_table(reference.name.name)) return bind_audit_source(reference, context);
  TableSource source;
  if (!context.view.position()) return table_does_not_exist(reference, source.time);
  if (reference.time_travel.kind == TimeTravel::Kind::latest) {
    source.time.as_of = *context.view.position();  // as resolve_time_travel, without a binder context
  } else {
    KMB_ASSIGN_OR_RETURN(source.time,
                         resolve_time_travel(reference.time_travel, context.view, context.binder_context(nullptr)));
  }
  Result<std::unique_ptr<projection::TableView>> table = context.view.table(reference.name.name, source.time.as_of);
  if (!table.ok()) {
    if (table.status().code() == StatusCode::not_found) return table_does_not_exist(reference, source.time);
    return table.status();
  }
  source.table = std::move(table).value();
  const kernel::TableDef& def = source.table->def();
  if (!identifier_matches(reference.name, def.name)) return table_does_not_exist(reference, source.time);
  source.scope_table.name = reference.alias ? reference.alias->name : def.name;
  if (context.dependencies != nullptr) context.dependencies->push_back(def.name);
  source.columns.reserve(def.columns.size());
  source.scope_table.columns.reserve(def.columns.size() + pseudo_columns.size());
  for (std::uint32_t i = 0; i < def.columns.size(); i++) {
    const kernel::ColumnDef& column = def.columns[i];
    if (!column.alive_at(source.table->as_of())) continue;
    source.columns.push_back(i);
    source.scope_table.columns.push_back(ScopeColumn{column.name, column.type, false, i});
  }
  for (const PseudoColumn& pseudo : pseudo_columns) {
    source.scope_table.columns.push_back(ScopeColumn{std::string(pseudo.name), pseudo.type, true, std::nullopt});
  }
  return source;
}

Result<TableSource> bind_derived_source(const TableRef& reference, const PlannerContext& context) {
  KMB_ASSERT(reference.kind == TableRef::Kind::subquery);
  KMB_ASSERT(reference.alias.has_value());
  KMB_ASSIGN_OR_RETURN(SelectPlan plan, plan_select(*reference.subquery, context));
  return make_derived_source(std::move(plan), reference.alias->name, reference.column_aliases);
}

Result<TableSource> make_derived_source(SelectPlan plan, std::string name,
                                        const std::vector<Identifier>& column_aliases) {
  if (column_aliases.size() > plan.names.size()) {
    return invalid_argument("table \"" + name + "\" has " + std::to_string(plan.names.size()) + " columns available but " +
                            std::to_string(column_aliases.size()) + " columns specified");
  }
  TableSource source;
  source.scope_table.name = std::move(name);
  std::vector<BoundExpressionPtr> visible;
  for (std::size_t i = 0; i < plan.names.size(); i++) {
    const std::string& column = i < column_aliases.size() ? column_aliases[i].name : plan.names[i];
    source.scope_table.columns.push_back(ScopeColumn{column, plan.types[i], false, std::nullopt});
    visible.push_back(make_bound_column(static_cast<std::uint32_t>(i), plan.types[i], column));
  }
  source.derived = std::make_unique<ProjectionOperator>(std::move(plan.root), std::move(visible), plan.names.size());
  return source;
}

OperatorPtr make_scan(TableSource source, std::span<const BoundExpression* const> conjuncts,
                      const PlannerContext& context) {
  const std::uint32_t first = source.scope_table.first_slot;
  if (source.derived) return std::move(source.derived);
  if (source.audit) {
    if (!source.audit_empty) narrow_audit_range(conjuncts, first, source);
    return std::make_unique<AuditScanOperator>(context.view, source.time.from, source.time.to, source.audit_empty,
                                               source.scope_table.name, context.guard);
  }
  const std::vector<std::uint32_t>& columns = source.columns;
  const auto column_of_slot = [&](std::uint32_t slot) -> std::optional<std::uint32_t> {
    if (slot < first || slot >= first + columns.size()) return std::nullopt;
    return columns[slot - first];
  };
  AccessPath path;
  if (!source.time.history) {
    path = choose_access_path(source.table->def(), source.table->as_of(), conjuncts, column_of_slot);
  } else if (!source.time.empty) {
    // Row history by key: the same key predicates bound which rows' version chains are read.
    const projection::TableView& table = *source.table;
    const kernel::Position from = source.time.from;
    path = choose_access_path(table.def(), table.as_of(), conjuncts, column_of_slot,
                              [&](const kernel::IndexDef& index) { return table.index_covers_history(index.id, from); });
  }
  return std::make_unique<TableScanOperator>(std::move(source.table), source.scope_table.name,
                                             std::move(source.columns), std::move(path), std::move(source.time),
                                             context.pseudo_columns, context.guard);
}

}  // namespace kmb::sql
