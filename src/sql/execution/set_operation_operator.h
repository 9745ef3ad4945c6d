// UNION [ALL], INTERSECT [ALL] and EXCEPT [ALL] of two inputs with the same number of columns
// (the planner has converted both to common column types). Rows compare as GROUP BY does: NULLs
// are equal to each other. Without ALL, the result has no duplicates; with ALL, INTERSECT keeps
// min(m, n) copies of a row and EXCEPT max(m - n, 0). Rows come out in no particular order.
//
// UNION ALL streams; the others buffer distinct rows with their counts, at most rows_max of them.
//
// Thread-safety: see operator.h.
#pragma once

#include "sql/execution/operator.h"
#include "sql/execution/query_guard.h"
#include "sql/parser/statement.h"

namespace kmb::sql {

class SetOperationOperator final : public Operator {
 public:
  SetOperationOperator(OperatorPtr left, OperatorPtr right, SetOperator op, bool all, std::size_t width,
                       std::uint64_t rows_max, QueryGuard* guard = nullptr)
      : left_(std::move(left)),
        right_(std::move(right)),
        op_(op),
        all_(all),
        width_(width),
        rows_max_(rows_max),
        guard_(guard) {}
  Status execute(const RowSink& sink) const override;
  std::string describe() const override;
  std::vector<const Operator*> children() const override { return {left_.get(), right_.get()}; }

 private:
  Status execute_union(const RowSink& sink) const;
  Status execute_intersect_except(const RowSink& sink) const;

  OperatorPtr left_;
  OperatorPtr right_;
  SetOperator op_;
  bool all_;
  std::size_t width_;
  std::uint64_t rows_max_;
  QueryGuard* guard_;  // memory of the buffered distinct rows
};

}  // namespace kmb::sql
