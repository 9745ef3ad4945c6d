#include "sql/planner/cte_planner.h"

#include "sql/execution/basic_operators.h"
#include "sql/execution/recursive_cte_operator.h"

namespace kmb::sql {

namespace {

const CteEntry* find_cte(const Identifier& name, const PlannerContext& context) {
  for (const CteEntry* entry = context.ctes.get(); entry; entry = entry->next.get()) {
    if (identifier_matches(name, entry->definition->name.name)) return entry;
  }
  return nullptr;
}

// The visible columns of `plan` converted to `types`.
Result<OperatorPtr> convert_columns(SelectPlan plan, const std::vector<kernel::Type>& types) {
  std::vector<BoundExpressionPtr> columns;
  for (std::size_t i = 0; i < plan.width; i++) {
    BoundExpressionPtr column = make_bound_column(static_cast<std::uint32_t>(i), plan.types[i], plan.names[i]);
    if (types[i] != kernel::Type::null && plan.types[i] != types[i]) {
      TypeName target;
      target.type = types[i];
      KMB_ASSIGN_OR_RETURN(column, cast_to(std::move(column), target));
    }
    columns.push_back(std::move(column));
  }
  const std::size_t width = columns.size();
  return OperatorPtr(std::make_unique<ProjectionOperator>(std::move(plan.root), std::move(columns), width));
}

Result<SelectPlan> plan_cte_query(const CteEntry& entry, const PlannerContext& context) {
  PlannerContext inner = context;
  inner.ctes = entry.next;
  return plan_select(*entry.definition->query, inner);
}

// WITH RECURSIVE name AS (anchor UNION [ALL] step). nullopt when the step does not read `name`
// (then the query is an ordinary one).
Result<std::optional<SelectPlan>> plan_recursive(const CteEntry& entry, const PlannerContext& context) {
  const CommonTableExpression& cte = *entry.definition;
  const SelectNode& query = *cte.query;
  if (query.set_operator != SetOperator::union_rows) return std::optional<SelectPlan>();
  if (!query.order_by.empty() || query.limit || query.offset) {
    return invalid_argument("ORDER BY, LIMIT and OFFSET are not allowed in recursive query \"" + cte.name.name + "\"");
  }
  PlannerContext anchor_context = context;
  anchor_context.ctes = entry.next;
  KMB_ASSIGN_OR_RETURN(SelectPlan anchor, plan_select(*query.left, anchor_context));
  auto self = std::make_shared<CteEntry>(entry);
  self->working = std::make_shared<WorkingTable>();
  self->types = anchor.types;
  for (std::size_t i = 0; i < anchor.width; i++) {
    self->names.push_back(i < cte.columns.size() ? cte.columns[i].name : anchor.names[i]);
  }
  PlannerContext step_context = context;
  step_context.ctes = self;
  step_context.cache_subqueries = false;
  KMB_ASSIGN_OR_RETURN(SelectPlan step, plan_select(*query.right, step_context));
  if (!self->working->referenced) return std::optional<SelectPlan>();
  if (step.width != anchor.width) {
    return invalid_argument("each UNION query must have the same number of columns");
  }
  SelectPlan plan;
  plan.names = self->names;
  plan.types = anchor.types;
  plan.width = anchor.width;
  KMB_ASSIGN_OR_RETURN(OperatorPtr anchor_root, convert_columns(std::move(anchor), plan.types));
  KMB_ASSIGN_OR_RETURN(OperatorPtr step_root, convert_columns(std::move(step), plan.types));
  plan.root = std::make_unique<RecursiveCteOperator>(cte.name.name, std::move(anchor_root), std::move(step_root),
                                                     self->working, query.set_all, plan.width,
                                                     context.recursion_iterations_max, context.rows_max,
                                                     context.guard);
  return std::optional<SelectPlan>(std::move(plan));
}

}  // namespace

Result<SelectPlan> plan_with(const SelectNode& node, const PlannerContext& context) {
  PlannerContext inner = context;
  for (std::size_t i = 0; i < node.with.size(); i++) {
    for (std::size_t j = 0; j < i; j++) {
      if (identifier_matches(node.with[i].name, node.with[j].name.name)) {
        return invalid_argument("WITH query name \"" + node.with[i].name.name + "\" specified more than once");
      }
    }
    auto entry = std::make_shared<CteEntry>();
    entry->definition = &node.with[i];
    entry->next = inner.ctes;
    entry->recursive = node.recursive;
    inner.ctes = std::move(entry);
  }
  return plan_select_body(node, inner);
}

Result<std::optional<TableSource>> bind_cte_source(const TableRef& reference, const PlannerContext& context) {
  if (reference.time_travel.kind != TimeTravel::Kind::latest) return std::optional<TableSource>();
  const CteEntry* entry = find_cte(reference.name, context);
  if (!entry) return std::optional<TableSource>();
  const std::string name = reference.alias ? reference.alias->name : entry->definition->name.name;
  if (entry->working) {
    entry->working->referenced = true;
    TableSource source;
    source.scope_table.name = name;
    for (std::size_t i = 0; i < entry->names.size(); i++) {
      source.scope_table.columns.push_back(ScopeColumn{entry->names[i], entry->types[i], false, std::nullopt});
    }
    source.derived = std::make_unique<WorkingTableScanOperator>(name, entry->working);
    return std::optional<TableSource>(std::move(source));
  }
  if (entry->recursive) {
    KMB_ASSIGN_OR_RETURN(std::optional<SelectPlan> recursive, plan_recursive(*entry, context));
    if (recursive) {
      KMB_ASSIGN_OR_RETURN(TableSource source, make_derived_source(std::move(*recursive), name, {}));
      return std::optional<TableSource>(std::move(source));
    }
  }
  KMB_ASSIGN_OR_RETURN(SelectPlan plan, plan_cte_query(*entry, context));
  KMB_ASSIGN_OR_RETURN(TableSource source, make_derived_source(std::move(plan), name, entry->definition->columns));
  return std::optional<TableSource>(std::move(source));
}

}  // namespace kmb::sql
