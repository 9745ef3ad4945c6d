#include "cli/sql_target.h"

#include <memory>
#include <optional>

#include "cli/schema_text.h"

namespace kmb::cli {

Result<sql::QueryResult> TenantSqlTarget::execute(std::string_view statement, const sql::AuditContext& audit) {
  return connection_->execute(statement, {}, audit);
}

Result<std::vector<std::string>> TenantSqlTarget::table_names() {
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<projection::ReadView> view, tenant_.session().read_view());
  const std::optional<kernel::Position> position = view->position();
  if (!position) return std::vector<std::string>();
  return live_table_names(view->catalog(), *position);
}

Result<std::string> TenantSqlTarget::table_schema(std::string_view table) {
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<projection::ReadView> view, tenant_.session().read_view());
  const std::optional<kernel::Position> position = view->position();
  const kernel::TableDef* definition = position ? view->catalog().find_table(table, *position) : nullptr;
  if (definition == nullptr) return not_found("no table named '" + std::string(table) + "'");
  return describe_table(*definition, *position);
}

}  // namespace kmb::cli
