// The names a statement can see: the tables of its FROM clause (by alias or name) and their
// columns, each mapped to a slot of the rows the scans produce (tables are laid out one after
// another, in FROM order).
//
// Thread-safety: value type; built by the planner, then read-only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "kernel/value.h"
#include "sql/parser/expression.h"

namespace kmb::sql {

struct ScopeColumn {
  std::string name;
  kernel::Type type = kernel::Type::null;
  bool pseudo = false;                       // _position, _actor, ...: never part of SELECT *
  std::optional<std::uint32_t> table_column;  // its index in TableDef::columns, for a table column
  bool using_duplicate = false;  // reachable only qualified, not in *: a JOIN ... USING copy, EXCLUDED.c
};

struct ScopeTable {
  std::string name;  // how the table is referenced: its alias, else its name
  std::vector<ScopeColumn> columns;
  std::uint32_t first_slot = 0;
};

struct ResolvedColumn {
  std::uint32_t slot = 0;
  const ScopeColumn* column = nullptr;
  const ScopeTable* table = nullptr;
};

class Scope {
 public:
  // Appends a table; its columns take the next slots. invalid_argument when the name repeats.
  Status add_table(ScopeTable table);

  const std::vector<ScopeTable>& tables() const { return tables_; }
  std::uint32_t width() const { return width_; }

  // Resolves [column] or [table, column]. invalid_argument for unknown or ambiguous names.
  Result<ResolvedColumn> resolve(const std::vector<Identifier>& names) const;
  // True when the names refer to something here (a column, perhaps ambiguously, or a column of a
  // table named here): resolution then belongs to this scope, not to an enclosing query's.
  bool names_here(const std::vector<Identifier>& names) const;
  // Marks the column at `slot` as a JOIN ... USING duplicate.
  void mark_using_duplicate(std::uint32_t slot);
  // The table a qualifier names, or nullptr.
  const ScopeTable* find_table(const Identifier& name) const;

 private:
  std::vector<ScopeTable> tables_;
  std::uint32_t width_ = 0;
};

}  // namespace kmb::sql
