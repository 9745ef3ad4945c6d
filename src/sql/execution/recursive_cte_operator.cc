#include "sql/execution/recursive_cte_operator.h"

#include <map>

#include "sql/execution/basic_operators.h"
#include "sql/planner/cte_planner.h"

namespace kmb::sql {

Status RecursiveCteOperator::execute(const RowSink& sink) const {
  std::map<kernel::Row, bool, RowLess> seen(RowLess{width_});
  std::uint64_t total = 0;
  bool stopped = false;
  std::vector<kernel::Row> produced;
  // The seen rows stay until the end; the rows of one iteration are released two steps later,
  // when the working table that held them is replaced.
  MemoryReservation seen_memory(guard_);
  MemoryReservation first_table_memory(guard_);
  MemoryReservation second_table_memory(guard_);
  MemoryReservation* producing_memory = &first_table_memory;
  MemoryReservation* working_memory = &second_table_memory;
  // Keeps a new row (unless UNION has seen it), emits it and remembers it for the next step.
  const RowSink collect = [&](kernel::Row& row) -> Result<bool> {
    KMB_TRY(guard_tick(guard_));
    row.resize(width_);
    if (!all_ && !seen.emplace(row, true).second) return true;
    if (++total > rows_max_) return rows_limit_exceeded(rows_max_);
    if (!all_) KMB_TRY(seen_memory.add_row(row));
    KMB_TRY(producing_memory->add_row(row));
    produced.push_back(row);
    KMB_ASSIGN_OR_RETURN(bool more, sink(row));
    stopped = !more;
    return more;
  };
  KMB_TRY(anchor_->execute(collect));
  // Counts the iterations that produced rows; the one that finds nothing new ends the loop.
  std::uint64_t iterations = 0;
  while (!stopped && !produced.empty()) {
    working_->rows = std::move(produced);
    produced.clear();
    std::swap(producing_memory, working_memory);
    producing_memory->clear();
    KMB_TRY(step_->execute(collect));
    if (!produced.empty() && ++iterations > iterations_max_) {
      return resource_exhausted("recursive query \"" + name_ + "\" exceeds the limit of " +
                                std::to_string(iterations_max_) + " iterations");
    }
  }
  working_->rows.clear();
  return Status::ok_status();
}

Status WorkingTableScanOperator::execute(const RowSink& sink) const {
  for (const kernel::Row& row : working_->rows) {
    kernel::Row copy = row;
    KMB_ASSIGN_OR_RETURN(bool more, sink(copy));
    if (!more) break;
  }
  return Status::ok_status();
}

}  // namespace kmb::sql
