// Transaction control (BEGIN, COMMIT, ROLLBACK and their synonyms) and CREATE / DROP VIEW.
#include "sql/parser/parser_internal.h"

namespace kmb::sql {

bool Parser::at_transaction_control() const {
  return is_keyword("BEGIN") || (is_keyword("START") && is_keyword("TRANSACTION", 1)) || is_keyword("COMMIT") ||
         is_keyword("END") || is_keyword("ROLLBACK") || is_keyword("ABORT");
}

Result<TransactionStatement> Parser::parse_transaction_control() {
  TransactionStatement statement;
  if (accept_keyword("START")) {
    KMB_TRY(expect_keyword("TRANSACTION"));
    return statement;
  }
  if (accept_keyword("BEGIN")) {
    statement.kind = TransactionStatement::Kind::begin;
  } else if (accept_keyword("COMMIT") || accept_keyword("END")) {
    statement.kind = TransactionStatement::Kind::commit;
  } else if (accept_keyword("ROLLBACK") || accept_keyword("ABORT")) {
    statement.kind = TransactionStatement::Kind::rollback;
  } else {
    return error_expected("BEGIN, COMMIT or ROLLBACK");
  }
  if (!accept_keyword("TRANSACTION")) accept_keyword("WORK");
  if (statement.kind == TransactionStatement::Kind::begin && is_keyword("ISOLATION")) {
    return error_here("isolation levels cannot be chosen: every transaction is serializable");
  }
  return statement;
}

Result<CreateViewStatement> Parser::parse_create_view() {
  KMB_TRY(expect_keyword("VIEW"));
  CreateViewStatement statement;
  statement.if_not_exists = parse_if_not_exists();
  KMB_ASSIGN_OR_RETURN(statement.name, parse_identifier("a view name"));
  if (is_symbol("(")) {
    KMB_ASSIGN_OR_RETURN(statement.columns, parse_identifier_list("a column name"));
  }
  KMB_TRY(expect_keyword("AS"));
  if (!at_query_start()) return error_expected("a query after AS");
  const std::uint32_t start = peek().offset;
  KMB_ASSIGN_OR_RETURN(statement.query, parse_query());
  const std::uint32_t end = peek().offset;  // the ';' or the end of the input
  KMB_ASSERT(start <= end);
  KMB_ASSERT(end <= source_.size());
  statement.query_text = std::string(source_.substr(start, end - start));
  while (!statement.query_text.empty() &&
         (statement.query_text.back() == ' ' || statement.query_text.back() == '\n' ||
          statement.query_text.back() == '\t' || statement.query_text.back() == '\r')) {
    statement.query_text.pop_back();
  }
  return statement;
}

Result<DropViewStatement> Parser::parse_drop_view() {
  KMB_TRY(expect_keyword("VIEW"));
  DropViewStatement statement;
  statement.if_exists = parse_if_exists();
  KMB_ASSIGN_OR_RETURN(statement.name, parse_identifier("a view name"));
  return statement;
}

}  // namespace kmb::sql
