// Expressions: one function per precedence level, loosest first.
#include <cerrno>
#include <cstdlib>
#include <limits>

#include "base/bytes.h"
#include "kernel/schema.h"
#include "kernel/value.h"
#include "sql/parser/lexer.h"
#include "sql/parser/parser_internal.h"

namespace kmb::sql {

namespace {

ParsedExpressionPtr make_node(ExpressionKind kind, SourcePosition position) {
  auto node = std::make_unique<ParsedExpression>();
  node->kind = kind;
  node->position = position;
  return node;
}

ParsedExpressionPtr make_constant(kernel::Value value, SourcePosition position) {
  auto node = make_node(ExpressionKind::constant, position);
  node->value = std::move(value);
  return node;
}

std::optional<BinaryOperator> comparison_operator(const Token& token) {
  if (token.kind != TokenKind::symbol) return std::nullopt;
  if (token.text == "=") return BinaryOperator::equal;
  if (token.text == "<>" || token.text == "!=") return BinaryOperator::not_equal;
  if (token.text == "<") return BinaryOperator::less;
  if (token.text == "<=") return BinaryOperator::less_equal;
  if (token.text == ">") return BinaryOperator::greater;
  if (token.text == ">=") return BinaryOperator::greater_equal;
  return std::nullopt;
}

}  // namespace

Status Parser::enter_nesting() {
  if (nesting_ >= options_.expression_depth_max) {
    return resource_exhausted("expression nesting exceeds the limit of " +
                              std::to_string(options_.expression_depth_max) + " at line " +
                              std::to_string(peek().position.line) + ", column " +
                              std::to_string(peek().position.column));
  }
  nesting_++;
  return Status::ok_status();
}

Result<ParsedExpressionPtr> Parser::finish(ParsedExpressionPtr expression) {
  std::uint32_t depth = 0;
  for (const ParsedExpressionPtr& child : expression->children) depth = std::max(depth, child->depth);
  expression->depth = depth + 1;
  if (expression->depth > options_.expression_depth_max) {
    return resource_exhausted("expression nesting exceeds the limit of " +
                              std::to_string(options_.expression_depth_max) + " at line " +
                              std::to_string(expression->position.line) + ", column " +
                              std::to_string(expression->position.column));
  }
  return expression;
}

Result<ParsedExpressionPtr> Parser::make_binary(BinaryOperator op, ParsedExpressionPtr left,
                                                ParsedExpressionPtr right, SourcePosition position) {
  auto node = make_node(ExpressionKind::binary, position);
  node->binary_operator = op;
  node->children.push_back(std::move(left));
  node->children.push_back(std::move(right));
  return finish(std::move(node));
}

Result<ParsedExpressionPtr> Parser::parse_expression() {
  // A lone literal or parameter — each value of a multi-row INSERT, most arguments — needs none
  // of the precedence levels below: with nothing but "," or ")" after it, it is the expression.
  const TokenKind kind = peek().kind;
  if ((kind == TokenKind::integer || kind == TokenKind::string || kind == TokenKind::decimal ||
       kind == TokenKind::floating || kind == TokenKind::parameter) &&
      (is_symbol(",", 1) || is_symbol(")", 1))) {
    return parse_primary();
  }
  KMB_TRY(enter_nesting());
  Result<ParsedExpressionPtr> result = parse_or();
  leave_nesting();
  return result;
}

Result<ParsedExpressionPtr> Parser::parse_or() {
  KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr left, parse_and());
  while (is_keyword("OR")) {
    const SourcePosition position = advance().position;
    KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr right, parse_and());
    KMB_ASSIGN_OR_RETURN(left, make_binary(BinaryOperator::logical_or, std::move(left), std::move(right), position));
  }
  return left;
}

Result<ParsedExpressionPtr> Parser::parse_and() {
  KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr left, parse_not());
  while (is_keyword("AND")) {
    const SourcePosition position = advance().position;
    KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr right, parse_not());
    KMB_ASSIGN_OR_RETURN(left, make_binary(BinaryOperator::logical_and, std::move(left), std::move(right), position));
  }
  return left;
}

