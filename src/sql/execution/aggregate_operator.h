// Aggregate: groups its input by the group expressions and computes the aggregates per group.
// Output rows are [group values..., aggregate values...], ordered by group key (deterministic).
// Without GROUP BY there is exactly one output row, also for empty input (COUNT 0, others NULL).
//
// NULL arguments are ignored. SUM of integers is BIGINT with an overflow check; AVG of integers
// is DOUBLE (accumulated exactly: in a BIGINT while the sum fits, then as DECIMAL); SUM and AVG of
// DECIMAL stay DECIMAL; of REAL/DOUBLE they are DOUBLE. DISTINCT aggregates see each distinct
// argument value once. Rows find their group by hash; groups are sorted once, at the end.
//
// Thread-safety: see operator.h.
#pragma once

#include <vector>

#include "sql/execution/aggregate_state.h"
#include "sql/execution/operator.h"
#include "sql/execution/query_guard.h"
#include "sql/planner/bound_expression.h"

namespace kmb::sql {

class AggregateOperator final : public Operator {
 public:
  AggregateOperator(OperatorPtr child, std::vector<BoundExpressionPtr> groups, std::vector<AggregateSpec> aggregates,
                    std::uint64_t rows_max, QueryGuard* guard = nullptr)
      : child_(std::move(child)),
        groups_(std::move(groups)),
        aggregates_(std::move(aggregates)),
        rows_max_(rows_max),
        guard_(guard) {}
  Status execute(const RowSink& sink) const override;
  std::string describe() const override;
  std::vector<const Operator*> children() const override { return {child_.get()}; }

 private:
  OperatorPtr child_;
  std::vector<BoundExpressionPtr> groups_;
  std::vector<AggregateSpec> aggregates_;
  std::uint64_t rows_max_;
  QueryGuard* guard_;  // memory of the groups and DISTINCT sets
};

}  // namespace kmb::sql
