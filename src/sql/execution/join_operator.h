// Joins: CROSS, INNER, LEFT, RIGHT and FULL. The right side is buffered (at most rows_max rows);
// output rows are the left row's values followed by the right row's. An outer join emits each
// unmatched row of its preserved side(s) once, padded with NULLs (unmatched right rows of RIGHT
// and FULL joins come after all left rows).
//
// With equi-join keys (left_keys[i] = right_keys[i], each evaluated on its own side's row) the
// buffered right rows are hashed by key and a left row meets only the rows with an equal key (a
// NULL key meets nothing): a hash join. Without keys every left row meets every right row: a
// nested-loop join. `condition` (on the combined row) is whatever the keys do not cover.
//
// Thread-safety: see operator.h.
#pragma once

#include <vector>

#include "sql/execution/operator.h"
#include "sql/execution/query_guard.h"
#include "sql/parser/statement.h"
#include "sql/planner/bound_expression.h"

namespace kmb::sql {

struct JoinSpec {
  JoinType type = JoinType::cross;
  BoundExpressionPtr condition;               // residual condition; null when none
  std::vector<BoundExpressionPtr> left_keys;  // over left rows
  std::vector<BoundExpressionPtr> right_keys; // over right rows
  std::string text;                           // the whole ON condition, for EXPLAIN
  std::size_t left_width = 0;
  std::size_t right_width = 0;
};

class JoinOperator final : public Operator {
 public:
  JoinOperator(OperatorPtr left, OperatorPtr right, JoinSpec spec, std::uint64_t rows_max, QueryGuard* guard = nullptr)
      : left_(std::move(left)), right_(std::move(right)), spec_(std::move(spec)), rows_max_(rows_max), guard_(guard) {}
  Status execute(const RowSink& sink) const override;
  std::string describe() const override;
  std::vector<const Operator*> children() const override { return {left_.get(), right_.get()}; }

 private:
  OperatorPtr left_;
  OperatorPtr right_;
  JoinSpec spec_;
  std::uint64_t rows_max_;
  QueryGuard* guard_;  // memory of the right side and its hash table; ticked per pair tried
};

}  // namespace kmb::sql
