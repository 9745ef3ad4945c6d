#include "sql/planner/planner_context.h"

#include "sql/planner/subquery_planner.h"

namespace kmb::sql {

BinderContext PlannerContext::binder_context(const Scope* scope) const {
  BinderContext context;
  context.scope = scope;
  context.parameters = parameters;
  context.outer = outer;
  const projection::ReadView* read_view = &view;
  context.now_micros = [read_view]() { return statement_now_micros(*read_view); };
  context.plan_subquery = [read_view, parameters = parameters, rows_max = rows_max, ctes = ctes,
                           cache = cache_subqueries, iterations_max = recursion_iterations_max,
                           dependencies = dependencies, view_depth = view_depth, guard = guard,
                           pseudo = pseudo_columns](const SelectNode& query, std::vector<OuterScope> enclosing) {
    const PlannerContext inner{*read_view,     parameters,   rows_max,   std::move(enclosing), ctes, cache,
                               iterations_max, dependencies, view_depth, guard,                pseudo};
    return plan_subquery(query, inner);
  };
  return context;
}

Result<std::int64_t> statement_now_micros(const projection::ReadView& view) {
  const std::optional<kernel::Position> position = view.position();
  if (!position) return invalid_argument("NOW() is undefined until the database has a first commit");
  KMB_ASSIGN_OR_RETURN(std::uint64_t timestamp_ns, view.timestamp_at_position(*position));
  return static_cast<std::int64_t>(timestamp_ns / 1000);
}

}  // namespace kmb::sql
