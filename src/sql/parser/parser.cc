#include "sql/parser/parser.h"

#include <algorithm>

#include "kernel/schema.h"
#include "sql/parser/lexer.h"
#include "sql/parser/parser_internal.h"

namespace kmb::sql {

namespace {

std::string upper(std::string_view text) {
  std::string result(text);
  for (char& c : result) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return result;
}

}  // namespace

bool identifier_matches(const Identifier& identifier, std::string_view actual) {
  if (identifier.quoted) return identifier.name == actual;
  return kernel::identifier_equal(identifier.name, actual);
}

std::string_view binary_operator_text(BinaryOperator op) {
  switch (op) {
    case BinaryOperator::logical_and: return "AND";
    case BinaryOperator::logical_or: return "OR";
    case BinaryOperator::equal: return "=";
    case BinaryOperator::not_equal: return "<>";
    case BinaryOperator::less: return "<";
    case BinaryOperator::less_equal: return "<=";
    case BinaryOperator::greater: return ">";
    case BinaryOperator::greater_equal: return ">=";
    case BinaryOperator::add: return "+";
    case BinaryOperator::subtract: return "-";
    case BinaryOperator::multiply: return "*";
    case BinaryOperator::divide: return "/";
    case BinaryOperator::modulo: return "%";
    case BinaryOperator::concat: return "||";
    case BinaryOperator::json_get: return "->";
    case BinaryOperator::json_get_text: return "->>";
  }
  return "?";
}

bool is_reserved_word(std::string_view word) {
  static constexpr std::string_view reserved[] = {
      "ALL",     "AND",      "ANY",        "AS",        "ASC",     "AT",        "BETWEEN",   "BY",
      "CASE",    "CAST",     "CHECK",      "COLLATE",   "CONSTRAINT", "CREATE", "CROSS",     "CURRENT_DATE",
      "CURRENT_TIMESTAMP",   "DEFAULT",    "DELETE",    "DESC",    "DISTINCT",  "DROP",      "ELSE",
      "END",     "ESCAPE",   "EXCEPT",     "EXISTS",    "EXPLAIN", "FALSE",     "FETCH",     "FOR",
      "FOREIGN", "FROM",     "FULL",       "GROUP",     "HAVING",  "ILIKE",     "IN",        "INNER",
      "INSERT",  "INTERSECT", "INTO",      "IS",        "JOIN",    "LEFT",      "LIKE",      "LIMIT",
      "NATURAL", "NOT",      "NULL",       "OFFSET",    "ON",      "OR",        "ORDER",     "OUTER",
      "PRIMARY", "REFERENCES", "RETURNING", "RIGHT",    "SELECT",  "SET",       "TABLE",     "THEN",
      "TO",      "TRUE",     "UNION",      "UNIQUE",    "UPDATE",  "USING",     "VALUES",    "WHEN",
      "WHERE",   "WINDOW",   "WITH",
  };
  const std::string word_upper = upper(word);
  return std::find(std::begin(reserved), std::end(reserved), word_upper) != std::end(reserved);
}

Parser::Parser(std::vector<Token> tokens, const ParserOptions& options)
    : tokens_(std::move(tokens)), options_(options) {
  KMB_ASSERT(!tokens_.empty());
  KMB_ASSERT(tokens_.back().kind == TokenKind::end);
}

const Token& Parser::peek(std::size_t ahead) const {
  return tokens_[std::min(at_ + ahead, tokens_.size() - 1)];
}

const Token& Parser::advance() {
  const Token& token = tokens_[at_];
  if (at_ + 1 < tokens_.size()) at_++;
  return token;
}

bool Parser::is_keyword(std::string_view keyword, std::size_t ahead) const {
  const Token& token = peek(ahead);
  return token.kind == TokenKind::identifier && kernel::identifier_equal(token.text, keyword);
}

bool Parser::accept_keyword(std::string_view keyword) {
  if (!is_keyword(keyword)) return false;
  advance();
  return true;
}

Status Parser::expect_keyword(std::string_view keyword) {
  if (accept_keyword(keyword)) return Status::ok_status();
  return error_expected(keyword);
}

bool Parser::is_symbol(std::string_view symbol, std::size_t ahead) const {
  const Token& token = peek(ahead);
  return token.kind == TokenKind::symbol && token.text == symbol;
}

bool Parser::accept_symbol(std::string_view symbol) {
  if (!is_symbol(symbol)) return false;
  advance();
  return true;
}

Status Parser::expect_symbol(std::string_view symbol) {
  if (accept_symbol(symbol)) return Status::ok_status();
  std::string what = "'";
  what += symbol;
  what += "'";
  return error_expected(what);
}

Status Parser::error_expected(std::string_view what) const {
  return syntax_error(peek().position, "expected " + std::string(what) + " but found " + describe_token(peek()));
}

Status Parser::error_here(std::string_view message) const { return syntax_error(peek().position, message); }

bool Parser::at_identifier() const {
  const Token& token = peek();
  if (token.kind == TokenKind::quoted_identifier) return true;
  return token.kind == TokenKind::identifier && !is_reserved_word(token.text);
}

Result<Identifier> Parser::parse_identifier(std::string_view what) {
  if (!at_identifier()) return error_expected(what);
  const Token& token = advance();
  if (token.kind == TokenKind::quoted_identifier) return Identifier{token.text, true};
  std::string lower(token.text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return Identifier{std::move(lower), false};
}

Result<std::vector<Identifier>> Parser::parse_identifier_list(std::string_view what) {
  KMB_TRY(expect_symbol("("));
  std::vector<Identifier> names;
  do {
    KMB_ASSIGN_OR_RETURN(Identifier name, parse_identifier(what));
    names.push_back(std::move(name));
  } while (accept_symbol(","));
  KMB_TRY(expect_symbol(")"));
  return names;
}

Result<std::uint32_t> Parser::parse_small_integer(std::string_view what) {
  if (peek().kind != TokenKind::integer || peek().text.size() > 9) return error_expected(what);
  return static_cast<std::uint32_t>(std::stoul(advance().text));
}

Result<Statement> Parser::parse_single_statement() {
  KMB_ASSIGN_OR_RETURN(Statement statement, parse_any_statement());
  accept_symbol(";");
  if (!at_end()) return error_expected("end of statement");
  return statement;
}

Result<Statement> Parser::parse_any_statement() {
  Statement statement;
  if (at_query_start()) {
    KMB_ASSIGN_OR_RETURN(statement.node, parse_select());
  } else if (is_keyword("INSERT") || (is_keyword("REPLACE") && is_keyword("INTO", 1))) {
    KMB_ASSIGN_OR_RETURN(statement.node, parse_insert());
  } else if (is_keyword("UPDATE")) {
    KMB_ASSIGN_OR_RETURN(statement.node, parse_update());
  } else if (is_keyword("DELETE")) {
    KMB_ASSIGN_OR_RETURN(statement.node, parse_delete());
  } else if (is_keyword("CREATE")) {
    return parse_create();
  } else if (is_keyword("DROP")) {
    return parse_drop();
  } else if (is_keyword("ALTER")) {
    KMB_ASSIGN_OR_RETURN(statement.node, parse_alter());
  } else if (is_keyword("REINDEX")) {
    KMB_ASSIGN_OR_RETURN(statement.node, parse_reindex());
  } else if (at_transaction_control()) {
    KMB_ASSIGN_OR_RETURN(statement.node, parse_transaction_control());
  } else if (accept_keyword("EXPLAIN")) {
    if (is_keyword("EXPLAIN")) return error_here("EXPLAIN cannot be nested");
    if (at_transaction_control()) return error_here("EXPLAIN of a transaction statement is not supported");
    KMB_ASSIGN_OR_RETURN(Statement inner, parse_any_statement());
    statement.node = ExplainStatement{std::make_unique<Statement>(std::move(inner))};
  } else {
    return error_expected("a statement");
  }
  return statement;
}

Result<Statement> parse_statement(std::string_view sql, const ParserOptions& options) {
  KMB_ASSIGN_OR_RETURN(std::vector<Token> tokens, tokenize(sql));
  Parser parser(std::move(tokens), options);
  parser.set_source(sql);
  return parser.parse_single_statement();
}

Result<ParsedExpressionPtr> parse_expression(std::string_view sql, const ParserOptions& options) {
  KMB_ASSIGN_OR_RETURN(std::vector<Token> tokens, tokenize(sql));
  Parser parser(std::move(tokens), options);
  KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr expression, parser.parse_expression());
  if (!parser.at_end()) return parser.error_expected("end of expression");
  return expression;
}

}  // namespace kmb::sql
