// Executes planned INSERT, UPDATE and DELETE statements into kernel commands. Rows are complete:
// one value per live column in TableDef::columns order (what kernel::InsertRows/UpdateRows expect),
// with DEFAULTs filled in and every value converted to its column's type. The kernel then checks
// NOT NULL, keys and uniqueness when the record is committed.
//
// Thread-safety: pure functions over plans used by one thread.
#pragma once

#include <optional>

#include "kernel/command.h"
#include "sql/planner/write_planner.h"

namespace kmb::sql {

struct WriteOutcome {
  std::optional<kernel::Command> command;  // none when no row was affected
  std::uint64_t rows = 0;
  std::vector<kernel::Row> deleted_rows;  // DELETE: the live columns of each deleted row
};

// `rows_max` bounds the number of rows one statement may write.
Result<WriteOutcome> execute_insert(const InsertPlan& plan, std::uint64_t rows_max);
Result<WriteOutcome> execute_modify(const ModifyPlan& plan, std::uint64_t rows_max);

}  // namespace kmb::sql