Result<ParsedExpressionPtr> Parser::parse_not() {
  if (!is_keyword("NOT")) return parse_comparison();
  const SourcePosition position = advance().position;
  KMB_TRY(enter_nesting());
  Result<ParsedExpressionPtr> operand = parse_not();
  leave_nesting();
  if (!operand.ok()) return operand.status();
  auto node = make_node(ExpressionKind::unary, position);
  node->unary_operator = UnaryOperator::logical_not;
  node->children.push_back(std::move(operand).value());
  return finish(std::move(node));
}

Result<ParsedExpressionPtr> Parser::parse_comparison() {
  KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr left, parse_concat());
  while (true) {
    if (std::optional<BinaryOperator> op = comparison_operator(peek())) {
      const bool quantified = (is_keyword("ANY", 1) || is_keyword("SOME", 1) || is_keyword("ALL", 1)) &&
                              is_symbol("(", 2);
      if (quantified) {
        KMB_ASSIGN_OR_RETURN(left, parse_quantified(*op, std::move(left)));
        continue;
      }
      const SourcePosition position = advance().position;
      KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr right, parse_concat());
      KMB_ASSIGN_OR_RETURN(left, make_binary(*op, std::move(left), std::move(right), position));
      continue;
    }
    const bool predicate = is_keyword("IS") || is_keyword("BETWEEN") || is_keyword("IN") || is_keyword("LIKE") ||
                           is_keyword("ILIKE") ||
                           (is_keyword("NOT") && (is_keyword("BETWEEN", 1) || is_keyword("IN", 1) ||
                                                  is_keyword("LIKE", 1) || is_keyword("ILIKE", 1)));
    if (!predicate) return left;
    KMB_ASSIGN_OR_RETURN(left, parse_predicate_suffix(std::move(left)));
  }
}

// IS [NOT] NULL/TRUE/FALSE/UNKNOWN/DISTINCT FROM, [NOT] BETWEEN, [NOT] IN, [NOT] [I]LIKE.
Result<ParsedExpressionPtr> Parser::parse_predicate_suffix(ParsedExpressionPtr left) {
  const SourcePosition position = peek().position;
  if (accept_keyword("IS")) {
    const bool negated = accept_keyword("NOT");
    ParsedExpressionPtr node;
    if (accept_keyword("NULL") || accept_keyword("UNKNOWN")) {
      node = make_node(ExpressionKind::is_null, position);
    } else if (is_keyword("TRUE") || is_keyword("FALSE")) {
      node = make_node(ExpressionKind::is_boolean, position);
      node->boolean_value = is_keyword("TRUE");
      advance();
    } else if (accept_keyword("DISTINCT")) {
      KMB_TRY(expect_keyword("FROM"));
      node = make_node(ExpressionKind::is_distinct, position);
      node->children.push_back(std::move(left));
      KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr right, parse_concat());
      node->children.push_back(std::move(right));
      node->negated = negated;
      return finish(std::move(node));
    } else {
      return error_expected("NULL, TRUE, FALSE or DISTINCT FROM after IS");
    }
    node->negated = negated;
    node->children.push_back(std::move(left));
    return finish(std::move(node));
  }
  const bool negated = accept_keyword("NOT");
  if (accept_keyword("BETWEEN")) {
    auto node = make_node(ExpressionKind::between, position);
    node->negated = negated;
    node->children.push_back(std::move(left));
    KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr low, parse_concat());
    KMB_TRY(expect_keyword("AND"));
    KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr high, parse_concat());
    node->children.push_back(std::move(low));
    node->children.push_back(std::move(high));
    return finish(std::move(node));
  }
  if (accept_keyword("IN")) return parse_in_list(std::move(left), negated);
  const bool case_insensitive = is_keyword("ILIKE");
  if (accept_keyword("LIKE") || accept_keyword("ILIKE")) return parse_like(std::move(left), negated, case_insensitive);
  return error_expected("BETWEEN, IN or LIKE after NOT");
}

