// The parsed (unbound) expression tree: what the parser produces and the binder consumes. Names
// are not resolved and types are not checked here; see planner/expression_binder.h.
//
// One node struct with a kind, rather than a class per kind, keeps the tree easy to walk; the
// comment on each kind says which fields and children it uses. Later issues add kinds (subquery,
// EXISTS, window functions) without changing the existing ones.
//
// Thread-safety: value types (move-only).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kernel/value.h"
#include "sql/parser/token.h"

namespace kmb::sql {

// A name as written: unquoted names are folded to lower case and match case-insensitively;
// "quoted" names keep their case and match exactly.
struct Identifier {
  std::string name;
  bool quoted = false;
};

// True when the identifier names `actual` (a catalog name).
bool identifier_matches(const Identifier& identifier, std::string_view actual);

// A column or CAST type: VARCHAR(n) keeps n only for display (the catalog has no length limit).
struct TypeName {
  kernel::Type type = kernel::Type::text;
  std::optional<std::uint8_t> precision;  // DECIMAL(p, s)
  std::optional<std::uint8_t> scale;
};

enum class ExpressionKind : std::uint8_t {
  constant,       // value (integer, decimal, double, text, boolean or NULL literal)
  column_ref,     // names = [column] or [table, column]
  star,           // names = [] for *, [table] for t.*; only in select lists and COUNT(*)
  parameter,      // parameter_index (1-based)
  default_value,  // DEFAULT inside INSERT ... VALUES
  unary,          // unary_operator; children = [operand]
  binary,         // binary_operator; children = [left, right]
  is_null,        // children = [operand]; negated for IS NOT NULL
  is_boolean,     // children = [operand]; boolean_value: IS TRUE / IS FALSE; negated for IS NOT
  is_distinct,    // children = [left, right]; negated for IS NOT DISTINCT FROM
  between,        // children = [operand, low, high]; negated for NOT BETWEEN
  in_list,        // children = [operand, item...]; negated for NOT IN
  like,           // children = [operand, pattern] or [operand, pattern, escape]; negated; case_insensitive
  case_when,      // children = [operand?] (has_operand), {when, then}..., [else?] (has_else)
  cast,           // children = [operand]; cast_type
  function,       // function_name (lower case); children = arguments; distinct; star_argument
  subquery,       // (SELECT ...) used as a value: subquery
  exists,         // EXISTS (SELECT ...): subquery; negated for NOT EXISTS
  in_subquery,    // children = [operand]; subquery; negated for NOT IN
  quantified,     // operand op {ANY|SOME|ALL} (query): children = [operand]; subquery; binary_operator;
                  // boolean_value: true for ALL
};

enum class UnaryOperator : std::uint8_t { negate, plus, logical_not };

enum class BinaryOperator : std::uint8_t {
  logical_and,
  logical_or,
  equal,
  not_equal,
  less,
  less_equal,
  greater,
  greater_equal,
  add,
  subtract,
  multiply,
  divide,
  modulo,
  concat,
  json_get,       // ->  (JSON member or element, as JSON)
  json_get_text,  // ->> (as TEXT)
};

std::string_view binary_operator_text(BinaryOperator op);  // "AND", "=", "||", ...

struct SelectNode;        // statement.h
struct WindowDefinition;  // statement.h
struct ParsedExpression;
using ParsedExpressionPtr = std::unique_ptr<ParsedExpression>;

struct ParsedExpression {
  ExpressionKind kind = ExpressionKind::constant;
  SourcePosition position;
  std::uint32_t depth = 1;  // 1 + the deepest child's depth; bounded by the parser

  kernel::Value value;
  std::vector<Identifier> names;
  std::uint32_t parameter_index = 0;
  UnaryOperator unary_operator = UnaryOperator::negate;
  BinaryOperator binary_operator = BinaryOperator::equal;
  bool negated = false;
  bool boolean_value = false;
  bool case_insensitive = false;
  bool has_operand = false;
  bool has_else = false;
  std::string function_name;
  bool distinct = false;
  bool star_argument = false;
  TypeName cast_type;
  // subquery, exists, in_subquery. Shared (not unique) because SelectNode is incomplete here.
  std::shared_ptr<const SelectNode> subquery;
  ParsedExpressionPtr filter;  // function: an aggregate's FILTER (WHERE condition)
  // function: OVER (...) makes the call a window function. Shared for the same reason as subquery.
  std::shared_ptr<const WindowDefinition> over;
  std::vector<ParsedExpressionPtr> children;
};

}  // namespace kmb::sql
