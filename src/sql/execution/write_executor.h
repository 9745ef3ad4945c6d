// Executes planned INSERT, UPDATE and DELETE statements into kernel commands. Rows are complete:
// one value per live column in TableDef::columns order (what kernel::InsertRows/UpdateRows expect),
// with DEFAULTs filled in and every value converted to its column's type. The kernel then checks
// NOT NULL, keys and uniqueness when the record is committed. An UPDATE whose matched rows all keep
// every stored value produces no command (nothing is logged) but still reports the matched rows.
//
// Thread-safety: pure functions over plans used by one thread.
#pragma once

#include <optional>

#include "kernel/command.h"
#include "sql/planner/write_planner.h"

namespace kmb::sql {

struct WriteOutcome {
  // None when nothing changes: no row was affected, or an UPDATE's matched rows all keep their values.
  std::optional<kernel::Command> command;
  std::uint64_t rows = 0;  // rows affected: inserted, deleted, or matched by UPDATE (changed or not)
  // The rows RETURNING sees when `command` does not hold them: DELETE's deleted rows, or the matched
  // rows of an UPDATE that changed nothing (live columns of each).
  std::vector<kernel::Row> deleted_rows;
};

// `rows_max` bounds the number of rows one statement may write.
Result<WriteOutcome> execute_insert(const InsertPlan& plan, std::uint64_t rows_max);
Result<WriteOutcome> execute_modify(const ModifyPlan& plan, std::uint64_t rows_max);

}  // namespace kmb::sql