Result<ParsedExpressionPtr> Parser::parse_in_list(ParsedExpressionPtr left, bool negated) {
  auto node = make_node(ExpressionKind::in_list, left->position);
  node->negated = negated;
  node->children.push_back(std::move(left));
  if (is_symbol("(") && (is_keyword("SELECT", 1) || is_keyword("WITH", 1) || is_keyword("VALUES", 1))) {
    ParsedExpressionPtr operand = std::move(node->children[0]);
    KMB_ASSIGN_OR_RETURN(node, parse_subquery_expression(ExpressionKind::in_subquery, operand->position));
    node->negated = negated;
    node->children.push_back(std::move(operand));
    return finish(std::move(node));
  }
  KMB_TRY(expect_symbol("("));
  if (accept_symbol(")")) return finish(std::move(node));  // x IN (): false (as in SQLite)
  do {
    KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr item, parse_expression());
    node->children.push_back(std::move(item));
  } while (accept_symbol(","));
  KMB_TRY(expect_symbol(")"));
  return finish(std::move(node));
}

// left op {ANY | SOME | ALL} (query), at the operator.
Result<ParsedExpressionPtr> Parser::parse_quantified(BinaryOperator op, ParsedExpressionPtr left) {
  const SourcePosition position = advance().position;
  const bool all = is_keyword("ALL");
  advance();
  if (!is_keyword("SELECT", 1) && !is_keyword("WITH", 1) && !is_keyword("VALUES", 1)) {
    return error_here(std::string(all ? "ALL" : "ANY") + " needs a subquery (arrays are not supported)");
  }
  KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr node, parse_subquery_expression(ExpressionKind::quantified, position));
  node->binary_operator = op;
  node->boolean_value = all;
  node->children.push_back(std::move(left));
  return finish(std::move(node));
}

// '(' query ')' as an expression of `kind`.
Result<ParsedExpressionPtr> Parser::parse_subquery_expression(ExpressionKind kind, SourcePosition position) {
  KMB_TRY(expect_symbol("("));
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<SelectNode> query, parse_query());
  KMB_TRY(expect_symbol(")"));
  auto node = make_node(kind, position);
  node->subquery = std::move(query);
  return node;
}

Result<ParsedExpressionPtr> Parser::parse_like(ParsedExpressionPtr left, bool negated, bool case_insensitive) {
  auto node = make_node(ExpressionKind::like, left->position);
  node->negated = negated;
  node->case_insensitive = case_insensitive;
  node->children.push_back(std::move(left));
  KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr pattern, parse_concat());
  node->children.push_back(std::move(pattern));
  if (accept_keyword("ESCAPE")) {
    KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr escape, parse_concat());
    node->children.push_back(std::move(escape));
  }
  return finish(std::move(node));
}

Result<ParsedExpressionPtr> Parser::parse_arithmetic() { return parse_concat(); }

Result<ParsedExpressionPtr> Parser::parse_concat() {
  KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr left, parse_additive());
  while (is_symbol("||")) {
    const SourcePosition position = advance().position;
    KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr right, parse_additive());
    KMB_ASSIGN_OR_RETURN(left, make_binary(BinaryOperator::concat, std::move(left), std::move(right), position));
  }
  return left;
}

Result<ParsedExpressionPtr> Parser::parse_additive() {
  KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr left, parse_multiplicative());
  while (is_symbol("+") || is_symbol("-")) {
    const BinaryOperator op = is_symbol("+") ? BinaryOperator::add : BinaryOperator::subtract;
    const SourcePosition position = advance().position;
    KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr right, parse_multiplicative());
    KMB_ASSIGN_OR_RETURN(left, make_binary(op, std::move(left), std::move(right), position));
  }
  return left;
}

