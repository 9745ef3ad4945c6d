#include "sql/execution/basic_operators.h"

#include <set>

#include "sql/execution/evaluator.h"

namespace kmb::sql {

bool RowLess::operator()(const kernel::Row& a, const kernel::Row& b) const {
  for (std::size_t i = 0; i < width; i++) {
    const int order = kernel::compare_values(a[i], b[i]);
    if (order != 0) return order < 0;
  }
  return false;
}

Status SingleRowOperator::execute(const RowSink& sink) const {
  kernel::Row row;
  KMB_ASSIGN_OR_RETURN(bool more, sink(row));
  (void)more;
  return Status::ok_status();
}

Status FilterOperator::execute(const RowSink& sink) const {
  return child_->execute([&](kernel::Row& row) -> Result<bool> {
    KMB_ASSIGN_OR_RETURN(bool keep, evaluate_predicate(*predicate_, row));
    if (!keep) return true;
    return sink(row);
  });
}

std::string FilterOperator::describe() const { return "Filter " + bound_to_sql(*predicate_); }

Status ProjectionOperator::execute(const RowSink& sink) const {
  return child_->execute([&](kernel::Row& row) -> Result<bool> {
    kernel::Row output;
    output.reserve(expressions_.size());
    for (const BoundExpressionPtr& expression : expressions_) {
      KMB_ASSIGN_OR_RETURN(kernel::Value value, evaluate(*expression, row));
      output.push_back(std::move(value));
    }
    return sink(output);
  });
}

std::string ProjectionOperator::describe() const {
  std::string text = "Projection ";
  for (std::size_t i = 0; i < visible_; i++) {
    if (i > 0) text += ", ";
    text += bound_to_sql(*expressions_[i]);
  }
  return text;
}

Status LimitOperator::execute(const RowSink& sink) const {
  if (limit_ && *limit_ == 0) return Status::ok_status();
  std::uint64_t seen = 0;
  std::uint64_t passed = 0;
  return child_->execute([&](kernel::Row& row) -> Result<bool> {
    if (seen++ < offset_) return true;
    KMB_ASSIGN_OR_RETURN(bool more, sink(row));
    passed++;
    return more && (!limit_ || passed < *limit_);
  });
}

std::string LimitOperator::describe() const {
  std::string text = "Limit";
  if (limit_) text += " " + std::to_string(*limit_);
  if (offset_ > 0) text += " Offset " + std::to_string(offset_);
  return text;
}

Status DistinctOperator::execute(const RowSink& sink) const {
  std::set<kernel::Row, RowLess> seen(RowLess{width_});
  MemoryReservation memory(guard_);
  return child_->execute([&](kernel::Row& row) -> Result<bool> {
    kernel::Row key(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(width_));
    const std::uint64_t key_bytes = row_size_bytes(key);
    if (!seen.insert(std::move(key)).second) return true;
    if (seen.size() > rows_max_) return rows_limit_exceeded(rows_max_);
    KMB_TRY(memory.add(key_bytes));
    return sink(row);
  });
}

}  // namespace kmb::sql
