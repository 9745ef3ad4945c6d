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
  // Keeps a new row (unless UNION has seen it), emits it and remembers it for the next step.
  const RowSink collect = [&](kernel::Row& row) -> Result<bool> {
    row.resize(width_);
    if (!all_ && !seen.emplace(row, true).second) return true;
    if (++total > rows_max_) return rows_limit_exceeded(rows_max_);
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
