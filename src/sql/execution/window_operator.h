// Window: computes window function calls (window_call.h) over its buffered input. Each output row
// is an input row followed by one value per call, in the order of `calls`.
//
// Calls with the same PARTITION BY and ORDER BY share one sort of the rows (stable, so peers keep
// their input order); rows are then walked partition by partition. Frames are computed per row as
// a range of positions in the partition: ROWS by offsets, RANGE by peer groups or by a binary
// search on the single ORDER BY key. Aggregates are linear in the partition's size: frames that
// start at the partition's first row (the default frame included) are running totals, frames
// that end at its last row running totals from the end, and frames bounded on both sides slide
// (rows enter and leave once; MIN/MAX keep a deque of candidates). Only SUM/AVG of floating-point
// values over such sliding frames are recomputed per row, because their sums are not exactly
// reversible. Rows come out in the order of the last sort.
//
// The buffered rows (at most rows_max) and their keys are charged to the query's memory limit.
//
// Thread-safety: see operator.h.
#pragma once

#include <vector>

#include "sql/execution/operator.h"
#include "sql/execution/query_guard.h"
#include "sql/planner/bound_expression.h"

namespace kmb::sql {

class WindowOperator final : public Operator {
 public:
  // REQUIRES: every call is a BoundKind::window node over rows of `input_width` columns.
  WindowOperator(OperatorPtr child, std::vector<BoundExpressionPtr> calls, std::size_t input_width,
                 std::uint64_t rows_max, QueryGuard* guard);
  Status execute(const RowSink& sink) const override;
  std::string describe() const override;
  std::vector<const Operator*> children() const override { return {child_.get()}; }

 private:
  OperatorPtr child_;
  std::vector<BoundExpressionPtr> calls_;
  std::vector<std::vector<std::size_t>> sorts_;  // indexes into calls_ that share one sort
  std::size_t input_width_;
  std::uint64_t rows_max_;
  QueryGuard* guard_;
};

}  // namespace kmb::sql
