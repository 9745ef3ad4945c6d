#include "sql/planner/window_planner.h"

#include "sql/execution/window_operator.h"
#include "sql/planner/window_call.h"

namespace kmb::sql {

namespace {

// Moves the window calls of `expression` into `calls`, leaving column references behind.
void extract_calls(BoundExpressionPtr& expression, std::size_t input_width, std::vector<BoundExpressionPtr>& calls) {
  if (expression->kind != BoundKind::window) {
    for (BoundExpressionPtr& child : expression->children) extract_calls(child, input_width, calls);
    return;
  }
  std::size_t index = 0;
  while (index < calls.size() && !bound_equal(*calls[index], *expression)) index++;
  const kernel::Type type = expression->type;
  std::string name = window_to_sql(*expression);
  if (index == calls.size()) calls.push_back(std::move(expression));
  expression = make_bound_column(static_cast<std::uint32_t>(input_width + index), type, std::move(name));
}

}  // namespace

OperatorPtr plan_windows(OperatorPtr input, std::size_t input_width, std::span<BoundExpressionPtr* const> expressions,
                         const PlannerContext& context) {
  std::vector<BoundExpressionPtr> calls;
  for (BoundExpressionPtr* expression : expressions) extract_calls(*expression, input_width, calls);
  if (calls.empty()) return input;
  return std::make_unique<WindowOperator>(std::move(input), std::move(calls), input_width, context.rows_max,
                                          context.guard);
}

}  // namespace kmb::sql
