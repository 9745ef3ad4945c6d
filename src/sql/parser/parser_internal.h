// The recursive-descent parser's state and its grammar rules, shared by the parse_*.cc files
// (one file per part of the grammar). Internal to src/sql/parser.
//
// Thread-safety: one Parser per parse, used by one thread.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "sql/parser/parser.h"
#include "sql/parser/token.h"

namespace kmb::sql {

class Parser {
 public:
  Parser(std::vector<Token> tokens, const ParserOptions& options);
  // The SQL text the tokens came from (for CREATE VIEW's stored query).
  void set_source(std::string_view source) { source_ = source; }

  // Statements (parse_statement.cc, parse_select.cc, parse_ddl.cc).
  Result<Statement> parse_single_statement();
  Result<Statement> parse_any_statement();
  Result<SelectStatement> parse_select();
  // A query: [WITH ...] SELECT ... {UNION|INTERSECT|EXCEPT ...} [ORDER BY] [LIMIT] [OFFSET].
  Result<std::unique_ptr<SelectNode>> parse_query();
  // SELECT, WITH, or '(' followed (possibly after more '(') by SELECT or WITH.
  bool at_query_start() const;

  // Expressions (parse_expression.cc).
  Result<ParsedExpressionPtr> parse_expression();
  // An expression without boolean operators, comparisons or IS (a DEFAULT, a BETWEEN bound).
  Result<ParsedExpressionPtr> parse_arithmetic();
  Result<TypeName> parse_type_name();

  // Token helpers.
  const Token& peek(std::size_t ahead = 0) const;
  const Token& advance();
  bool at_end() const { return peek().kind == TokenKind::end; }
  bool is_keyword(std::string_view keyword, std::size_t ahead = 0) const;
  bool accept_keyword(std::string_view keyword);
  Status expect_keyword(std::string_view keyword);
  bool is_symbol(std::string_view symbol, std::size_t ahead = 0) const;
  bool accept_symbol(std::string_view symbol);
  Status expect_symbol(std::string_view symbol);
  // "expected <what> but found <token>" at the current token.
  Status error_expected(std::string_view what) const;
  Status error_here(std::string_view message) const;
  // A name: an unreserved word or a quoted identifier.
  Result<Identifier> parse_identifier(std::string_view what);
  bool at_identifier() const;
  Result<std::vector<Identifier>> parse_identifier_list(std::string_view what);
  Result<std::uint32_t> parse_small_integer(std::string_view what);

 private:
  // Expressions, loosest binding first.
  Result<ParsedExpressionPtr> parse_or();
  Result<ParsedExpressionPtr> parse_and();
  Result<ParsedExpressionPtr> parse_not();
  Result<ParsedExpressionPtr> parse_comparison();
  Result<ParsedExpressionPtr> parse_predicate_suffix(ParsedExpressionPtr left);
  Result<ParsedExpressionPtr> parse_concat();
  Result<ParsedExpressionPtr> parse_additive();
  Result<ParsedExpressionPtr> parse_multiplicative();
  Result<ParsedExpressionPtr> parse_unary();
  Result<ParsedExpressionPtr> parse_postfix();
  Result<ParsedExpressionPtr> parse_primary();
  Result<ParsedExpressionPtr> parse_number();
  Result<ParsedExpressionPtr> parse_word();
  Result<ParsedExpressionPtr> parse_function_call(ParsedExpressionPtr call);
  Result<ParsedExpressionPtr> parse_call_suffix(ParsedExpressionPtr call);
  Result<ParsedExpressionPtr> parse_case();
  Result<ParsedExpressionPtr> parse_cast();
  Result<ParsedExpressionPtr> parse_in_list(ParsedExpressionPtr left, bool negated);
  Result<ParsedExpressionPtr> parse_quantified(BinaryOperator op, ParsedExpressionPtr left);
  Result<ParsedExpressionPtr> parse_like(ParsedExpressionPtr left, bool negated, bool case_insensitive);
  Result<ParsedExpressionPtr> make_binary(BinaryOperator op, ParsedExpressionPtr left, ParsedExpressionPtr right,
                                          SourcePosition position);
  // Sets `expression`'s depth from its children; error if over the limit.
  Result<ParsedExpressionPtr> finish(ParsedExpressionPtr expression);
  Status enter_nesting();
  void leave_nesting() { nesting_--; }

  // SELECT (parse_select.cc).
  Result<std::unique_ptr<SelectNode>> parse_select_node();
  Result<std::unique_ptr<SelectNode>> parse_query_unbounded();
  Result<std::unique_ptr<SelectNode>> parse_query_term();
  Result<std::unique_ptr<SelectNode>> parse_query_primary();
  Result<std::unique_ptr<SelectNode>> parse_values_query();  // parse_values.cc
  Status parse_with(SelectNode& node);
  Result<ParsedExpressionPtr> parse_subquery_expression(ExpressionKind kind, SourcePosition position);
  Status parse_select_list(SelectNode& node);
  // [RETURNING item, ...]
  Status parse_returning(std::vector<SelectItem>& items);
  Status parse_on_conflict(InsertStatement& statement);
  Result<std::optional<OnConflict>> parse_insert_verb();  // parse_dml.cc
  Result<std::unique_ptr<TableRef>> parse_table_ref();
  Result<std::unique_ptr<TableRef>> parse_base_table();
  Status parse_time_travel(TimeTravel& time_travel);
  Status parse_order_by(SelectNode& node);
  Status parse_order_list(std::vector<OrderItem>& items);  // item, ... after ORDER BY

  // Windows (parse_window.cc): OVER name | OVER (definition), WINDOW name AS (definition), ...
  Result<WindowDefinition> parse_over();
  Result<WindowDefinition> parse_window_definition();
  Status parse_window_clause(SelectNode& node);
  Result<FrameDefinition> parse_frame();
  Result<FrameBoundDefinition> parse_frame_bound();
  Status parse_limit_offset(SelectNode& node);

  // DML (parse_statement.cc) and DDL (parse_ddl.cc).
  Result<InsertStatement> parse_insert();
  Result<UpdateStatement> parse_update();
  Result<DeleteStatement> parse_delete();
  Result<Statement> parse_create();
  Result<Statement> parse_drop();
  Result<AlterTableStatement> parse_alter();
  Result<ReindexStatement> parse_reindex();  // parse_ddl.cc
  Result<CreateTableStatement> parse_create_table();
  Status parse_table_element(CreateTableStatement& statement);
  Result<ColumnDefinition> parse_column_definition();
  Result<CreateIndexStatement> parse_create_index(bool unique);
  // Transaction control and views (parse_transaction.cc).
  bool at_transaction_control() const;
  Result<TransactionStatement> parse_transaction_control();
  Result<CreateViewStatement> parse_create_view();
  Result<DropViewStatement> parse_drop_view();
  bool parse_if_not_exists();
  bool parse_if_exists();

  std::vector<Token> tokens_;
  std::size_t at_ = 0;
  ParserOptions options_;
  std::uint32_t nesting_ = 0;
  std::string_view source_;
};

// Words that cannot be used as unquoted names or implicit aliases.
bool is_reserved_word(std::string_view word);

}  // namespace kmb::sql
