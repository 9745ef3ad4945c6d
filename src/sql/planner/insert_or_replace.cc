#include "sql/planner/insert_or_replace.h"

#include <map>
#include <memory>
#include <string>

#include "sql/execution/basic_operators.h"

namespace kmb::sql {

namespace {

bool is_key_column(const kernel::TableDef& def, std::uint32_t column) {
  for (std::uint32_t key : def.primary_key) {
    if (key == column) return true;
  }
  return false;
}

// EXCLUDED."column": quoted, so it names the catalog's column exactly, whatever its case.
ParsedExpressionPtr excluded_column(const std::string& name, SourcePosition position) {
  auto reference = std::make_unique<ParsedExpression>();
  reference->kind = ExpressionKind::column_ref;
  reference->position = position;
  reference->names = {Identifier{"excluded", false}, Identifier{name, true}};
  return reference;
}

// ON CONFLICT (primary key) DO UPDATE SET c = EXCLUDED.c for every live non-key column c.
OnConflict replace_clause(const OnConflict& conflict, const InsertPlan& insert) {
  const kernel::TableDef& def = insert.table->def();
  OnConflict expanded;
  expanded.position = conflict.position;
  expanded.syntax = conflict.syntax;
  expanded.do_update = true;
  for (std::uint32_t column : insert.live_columns) {
    if (is_key_column(def, column)) continue;
    const std::string& name = def.columns[column].name;
    expanded.assignments.push_back(Assignment{Identifier{name, true}, excluded_column(name, conflict.position)});
  }
  return expanded;
}

// Of rows sharing a primary key, the last one, in the place of the first.
std::vector<kernel::Row> last_row_per_key(const OnConflictPlan& plan, std::vector<kernel::Row> rows) {
  std::map<kernel::Row, std::size_t, RowLess> index_of_key(RowLess{plan.key_positions.size()});
  std::vector<kernel::Row> kept;
  kept.reserve(rows.size());
  for (kernel::Row& row : rows) {
    kernel::Row key;
    for (std::size_t position : plan.key_positions) key.push_back(row[position]);
    const auto [entry, inserted] = index_of_key.emplace(std::move(key), kept.size());
    if (inserted) {
      kept.push_back(std::move(row));
    } else {
      kept[entry->second] = std::move(row);
    }
  }
  return kept;
}

}  // namespace

bool conflict_clause_applies(const OnConflict& conflict, const kernel::TableDef& def) {
  return conflict.syntax == ConflictSyntax::on_conflict || !def.has_implicit_key();
}

Result<OnConflictPlan> plan_conflict_clause(const OnConflict& conflict, const InsertPlan& insert,
                                            const PlannerContext& context) {
  KMB_ASSERT(conflict_clause_applies(conflict, insert.table->def()));
  if (conflict.syntax != ConflictSyntax::or_replace) return plan_on_conflict(conflict, insert, context);
  KMB_ASSERT(conflict.do_update);
  KMB_ASSERT(conflict.assignments.empty());
  return plan_on_conflict(replace_clause(conflict, insert), insert, context);
}

Result<UpsertResult> apply_conflict_clause(const OnConflict& conflict, const OnConflictPlan& plan,
                                           const InsertPlan& insert, std::vector<kernel::Row> rows) {
  if (conflict.syntax == ConflictSyntax::or_replace) rows = last_row_per_key(plan, std::move(rows));
  return apply_on_conflict(plan, insert, std::move(rows));
}

}  // namespace kmb::sql
