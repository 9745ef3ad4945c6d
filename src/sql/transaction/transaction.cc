#include "sql/transaction/transaction.h"

#include <type_traits>
#include <variant>

#include "kernel/rows.h"
#include "sql/transaction/snapshot_state.h"

namespace kmb::sql {

namespace {

using kernel::Position;

Status could_not_serialize(const std::string& what, const std::string& when) {
  return aborted("could not serialize: " + what + " changed since the transaction began (" + when +
                 "); retry the transaction");
}

// The table a row-level command writes; nullptr for anything else (DDL, streams).
const std::string* written_table(const kernel::Command& command) {
  return std::visit(
      [](const auto& c) -> const std::string* {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, kernel::InsertRows> || std::is_same_v<T, kernel::UpdateRows> ||
                      std::is_same_v<T, kernel::DeleteRows>) {
          return &c.table;
        }
        return nullptr;
      },
      command);
}

std::uint64_t command_rows(const kernel::Command& command) {
  if (const auto* insert = std::get_if<kernel::InsertRows>(&command)) return insert->rows.size();
  if (const auto* update = std::get_if<kernel::UpdateRows>(&command)) return update->keys.size();
  if (const auto* remove = std::get_if<kernel::DeleteRows>(&command)) return remove->keys.size();
  return 0;
}

// Whether table `table_id`'s definition is the same at `snapshot` and now (same live table under its
// name, no column or index added or dropped after the snapshot). Returns the position of a change.
std::optional<Position> definition_change(const kernel::Catalog& catalog, std::uint32_t table_id, Position snapshot) {
  const kernel::TableDef* table = catalog.table_by_id(table_id);
  KMB_ASSERT(table != nullptr);
  if (table->dropped_at != kernel::position_max) return table->dropped_at;
  std::optional<Position> changed;
  const auto note = [&](Position p) {
    if (p != kernel::position_max && p > snapshot && (!changed || p > *changed)) changed = p;
  };
  for (const kernel::ColumnDef& column : table->columns) {
    note(column.added_at);
    note(column.dropped_at);
  }
  for (const kernel::IndexDef& index : table->indexes) {
    note(index.created_at);
    note(index.dropped_at);
  }
  return changed;
}

// Whether the audit entry's table list ("a, b") names `table` (case-insensitively). Errs towards
// yes for names that themselves contain ", ": a spurious conflict is safe, a missed one is not.
bool audit_names_table(std::string_view tables, std::string_view table) {
  std::size_t start = 0;
  while (start <= tables.size()) {
    if (tables.size() - start >= table.size() && kernel::identifier_equal(tables.substr(start, table.size()), table)) {
      const std::size_t end = start + table.size();
      if (end == tables.size() || tables.substr(end, 2) == ", ") return true;
    }
    const std::size_t comma = tables.find(", ", start);
    if (comma == std::string_view::npos) return false;
    start = comma + 2;
  }
  return false;
}

projection::KeyBound exact(std::string_view key) {
  return projection::KeyBound{Bytes(key.begin(), key.end()), true};
}

// The version of the row with encoded key `key` visible in `table`, as (created_at), or nullopt.
Result<std::optional<Position>> visible_version(const projection::TableView& table, std::string_view key) {
  std::optional<Position> created;
  KMB_TRY(table.scan_key_range(exact(key), exact(key), [&](const projection::RowVersion& version) {
    created = version.created_at;
    return false;
  }));
  return created;
}

}  // namespace

void Transaction::fail(const Status& status) {
  KMB_ASSERT(!status.ok());
  if (failure_.ok()) failure_ = status;
}

Status Transaction::add_write(const projection::ReadView& base, std::string_view statement,
                              std::vector<kernel::Command> commands) {
  KMB_ASSERT(!failed());
  if (commands.empty()) return Status();
  std::uint64_t rows = 0;
  for (const kernel::Command& command : commands) {
    const std::string* table_name = written_table(command);
    if (table_name == nullptr) {
      return invalid_argument(std::string(kernel::command_operation(command)) +
                              " is not supported inside a transaction");
    }
    rows += command_rows(command);
    const kernel::TableDef* table = base.catalog().find_table(*table_name);
    if (table != nullptr && snapshot_.has_value()) {
      const kernel::TableDef* then = base.catalog().find_table(*table_name, *snapshot_);
      if (then == nullptr || then->id != table->id) {
        return could_not_serialize("table " + table->name, "redefined after position " + std::to_string(*snapshot_));
      }
      if (std::optional<Position> changed = definition_change(base.catalog(), table->id, *snapshot_)) {
        return could_not_serialize("table " + table->name, "position " + std::to_string(*changed));
      }
    }
  }
  kernel::CommandRecord record{"", std::string(statement), std::move(commands)};
  Bytes encoded;
  kernel::encode_command_record(record, encoded);
  if (commands_.size() + record.commands.size() > limits_.commands_max || rows_ + rows > limits_.rows_max ||
      size_bytes_ + encoded.size() > limits_.size_max_bytes) {
    return resource_exhausted("the transaction would exceed its size limit (" + std::to_string(limits_.commands_max) +
                              " commands, " + std::to_string(limits_.rows_max) + " rows, " +
                              std::to_string(limits_.size_max_bytes) + " bytes); commit smaller transactions");
  }
  SnapshotState snapshot_state(base, snapshot_);
  overlay_.set_base(snapshot_state);
  // Definitions never change here (DDL is refused), so the position only has to be a valid one.
  Status applied = overlay_.apply(record, snapshot_.has_value() ? *snapshot_ + 1 : 0);
  overlay_.release_base();  // snapshot_state and `base` end with this statement
  KMB_TRY(applied);
  for (kernel::Command& command : record.commands) {
    const kernel::TableDef* table = base.catalog().find_table(*written_table(command));
    KMB_ASSERT(table != nullptr);  // the kernel accepted the command
    if (table->has_implicit_key()) implicit_key_tables_.insert(table->id);
    commands_.push_back(std::move(command));
  }
  statements_.push_back(std::move(record.statement));
  rows_ += rows;
  size_bytes_ += encoded.size();
  return Status();
}