Result<ParsedExpressionPtr> Parser::parse_multiplicative() {
  KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr left, parse_unary());
  while (is_symbol("*") || is_symbol("/") || is_symbol("%")) {
    const BinaryOperator op = is_symbol("*")   ? BinaryOperator::multiply
                              : is_symbol("/") ? BinaryOperator::divide
                                               : BinaryOperator::modulo;
    const SourcePosition position = advance().position;
    KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr right, parse_unary());
    KMB_ASSIGN_OR_RETURN(left, make_binary(op, std::move(left), std::move(right), position));
  }
  return left;
}

Result<ParsedExpressionPtr> Parser::parse_unary() {
  if (!is_symbol("-") && !is_symbol("+")) return parse_postfix();
  const UnaryOperator op = is_symbol("-") ? UnaryOperator::negate : UnaryOperator::plus;
  const SourcePosition position = advance().position;
  KMB_TRY(enter_nesting());
  Result<ParsedExpressionPtr> operand = parse_unary();
  leave_nesting();
  if (!operand.ok()) return operand.status();
  auto node = make_node(ExpressionKind::unary, position);
  node->unary_operator = op;
  node->children.push_back(std::move(operand).value());
  return finish(std::move(node));
}

Result<ParsedExpressionPtr> Parser::parse_postfix() {
  KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr operand, parse_primary());
  while (is_symbol("->") || is_symbol("->>")) {
    const BinaryOperator op = is_symbol("->") ? BinaryOperator::json_get : BinaryOperator::json_get_text;
    const SourcePosition position = advance().position;
    KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr selector, parse_primary());
    KMB_ASSIGN_OR_RETURN(operand, make_binary(op, std::move(operand), std::move(selector), position));
  }
  while (is_symbol("::")) {
    const SourcePosition position = advance().position;
    auto node = make_node(ExpressionKind::cast, position);
    KMB_ASSIGN_OR_RETURN(node->cast_type, parse_type_name());
    node->children.push_back(std::move(operand));
    KMB_ASSIGN_OR_RETURN(operand, finish(std::move(node)));
  }
  return operand;
}

Result<ParsedExpressionPtr> Parser::parse_primary() {
  const Token& token = peek();
  switch (token.kind) {
    case TokenKind::integer:
    case TokenKind::decimal:
    case TokenKind::floating: return parse_number();
    case TokenKind::string: return make_constant(kernel::Value::text(token.text), advance().position);
    case TokenKind::blob: {
      std::optional<Bytes> bytes = from_hex(token.text);
      KMB_ASSERT(bytes.has_value());  // the lexer accepts only an even number of hexadecimal digits
      return make_constant(kernel::Value::bytes(std::move(*bytes)), advance().position);
    }
    case TokenKind::parameter: {
      auto node = make_node(ExpressionKind::parameter, token.position);
      node->parameter_index = static_cast<std::uint32_t>(std::stoul(token.text));
      advance();
      return node;
    }
    case TokenKind::identifier:
    case TokenKind::quoted_identifier: return parse_word();
    case TokenKind::symbol:
      if (is_symbol("(")) {
        if (is_keyword("SELECT", 1) || is_keyword("WITH", 1) || is_keyword("VALUES", 1)) {
          return parse_subquery_expression(ExpressionKind::subquery, token.position);
        }
        advance();
        KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr inner, parse_expression());
        KMB_TRY(expect_symbol(")"));
        return inner;
      }
      if (is_symbol("*")) {
        auto node = make_node(ExpressionKind::star, token.position);
        advance();
        return node;
      }
      break;
    case TokenKind::end: break;
  }
  return error_expected("an expression");
}

