// The expression binder: turns a parsed expression into a bound one against a Scope. It resolves
// column names to slots, substitutes parameters ($n) with their values (remembering n for
// EXPLAIN), identifies functions, checks types and makes implicit conversions explicit:
//
//   * comparisons need comparable operands (numbers with numbers, text with text, DATE with
//     TIMESTAMP, ...); TEXT = INTEGER is a type error. A string constant compared with a DATE,
//     TIMESTAMP or UUID operand is converted to that type here, once;
//   * CASE branches, COALESCE, GREATEST and LEAST arguments are converted to a common type;
//   * NOW() and CURRENT_TIMESTAMP become the constant BinderContext::now_micros() returns.
//
// Thread-safety: one binder per statement, used by one thread.
#pragma once

#include <functional>
#include <span>
#include <string_view>

#include "base/status.h"
#include "kernel/value.h"
#include "sql/parser/expression.h"
#include "sql/planner/bound_expression.h"
#include "sql/planner/scope.h"

namespace kmb::sql {

struct SelectNode;
struct NamedWindow;     // statement.h
struct WindowDefinition;
struct FrameDefinition;
struct OrderItem;
struct WindowCall;      // window_call.h

// An enclosing query's scope, seen from a subquery; `frame` carries that query's current row.
struct OuterScope {
  const Scope* scope = nullptr;
  std::shared_ptr<CorrelationFrame> frame;
};

// Plans a subquery whose enclosing queries' scopes are `outer` (innermost first).
using SubqueryPlanner =
    std::function<Result<std::shared_ptr<const Subquery>>(const SelectNode& query, std::vector<OuterScope> outer)>;

struct BinderContext {
  const Scope* scope = nullptr;  // nullptr: no columns are visible
  std::span<const kernel::Value> parameters;
  // The statement's notion of "now" (microseconds since the epoch), for NOW() and friends.
  std::function<Result<std::int64_t>()> now_micros;
  std::vector<OuterScope> outer;   // enclosing queries, innermost first (inside a subquery)
  SubqueryPlanner plan_subquery;   // empty: subqueries are not allowed
  const std::vector<NamedWindow>* windows = nullptr;  // the SELECT's WINDOW clause, for OVER name
};

class ExpressionBinder {
 public:
  explicit ExpressionBinder(BinderContext context) : context_(std::move(context)) {}

  // `clause` names the clause for error messages ("WHERE"). Aggregate calls are bound as
  // BoundKind::aggregate nodes when allowed, else they are an error; so are window function calls
  // (BoundKind::window, window_binder.cc).
  Result<BoundExpressionPtr> bind(const ParsedExpression& expression, std::string_view clause,
                                  bool allow_aggregates = false, bool allow_windows = false);
  // Binds a condition (WHERE, HAVING, ON): it must be BOOLEAN.
  Result<BoundExpressionPtr> bind_condition(const ParsedExpression& expression, std::string_view clause,
                                            bool allow_aggregates = false);

  const BinderContext& context() const { return context_; }

 private:
  Result<BoundExpressionPtr> bind_node(const ParsedExpression& expression);
  Result<BoundExpressionPtr> bind_children_then(const ParsedExpression& expression, BoundKind kind);
  Result<BoundExpressionPtr> bind_column(const ParsedExpression& expression);
  Result<BoundExpressionPtr> bind_parameter(const ParsedExpression& expression);
  Result<BoundExpressionPtr> bind_unary(const ParsedExpression& expression);
  Result<BoundExpressionPtr> bind_binary(const ParsedExpression& expression);
  Result<BoundExpressionPtr> bind_logical(BoundKind kind, BoundExpressionPtr left, BoundExpressionPtr right);
  Result<BoundExpressionPtr> bind_is(const ParsedExpression& expression);
  Result<BoundExpressionPtr> bind_between(const ParsedExpression& expression);
  Result<BoundExpressionPtr> bind_in_list(const ParsedExpression& expression);
  Result<BoundExpressionPtr> bind_like(const ParsedExpression& expression);
  Result<BoundExpressionPtr> bind_case(const ParsedExpression& expression);
  Result<BoundExpressionPtr> bind_cast(const ParsedExpression& expression);
  Result<BoundExpressionPtr> bind_function(const ParsedExpression& expression);
  Result<BoundExpressionPtr> bind_subquery(const ParsedExpression& expression);
  Result<BoundExpressionPtr> bind_json_get(BinaryOperator op, BoundExpressionPtr left, BoundExpressionPtr right);
  Status bind_aggregate_filter(const ParsedExpression& expression, BoundExpression& aggregate);
  Result<BoundExpressionPtr> bind_aggregate(const ParsedExpression& expression);
  Result<BoundExpressionPtr> bind_scalar(const ParsedExpression& expression, std::vector<BoundExpressionPtr> arguments);
  Result<std::vector<BoundExpressionPtr>> bind_arguments(const ParsedExpression& expression);
  // Window functions (window_binder.cc).
  Result<BoundExpressionPtr> bind_window_function(const ParsedExpression& expression);
  Status bind_window_arguments(const ParsedExpression& expression, WindowCall& call, BoundExpression& node);
  Status bind_window_keys(const WindowDefinition& over, WindowCall& call, BoundExpression& node);
  Status bind_frame(const FrameDefinition& frame, WindowCall& call, const BoundExpression& node);
  Result<BoundExpressionPtr> bind_window_child(const ParsedExpression& expression);

  BinderContext context_;
  std::string clause_;
  bool allow_aggregates_ = false;
  bool inside_aggregate_ = false;
  bool allow_windows_ = false;
  bool inside_window_ = false;
};

// Aggregate functions by name (count, sum, min, max, avg) and their result types.
std::optional<AggregateFunction> find_aggregate_function(std::string_view name);
std::optional<kernel::Type> aggregate_result_type(AggregateFunction aggregate, kernel::Type argument);
// True for names that are only window functions (row_number, rank, lag, ...).
bool is_window_only_function(std::string_view name);

// Builds `left op right` for a comparison, coercing string constants and checking types.
Result<BoundExpressionPtr> make_comparison(BinaryOperator op, BoundExpressionPtr left, BoundExpressionPtr right);

// Converts expressions to their common type (in place), returning it; string constants adapt to
// the other expressions' type. `context` names the construct for errors ("CASE", "COALESCE").
Result<kernel::Type> unify_types(std::span<BoundExpressionPtr> expressions, std::string_view context);

// Wraps `expression` in a CAST to `target` (folding constants); no-op when the type matches.
Result<BoundExpressionPtr> cast_to(BoundExpressionPtr expression, const TypeName& target);

// Whether values of the two types can be compared.
bool comparable(kernel::Type a, kernel::Type b);

}  // namespace kmb::sql
