// Bound expressions: names resolved to row slots, types checked, functions identified, implicit
// conversions made explicit. The executor evaluates them (execution/evaluator.h); the planner
// inspects them to choose access paths.
//
// Thread-safety: value types (move-only); immutable once built.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "kernel/value.h"
#include "sql/parser/expression.h"

namespace kmb::sql {

enum class ScalarFunction : std::uint8_t {
  abs, ceil, floor, round, mod, length, lower, upper, substr, trim, ltrim, rtrim, replace, concat,
  coalesce, nullif, greatest, least, json_get, json_get_text,
};

enum class AggregateFunction : std::uint8_t { count_star, count, sum, min, max, avg };

// The row of an enclosing query that a correlated subquery is being evaluated for. The subquery
// node sets `row` for the duration of one run; outer_column nodes inside the subquery read it.
// `referenced` is set by the binder when some column of the subquery resolves to this frame.
struct CorrelationFrame {
  const kernel::Row* row = nullptr;
  bool referenced = false;
};

// A planned subquery (implemented by the planner over its operators). Thread-safety: as operators.
class Subquery {
 public:
  virtual ~Subquery() = default;
  // Runs the subquery for one row of the enclosing query; `visit` gets each result row (its
  // visible columns only) and returns false to stop.
  virtual Status run(const kernel::Row& outer_row,
                     const std::function<Result<bool>(const kernel::Row&)>& visit) const = 0;
  virtual const std::vector<kernel::Type>& types() const = 0;
  // True when the subquery reads the enclosing row (its result depends on it).
  virtual bool correlated() const = 0;
};

// any/all: `operand op ANY|ALL (query)`, with the comparison in BoundExpression::op.
enum class SubqueryKind : std::uint8_t { scalar, exists, in, any, all };

enum class BoundKind : std::uint8_t {
  constant,     // value; parameter_index when it came from $n
  column,       // slot in the input row; name for display
  negate,       // children = [operand]
  logical_not,  // children = [operand]
  logical_and,  // children = [left, right]
  logical_or,   // children = [left, right]
  comparison,   // op in = <> < <= > >=; children = [left, right]
  arithmetic,   // op in + - * / %; children = [left, right]
  concat,       // children = [left, right]
  is_null,      // children = [operand]; negated
  is_boolean,   // children = [operand]; boolean_value; negated
  is_distinct,  // children = [left, right]; negated
  in_list,      // children = [operand, item...]; negated
  like,         // children = [operand, pattern, escape?]; negated; case_insensitive
  case_when,    // children = {when, then}..., [else?] (has_else); a CASE operand is folded into the WHENs
  cast,         // children = [operand]; cast_type
  function,     // function; children = arguments
  aggregate,    // aggregate; distinct; children = [argument] (none for COUNT(*)), then [filter] when has_filter
  outer_column, // slot in the enclosing query's row, read through `frame`
  subquery,     // subquery, subquery_kind; children = [operand] for IN/ANY/ALL; negated (NOT IN); op (ANY/ALL)
  window,       // window function call: window; children as window_call.h lays them out
};

struct WindowCall;  // window_call.h
struct BoundExpression;
using BoundExpressionPtr = std::unique_ptr<BoundExpression>;

struct BoundExpression {
  BoundKind kind = BoundKind::constant;
  kernel::Type type = kernel::Type::null;
  kernel::Value value;
  std::optional<std::uint32_t> parameter_index;
  std::uint32_t slot = 0;
  std::string name;
  BinaryOperator op = BinaryOperator::equal;
  bool negated = false;
  bool boolean_value = false;
  bool case_insensitive = false;
  bool has_else = false;
  TypeName cast_type;
  ScalarFunction function = ScalarFunction::abs;
  AggregateFunction aggregate = AggregateFunction::count_star;
  bool distinct = false;
  bool has_filter = false;  // aggregate: the last child is its FILTER (WHERE ...) condition
  std::shared_ptr<CorrelationFrame> frame;    // outer_column
  std::shared_ptr<const Subquery> subquery;   // subquery
  SubqueryKind subquery_kind = SubqueryKind::scalar;
  std::shared_ptr<const WindowCall> window;   // window
  std::vector<BoundExpressionPtr> children;
};

BoundExpressionPtr make_bound_constant(kernel::Value value, kernel::Type type);
BoundExpressionPtr make_bound_column(std::uint32_t slot, kernel::Type type, std::string name);
BoundExpressionPtr copy_bound(const BoundExpression& expression);

// Structural equality (same kinds, slots, constants, operators, children).
bool bound_equal(const BoundExpression& a, const BoundExpression& b);
// True when no column or aggregate appears: the expression can be evaluated without a row.
bool is_constant_expression(const BoundExpression& expression);
bool contains_aggregate(const BoundExpression& expression);
// True when a subquery in the expression reads the row the expression is evaluated against.
bool contains_correlated_subquery(const BoundExpression& expression);
// Calls `visit` with each column slot the expression reads.
void collect_slots(const BoundExpression& expression, std::vector<std::uint32_t>& slots);

// For EXPLAIN: "(age > 30)", "lower(name)", "count(*)".
std::string bound_to_sql(const BoundExpression& expression);
std::string_view scalar_function_name(ScalarFunction function);
std::string_view aggregate_function_name(AggregateFunction function);

// Splits nested ANDs into their conjuncts.
void split_conjuncts(const BoundExpression& expression, std::vector<const BoundExpression*>& conjuncts);

}  // namespace kmb::sql