Result<ParsedExpressionPtr> Parser::parse_number() {
  const Token& token = advance();
  if (token.kind == TokenKind::integer) {
    errno = 0;
    char* end = nullptr;
    const long long value = std::strtoll(token.text.c_str(), &end, 10);
    if (errno == 0) return make_constant(kernel::Value::integer(value), token.position);
  }
  if (token.kind != TokenKind::floating) {
    if (std::optional<kernel::Decimal> decimal = kernel::parse_decimal(token.text)) {
      return make_constant(kernel::Value::decimal(*decimal), token.position);
    }
  }
  errno = 0;
  const double value = std::strtod(token.text.c_str(), nullptr);
  if (errno == ERANGE) return syntax_error(token.position, "numeric literal out of range: " + token.text);
  return make_constant(kernel::Value::floating(value), token.position);
}

// A word in expression position: a literal keyword, CASE, CAST, a typed literal, a function call
// or a (qualified) column reference.
Result<ParsedExpressionPtr> Parser::parse_word() {
  const Token& token = peek();
  const SourcePosition position = token.position;
  if (token.kind == TokenKind::identifier) {
    if (accept_keyword("NULL")) return make_constant(kernel::Value::null(), position);
    if (accept_keyword("TRUE")) return make_constant(kernel::Value::boolean(true), position);
    if (accept_keyword("FALSE")) return make_constant(kernel::Value::boolean(false), position);
    if (is_keyword("CASE")) return parse_case();
    if (is_keyword("CAST")) return parse_cast();
    if (is_keyword("EXISTS")) {
      advance();
      if (!is_symbol("(") || !(is_keyword("SELECT", 1) || is_keyword("WITH", 1))) {
        return error_expected("a subquery after EXISTS");
      }
      return parse_subquery_expression(ExpressionKind::exists, position);
    }
    if (is_keyword("CURRENT_TIMESTAMP") || is_keyword("CURRENT_DATE")) {
      auto node = make_node(ExpressionKind::function, position);
      node->function_name = is_keyword("CURRENT_DATE") ? "current_date" : "now";
      advance();
      return node;
    }
    const bool typed_literal = (is_keyword("DATE") || is_keyword("TIMESTAMP")) && peek(1).kind == TokenKind::string;
    if (typed_literal) {
      auto node = make_node(ExpressionKind::cast, position);
      node->cast_type.type = is_keyword("DATE") ? kernel::Type::date : kernel::Type::timestamp;
      advance();
      node->children.push_back(make_constant(kernel::Value::text(advance().text), position));
      return finish(std::move(node));
    }
  }
  KMB_ASSIGN_OR_RETURN(Identifier first, parse_identifier("an expression"));
  if (is_symbol("(")) {
    auto call = make_node(ExpressionKind::function, position);
    call->function_name = first.name;
    return parse_function_call(std::move(call));
  }
  auto node = make_node(ExpressionKind::column_ref, position);
  node->names.push_back(std::move(first));
  if (accept_symbol(".")) {
    if (accept_symbol("*")) {
      node->kind = ExpressionKind::star;
      return node;
    }
    KMB_ASSIGN_OR_RETURN(Identifier second, parse_identifier("a column name"));
    node->names.push_back(std::move(second));
  }
  return node;
}

Result<ParsedExpressionPtr> Parser::parse_function_call(ParsedExpressionPtr call) {
  KMB_TRY(expect_symbol("("));
  for (char& c : call->function_name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (accept_symbol(")")) return parse_call_suffix(std::move(call));
  if (is_symbol("*")) {
    advance();
    call->star_argument = true;
    KMB_TRY(expect_symbol(")"));
    return parse_call_suffix(std::move(call));
  }
  if (accept_keyword("DISTINCT")) {
    call->distinct = true;
  } else {
    accept_keyword("ALL");
  }
  do {
    KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr argument, parse_expression());
    call->children.push_back(std::move(argument));
  } while (accept_symbol(","));
  if (call->function_name == "substring" && call->children.size() == 1 && is_keyword("FROM")) {
    // SUBSTRING(text FROM start [FOR length])
    advance();
    KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr start, parse_expression());
    call->children.push_back(std::move(start));
    if (accept_keyword("FOR")) {
      KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr length, parse_expression());
      call->children.push_back(std::move(length));
    }
  }
  KMB_TRY(expect_symbol(")"));
  return parse_call_suffix(std::move(call));
}

