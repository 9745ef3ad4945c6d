#include "sql/execution/set_operation_operator.h"

#include <map>

#include "sql/execution/basic_operators.h"

namespace kmb::sql {

Status SetOperationOperator::execute(const RowSink& sink) const {
  if (op_ == SetOperator::union_rows) return execute_union(sink);
  return execute_intersect_except(sink);
}

Status SetOperationOperator::execute_union(const RowSink& sink) const {
  std::map<kernel::Row, bool, RowLess> seen(RowLess{width_});
  MemoryReservation memory(guard_);
  bool stopped = false;
  const RowSink pass = [&](kernel::Row& row) -> Result<bool> {
    row.resize(width_);
    if (!all_) {
      if (!seen.emplace(row, true).second) return true;
      if (seen.size() > rows_max_) return rows_limit_exceeded(rows_max_);
      KMB_TRY(memory.add_row(row));
    }
    KMB_ASSIGN_OR_RETURN(bool more, sink(row));
    stopped = !more;
    return more;
  };
  KMB_TRY(left_->execute(pass));
  if (stopped) return Status::ok_status();
  return right_->execute(pass);
}

Status SetOperationOperator::execute_intersect_except(const RowSink& sink) const {
  // How many copies of each row the right side has (for ALL), or just its presence.
  std::map<kernel::Row, std::uint64_t, RowLess> right_counts(RowLess{width_});
  MemoryReservation memory(guard_);
  KMB_TRY(right_->execute([&](kernel::Row& row) -> Result<bool> {
    row.resize(width_);
    auto [entry, inserted] = right_counts.try_emplace(row, 0);
    entry->second++;
    if (right_counts.size() > rows_max_) return rows_limit_exceeded(rows_max_);
    if (inserted) KMB_TRY(memory.add_row(row));
    return true;
  }));
  std::map<kernel::Row, bool, RowLess> emitted(RowLess{width_});
  const bool intersect = op_ == SetOperator::intersect_rows;
  return left_->execute([&](kernel::Row& row) -> Result<bool> {
    row.resize(width_);
    auto found = right_counts.find(row);
    const bool in_right = found != right_counts.end() && found->second > 0;
    if (all_) {
      if (in_right) found->second--;
      if (in_right != intersect) return true;
    } else {
      if (in_right != intersect) return true;
      if (!emitted.emplace(row, true).second) return true;
      if (emitted.size() > rows_max_) return rows_limit_exceeded(rows_max_);
      KMB_TRY(memory.add_row(row));
    }
    return sink(row);
  });
}

std::string SetOperationOperator::describe() const {
  std::string text = op_ == SetOperator::union_rows ? "Union" : op_ == SetOperator::intersect_rows ? "Intersect" : "Except";
  return all_ ? text + " All" : text;
}

}  // namespace kmb::sql