Status Transaction::check_conflicts(const projection::ReadView& latest) const {
  const std::optional<Position> newest = latest.position();
  if (!newest.has_value() || newest == snapshot_) return Status();  // nothing was committed since
  const Position from = snapshot_.has_value() ? *snapshot_ + 1 : 0;
  const kernel::Catalog& catalog = latest.catalog();

  // Every table touched: its definition must be the one the transaction saw.
  std::set<std::uint32_t> touched = reads_.tables;
  for (const auto& [table_id, key] : reads_.keys) touched.insert(table_id);
  for (const std::uint32_t table_id : implicit_key_tables_) touched.insert(table_id);
  // Tables written (every write is in the overlay).
  for (const kernel::TableDef& table : catalog.tables()) {
    if (overlay_.table_changes(table.id) != nullptr) touched.insert(table.id);
  }
  for (const std::uint32_t table_id : touched) {
    const kernel::TableDef& table = *catalog.table_by_id(table_id);
    if (!snapshot_.has_value() || table.created_at > *snapshot_) {
      return could_not_serialize("table " + table.name, "position " + std::to_string(table.created_at));
    }
    if (std::optional<Position> changed = definition_change(catalog, table_id, *snapshot_)) {
      return could_not_serialize("table " + table.name, "position " + std::to_string(*changed));
    }
  }

  // Table granularity: scanned tables and implicit-key tables written.
  std::set<std::uint32_t> whole_tables = reads_.tables;
  whole_tables.insert(implicit_key_tables_.begin(), implicit_key_tables_.end());
  Status conflict;
  KMB_TRY(latest.scan_audit(from, *newest, [&](const projection::AuditEntry& entry) {
    for (const std::uint32_t table_id : whole_tables) {
      const kernel::TableDef& table = *catalog.table_by_id(table_id);
      if (audit_names_table(entry.table, table.name)) {
        conflict = could_not_serialize("table " + table.name, "position " + std::to_string(entry.position));
        return false;
      }
    }
    return true;
  }));
  KMB_TRY(conflict);

  // Key granularity: keys looked up or written; the version visible at the snapshot must still be
  // the newest one.
  std::set<std::pair<std::uint32_t, std::string>> keys = reads_.keys;
  for (const std::uint32_t table_id : touched) {
    if (const kernel::OverlayState::TableChanges* changes = overlay_.table_changes(table_id)) {
      for (const auto& [key, state] : *changes) keys.emplace(table_id, key);
    }
  }
  std::uint32_t opened_id = 0;
  std::unique_ptr<projection::TableView> then;
  std::unique_ptr<projection::TableView> now;
  for (const auto& [table_id, key] : keys) {
    const kernel::TableDef& table = *catalog.table_by_id(table_id);
    if (opened_id != table_id) {
      KMB_ASSIGN_OR_RETURN(then, latest.table(table.name, *snapshot_));
      KMB_ASSIGN_OR_RETURN(now, latest.table(table.name, *newest));
      opened_id = table_id;
    }
    KMB_ASSIGN_OR_RETURN(const std::optional<Position> before, visible_version(*then, key));
    KMB_ASSIGN_OR_RETURN(const std::optional<Position> after, visible_version(*now, key));
    if (before == after) continue;
    const std::string when = after.has_value() ? "position " + std::to_string(*after)
                                               : "deleted after position " + std::to_string(*snapshot_);
    return could_not_serialize("table " + table.name, when);
  }
  return Status();
}

Result<kernel::CommandRecord> Transaction::commit_record(const projection::ReadView& latest) const {
  KMB_ASSERT(!failed());
  KMB_TRY(check_conflicts(latest));
  kernel::CommandRecord record;
  for (std::size_t i = 0; i < statements_.size(); i++) {
    if (i > 0) record.statement += ";\n";
    record.statement += statements_[i];
  }
  record.commands = commands_;
  return record;
}

}  // namespace kmb::sql
