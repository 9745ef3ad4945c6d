#include "sql/execution/values_operator.h"

#include "sql/execution/evaluator.h"

namespace kmb::sql {

Status ValuesOperator::execute(const RowSink& sink) const {
  const kernel::Row no_columns;
  for (const std::vector<BoundExpressionPtr>& expressions : rows_) {
    KMB_TRY(guard_tick(guard_));
    kernel::Row row;
    row.reserve(expressions.size());
    for (const BoundExpressionPtr& expression : expressions) {
      KMB_ASSIGN_OR_RETURN(kernel::Value value, evaluate(*expression, no_columns));
      row.push_back(std::move(value));
    }
    KMB_ASSIGN_OR_RETURN(bool more, sink(row));
    if (!more) break;
  }
  return Status::ok_status();
}

}  // namespace kmb::sql