// After a call's ')': [FILTER (WHERE condition)] [OVER window].
Result<ParsedExpressionPtr> Parser::parse_call_suffix(ParsedExpressionPtr call) {
  if (accept_keyword("FILTER")) {
    KMB_TRY(expect_symbol("("));
    KMB_TRY(expect_keyword("WHERE"));
    KMB_ASSIGN_OR_RETURN(call->filter, parse_expression());
    KMB_TRY(expect_symbol(")"));
  }
  if (accept_keyword("OVER")) {
    KMB_ASSIGN_OR_RETURN(WindowDefinition window, parse_over());
    call->over = std::make_shared<const WindowDefinition>(std::move(window));
  }
  return finish(std::move(call));
}

Result<ParsedExpressionPtr> Parser::parse_case() {
  auto node = make_node(ExpressionKind::case_when, advance().position);
  if (is_keyword("END")) return error_expected("WHEN");
  if (!is_keyword("WHEN")) {
    KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr operand, parse_expression());
    node->children.push_back(std::move(operand));
    node->has_operand = true;
  }
  if (!is_keyword("WHEN")) return error_expected("WHEN");
  while (accept_keyword("WHEN")) {
    KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr condition, parse_expression());
    KMB_TRY(expect_keyword("THEN"));
    KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr result, parse_expression());
    node->children.push_back(std::move(condition));
    node->children.push_back(std::move(result));
  }
  if (accept_keyword("ELSE")) {
    KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr otherwise, parse_expression());
    node->children.push_back(std::move(otherwise));
    node->has_else = true;
  }
  KMB_TRY(expect_keyword("END"));
  return finish(std::move(node));
}

Result<ParsedExpressionPtr> Parser::parse_cast() {
  auto node = make_node(ExpressionKind::cast, advance().position);
  KMB_TRY(expect_symbol("("));
  KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr operand, parse_expression());
  node->children.push_back(std::move(operand));
  KMB_TRY(expect_keyword("AS"));
  KMB_ASSIGN_OR_RETURN(node->cast_type, parse_type_name());
  KMB_TRY(expect_symbol(")"));
  return finish(std::move(node));
}

// A type: one word (or DOUBLE PRECISION / CHARACTER VARYING), then optional (n) or (p, s).
Result<TypeName> Parser::parse_type_name() {
  if (peek().kind != TokenKind::identifier) return error_expected("a type name");
  const Token& word = advance();
  std::string name = word.text;
  if (kernel::identifier_equal(name, "DOUBLE") && accept_keyword("PRECISION")) name = "DOUBLE PRECISION";
  if (kernel::identifier_equal(name, "CHARACTER") && accept_keyword("VARYING")) name = "VARCHAR";
  std::optional<kernel::Type> type = kernel::parse_type_name(name);
  if (!type) return syntax_error(word.position, "unknown type '" + name + "'");
  TypeName result;
  result.type = *type;
  if (!accept_symbol("(")) return result;
  KMB_ASSIGN_OR_RETURN(std::uint32_t first, parse_small_integer("a type length or precision"));
  std::uint32_t second = 0;
  const bool has_second = accept_symbol(",");
  if (has_second) {
    KMB_ASSIGN_OR_RETURN(second, parse_small_integer("a scale"));
  }
  KMB_TRY(expect_symbol(")"));
  if (*type == kernel::Type::decimal) {
    if (first < 1 || first > 38) return syntax_error(word.position, "DECIMAL precision must be between 1 and 38");
    if (second > first) return syntax_error(word.position, "DECIMAL scale must be between 0 and the precision");
    result.precision = static_cast<std::uint8_t>(first);
    result.scale = static_cast<std::uint8_t>(second);
  } else if (*type != kernel::Type::text || has_second) {
    return syntax_error(word.position, "type " + name + " takes no parameters");
  }
  return result;
}

}  // namespace kmb::sql
