// Binding one base-table reference of a FROM clause: resolve its time travel, open the table as it
// was at that position (or the kmb_audit virtual table), and describe its columns for the Scope.
// make_scan then turns it into a scan operator, choosing the access path from WHERE conjuncts.
//
// Thread-safety: one per statement, used by one thread.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "sql/execution/operator.h"
#include "sql/parser/statement.h"
#include "sql/planner/planner_context.h"
#include "sql/planner/select_planner.h"
#include "sql/planner/scope.h"
#include "sql/planner/time_travel.h"

namespace kmb::sql {

struct TableSource {
  ScopeTable scope_table;                         // first_slot is set when added to the final scope
  std::unique_ptr<projection::TableView> table;   // null for kmb_audit
  std::vector<std::uint32_t> columns;             // visible TableDef::columns indexes, in order
  ResolvedTimeTravel time;
  bool audit = false;
  bool audit_empty = false;  // kmb_audit over an empty log
  OperatorPtr derived;       // a subquery in FROM (or a WITH query): its plan, rows as wide as its columns
};

// invalid_argument `table "x" does not exist` for unknown tables; time-travel errors verbatim.
Result<TableSource> bind_table_source(const TableRef& reference, const PlannerContext& context);

// A subquery in FROM: plans it (its WITH names and enclosing queries as in `context`) and names its
// columns by the column aliases, else by the query's output names.
Result<TableSource> bind_derived_source(const TableRef& reference, const PlannerContext& context);
// A planned query as a FROM item named `name`, columns renamed by `column_aliases` when given.
Result<TableSource> make_derived_source(SelectPlan plan, std::string name, const std::vector<Identifier>& column_aliases);

// A scan of `source` (whose scope table starts at `source.scope_table.first_slot`), using the
// conjuncts that constrain its columns to pick the access path.
OperatorPtr make_scan(TableSource source, std::span<const BoundExpression* const> conjuncts,
                      const PlannerContext& context);

// True for the reserved name of the audit virtual table.
bool is_audit_table(std::string_view name);

}  // namespace kmb::sql
