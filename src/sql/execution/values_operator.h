// Values: the rows of a VALUES list, each expression evaluated when the row is produced (they
// may hold parameters, subqueries and outer references, but no columns of their own).
//
// Thread-safety: see operator.h.
#pragma once

#include <vector>

#include "sql/execution/operator.h"
#include "sql/execution/query_guard.h"
#include "sql/planner/bound_expression.h"

namespace kmb::sql {

class ValuesOperator final : public Operator {
 public:
  ValuesOperator(std::vector<std::vector<BoundExpressionPtr>> rows, QueryGuard* guard)
      : rows_(std::move(rows)), guard_(guard) {}
  Status execute(const RowSink& sink) const override;
  std::string describe() const override { return "Values " + std::to_string(rows_.size()) + " rows"; }

 private:
  std::vector<std::vector<BoundExpressionPtr>> rows_;
  QueryGuard* guard_;  // ticked per row
};

}  // namespace kmb::sql
