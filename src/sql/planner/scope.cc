#include "sql/planner/scope.h"

#include "kernel/schema.h"

namespace kmb::sql {

namespace {

std::optional<std::uint32_t> find_column(const ScopeTable& table, const Identifier& name) {
  for (std::uint32_t i = 0; i < table.columns.size(); i++) {
    if (identifier_matches(name, table.columns[i].name)) return i;
  }
  return std::nullopt;
}

}  // namespace

Status Scope::add_table(ScopeTable table) {
  for (const ScopeTable& existing : tables_) {
    if (kernel::identifier_equal(existing.name, table.name)) {
      return invalid_argument("table name \"" + table.name + "\" specified more than once");
    }
  }
  table.first_slot = width_;
  width_ += static_cast<std::uint32_t>(table.columns.size());
  tables_.push_back(std::move(table));
  return Status::ok_status();
}

const ScopeTable* Scope::find_table(const Identifier& name) const {
  for (const ScopeTable& table : tables_) {
    if (identifier_matches(name, table.name)) return &table;
  }
  return nullptr;
}

bool Scope::names_here(const std::vector<Identifier>& names) const {
  KMB_ASSERT(!names.empty());
  if (names.size() == 2) return find_table(names[0]) != nullptr;
  for (const ScopeTable& table : tables_) {
    std::optional<std::uint32_t> index = find_column(table, names.back());
    if (index && !table.columns[*index].using_duplicate) return true;
  }
  return false;
}

void Scope::mark_using_duplicate(std::uint32_t slot) {
  for (ScopeTable& table : tables_) {
    if (slot >= table.first_slot && slot < table.first_slot + table.columns.size()) {
      table.columns[slot - table.first_slot].using_duplicate = true;
      return;
    }
  }
  KMB_ASSERT(false);
}

Result<ResolvedColumn> Scope::resolve(const std::vector<Identifier>& names) const {
  KMB_ASSERT(!names.empty());
  const Identifier& column_name = names.back();
  if (names.size() == 2) {
    const ScopeTable* table = find_table(names[0]);
    if (!table) return invalid_argument("missing FROM-clause entry for table \"" + names[0].name + "\"");
    std::optional<std::uint32_t> index = find_column(*table, column_name);
    if (!index) {
      return invalid_argument("column " + names[0].name + "." + column_name.name + " does not exist");
    }
    return ResolvedColumn{table->first_slot + *index, &table->columns[*index], table};
  }
  std::optional<ResolvedColumn> found;
  for (const ScopeTable& table : tables_) {
    std::optional<std::uint32_t> index = find_column(table, column_name);
    if (!index || table.columns[*index].using_duplicate) continue;
    if (found) return invalid_argument("column reference \"" + column_name.name + "\" is ambiguous");
    found = ResolvedColumn{table.first_slot + *index, &table.columns[*index], &table};
  }
  if (!found) return invalid_argument("column \"" + column_name.name + "\" does not exist");
  return *found;
}

}  // namespace kmb::sql
