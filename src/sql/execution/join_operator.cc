#include "sql/execution/join_operator.h"

#include "sql/execution/evaluator.h"

namespace kmb::sql {

Status NestedLoopJoinOperator::execute(const RowSink& sink) const {
  std::vector<kernel::Row> right_rows;
  KMB_TRY(right_->execute([&](kernel::Row& row) -> Result<bool> {
    if (right_rows.size() >= rows_max_) return rows_limit_exceeded(rows_max_);
    right_rows.push_back(std::move(row));
    return true;
  }));
  return left_->execute([&](kernel::Row& left) -> Result<bool> {
    bool matched = false;
    for (const kernel::Row& right : right_rows) {
      kernel::Row combined = left;
      combined.insert(combined.end(), right.begin(), right.end());
      if (condition_) {
        KMB_ASSIGN_OR_RETURN(bool keep, evaluate_predicate(*condition_, combined));
        if (!keep) continue;
      }
      matched = true;
      KMB_ASSIGN_OR_RETURN(bool more, sink(combined));
      if (!more) return false;
    }
    if (matched || type_ != JoinType::left) return true;
    kernel::Row padded = left;
    padded.resize(left.size() + right_width_);
    return sink(padded);
  });
}

std::string NestedLoopJoinOperator::describe() const {
  if (!condition_) return "CrossProduct";
  return std::string("NestedLoopJoin ") + (type_ == JoinType::left ? "LEFT " : "INNER ") + bound_to_sql(*condition_);
}

}  // namespace kmb::sql
