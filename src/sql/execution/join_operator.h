// Nested-loop joins: CROSS, INNER and LEFT. The right side is buffered (at most rows_max rows)
// and every left row is combined with each buffered row; output rows are the left row's values
// followed by the right row's. A LEFT join emits an unmatched left row once, padded with NULLs.
//
// Thread-safety: see operator.h.
#pragma once

#include "sql/execution/operator.h"
#include "sql/parser/statement.h"
#include "sql/planner/bound_expression.h"

namespace kmb::sql {

class NestedLoopJoinOperator final : public Operator {
 public:
  NestedLoopJoinOperator(OperatorPtr left, OperatorPtr right, JoinType type, BoundExpressionPtr condition,
                         std::size_t right_width, std::uint64_t rows_max)
      : left_(std::move(left)),
        right_(std::move(right)),
        type_(type),
        condition_(std::move(condition)),
        right_width_(right_width),
        rows_max_(rows_max) {}
  Status execute(const RowSink& sink) const override;
  std::string describe() const override;
  std::vector<const Operator*> children() const override { return {left_.get(), right_.get()}; }

 private:
  OperatorPtr left_;
  OperatorPtr right_;
  JoinType type_;
  BoundExpressionPtr condition_;  // null for a cross join
  std::size_t right_width_;
  std::uint64_t rows_max_;
};

}  // namespace kmb::sql
