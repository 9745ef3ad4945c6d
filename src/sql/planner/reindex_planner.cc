#include "sql/planner/reindex_planner.h"

#include <string>

#include "kernel/schema.h"
#include "sql/planner/table_source.h"

namespace kmb::sql {

Result<DdlPlan> plan_reindex(const ReindexStatement& statement, const PlannerContext& context) {
  DdlPlan plan{{}, "REINDEX", "Reindex (indexes are derived from the log; nothing to rebuild)"};
  if (!statement.name) return plan;
  const std::string& name = statement.name->name;
  plan.describe = "Reindex " + name + " (indexes are derived from the log; nothing to rebuild)";
  const kernel::Catalog& catalog = context.view.catalog();
  if (catalog.find_table(name) != nullptr || index_exists(catalog, name) || is_audit_table(name)) return plan;
  if (catalog.find_view(name) != nullptr) {
    return invalid_argument("cannot REINDEX \"" + name + "\": it is a view, and views have no indexes");
  }
  return not_found("cannot REINDEX \"" + name + "\": no table or index has that name");
}

}  // namespace kmb::sql
