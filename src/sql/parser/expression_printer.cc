#include "sql/parser/expression_printer.h"

#include "base/bytes.h"

namespace kmb::sql {

namespace {

std::string join_children(const ParsedExpression& expression, std::size_t from, std::size_t to) {
  std::string text;
  for (std::size_t i = from; i < to; i++) {
    if (i > from) text += ", ";
    text += to_sql(*expression.children[i]);
  }
  return text;
}

std::string names_to_sql(const std::vector<Identifier>& names) {
  std::string text;
  for (const Identifier& name : names) {
    if (!text.empty()) text += ".";
    text += name.quoted ? "\"" + name.name + "\"" : name.name;
  }
  return text;
}

std::string case_to_sql(const ParsedExpression& expression) {
  std::string text = "CASE";
  std::size_t at = 0;
  if (expression.has_operand) text += " " + to_sql(*expression.children[at++]);
  const std::size_t end = expression.children.size() - (expression.has_else ? 1 : 0);
  for (; at + 1 < end; at += 2) {
    text += " WHEN " + to_sql(*expression.children[at]) + " THEN " + to_sql(*expression.children[at + 1]);
  }
  if (expression.has_else) text += " ELSE " + to_sql(*expression.children.back());
  return text + " END";
}

std::string type_to_sql(const TypeName& type) {
  std::string text(kernel::type_name(type.type));
  if (type.precision) text += "(" + std::to_string(*type.precision) + ", " + std::to_string(*type.scale) + ")";
  return text;
}

}  // namespace

std::string literal_to_sql(const kernel::Value& value) {
  switch (value.type()) {
    case kernel::Type::null:
    case kernel::Type::boolean:
    case kernel::Type::smallint:
    case kernel::Type::integer:
    case kernel::Type::bigint:
    case kernel::Type::real:
    case kernel::Type::double_precision:
    case kernel::Type::decimal: return kernel::to_display(value);
    case kernel::Type::bytes: return "x'" + to_hex(value.as_bytes()) + "'";
    default: break;
  }
  std::string text = "'";
  for (char c : kernel::to_display(value)) {
    text += c;
    if (c == '\'') text += '\'';
  }
  return text + "'";
}

std::string to_sql(const ParsedExpression& expression) {
  const auto child = [&](std::size_t i) { return to_sql(*expression.children[i]); };
  const std::string not_text = expression.negated ? "NOT " : "";
  switch (expression.kind) {
    case ExpressionKind::constant: return literal_to_sql(expression.value);
    case ExpressionKind::column_ref: return names_to_sql(expression.names);
    case ExpressionKind::star: return expression.names.empty() ? "*" : names_to_sql(expression.names) + ".*";
    case ExpressionKind::parameter: return "$" + std::to_string(expression.parameter_index);
    case ExpressionKind::default_value: return "DEFAULT";
    case ExpressionKind::unary:
      switch (expression.unary_operator) {
        case UnaryOperator::negate: return "(-" + child(0) + ")";
        case UnaryOperator::plus: return "(+" + child(0) + ")";
        case UnaryOperator::logical_not: return "(NOT " + child(0) + ")";
      }
      break;
    case ExpressionKind::binary:
      return "(" + child(0) + " " + std::string(binary_operator_text(expression.binary_operator)) + " " + child(1) + ")";
    case ExpressionKind::is_null: return "(" + child(0) + " IS " + not_text + "NULL)";
    case ExpressionKind::is_boolean:
      return "(" + child(0) + " IS " + not_text + (expression.boolean_value ? "TRUE)" : "FALSE)");
    case ExpressionKind::is_distinct: return "(" + child(0) + " IS " + not_text + "DISTINCT FROM " + child(1) + ")";
    case ExpressionKind::between:
      return "(" + child(0) + " " + not_text + "BETWEEN " + child(1) + " AND " + child(2) + ")";
    case ExpressionKind::in_list:
      return "(" + child(0) + " " + not_text + "IN (" + join_children(expression, 1, expression.children.size()) + "))";
    case ExpressionKind::like: {
      std::string text = "(" + child(0) + " " + not_text + (expression.case_insensitive ? "ILIKE " : "LIKE ") + child(1);
      if (expression.children.size() == 3) text += " ESCAPE " + child(2);
      return text + ")";
    }
    case ExpressionKind::case_when: return case_to_sql(expression);
    case ExpressionKind::cast: return "CAST(" + child(0) + " AS " + type_to_sql(expression.cast_type) + ")";
    case ExpressionKind::function: {
      std::string arguments = expression.star_argument ? "*" : join_children(expression, 0, expression.children.size());
      return expression.function_name + "(" + (expression.distinct ? "DISTINCT " : "") + arguments + ")" +
             (expression.over ? " OVER (...)" : "");
    }
    // Queries are not printed back; the printer serves expressions in messages and tests.
    case ExpressionKind::subquery: return "(SELECT ...)";
    case ExpressionKind::exists: return "EXISTS (SELECT ...)";
    case ExpressionKind::in_subquery: return "(" + child(0) + " " + not_text + "IN (SELECT ...))";
    case ExpressionKind::quantified:
      return "(" + child(0) + " " + std::string(binary_operator_text(expression.binary_operator)) +
             (expression.boolean_value ? " ALL" : " ANY") + " (SELECT ...))";
  }
  return "?";
}

}  // namespace kmb::sql
