// INSERT, UPDATE and DELETE.
#include "sql/parser/lexer.h"
#include "sql/parser/parser_internal.h"

namespace kmb::sql {

namespace {

Result<ParsedExpressionPtr> make_default(SourcePosition position) {
  auto node = std::make_unique<ParsedExpression>();
  node->kind = ExpressionKind::default_value;
  node->position = position;
  return node;
}

}  // namespace

// {INSERT [OR {REPLACE | IGNORE}] | REPLACE} INTO t [(cols)] { VALUES (...), ... | SELECT ... | DEFAULT VALUES }
// SQLite's OR REPLACE / OR IGNORE become the ON CONFLICT clause they mean (statement.h).
Result<InsertStatement> Parser::parse_insert() {
  InsertStatement statement;
  KMB_ASSIGN_OR_RETURN(statement.on_conflict, parse_insert_verb());
  KMB_TRY(expect_keyword("INTO"));
  statement.table_position = peek().position;
  KMB_ASSIGN_OR_RETURN(statement.table, parse_identifier("a table name"));
  if (is_symbol("(")) {
    KMB_ASSIGN_OR_RETURN(statement.columns, parse_identifier_list("a column name"));
  }
  // INSERT's own VALUES list (which allows DEFAULT) rather than a VALUES query.
  if (at_query_start() && !is_keyword("VALUES")) {
    KMB_ASSIGN_OR_RETURN(SelectStatement select, parse_select());
    statement.select = std::make_unique<SelectStatement>(std::move(select));
    KMB_TRY(parse_on_conflict(statement));
    KMB_TRY(parse_returning(statement.returning));
    return statement;
  }
  if (accept_keyword("DEFAULT")) {
    KMB_TRY(expect_keyword("VALUES"));
    statement.rows.emplace_back();
    KMB_TRY(parse_on_conflict(statement));
    KMB_TRY(parse_returning(statement.returning));
    return statement;
  }
  KMB_TRY(expect_keyword("VALUES"));
  do {
    KMB_TRY(expect_symbol("("));
    std::vector<ParsedExpressionPtr> row;
    do {
      if (is_keyword("DEFAULT")) {
        KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr value, make_default(advance().position));
        row.push_back(std::move(value));
      } else {
        KMB_ASSIGN_OR_RETURN(ParsedExpressionPtr value, parse_expression());
        row.push_back(std::move(value));
      }
    } while (accept_symbol(","));
    KMB_TRY(expect_symbol(")"));
    statement.rows.push_back(std::move(row));
  } while (accept_symbol(","));
  KMB_TRY(parse_on_conflict(statement));
  KMB_TRY(parse_returning(statement.returning));
  return statement;
}

// INSERT | INSERT OR REPLACE | INSERT OR IGNORE | REPLACE: the conflict clause the verb implies.
Result<std::optional<OnConflict>> Parser::parse_insert_verb() {
  OnConflict conflict;
  conflict.position = peek().position;
  if (accept_keyword("REPLACE")) {
    conflict.syntax = ConflictSyntax::or_replace;
    conflict.do_update = true;
    return std::optional<OnConflict>(std::move(conflict));
  }
  KMB_TRY(expect_keyword("INSERT"));
  if (!accept_keyword("OR")) return std::optional<OnConflict>();
  conflict.position = peek().position;
  if (accept_keyword("REPLACE")) {
    conflict.syntax = ConflictSyntax::or_replace;
    conflict.do_update = true;
    return std::optional<OnConflict>(std::move(conflict));
  }
  if (accept_keyword("IGNORE")) {
    conflict.syntax = ConflictSyntax::or_ignore;
    return std::optional<OnConflict>(std::move(conflict));
  }
  if (is_keyword("ABORT") || is_keyword("FAIL") || is_keyword("ROLLBACK")) {
    return error_here("INSERT OR " + peek().text +
                      " is not supported; a failing INSERT always writes nothing (use INSERT, or INSERT OR IGNORE)");
  }
  return error_expected("REPLACE or IGNORE after INSERT OR");
}

// ON CONFLICT [(col, ...)] DO NOTHING | ON CONFLICT [(col, ...)] DO UPDATE SET col = expr, ... [WHERE expr]
Status Parser::parse_on_conflict(InsertStatement& statement) {
  if (!is_keyword("ON")) return Status::ok_status();
  if (statement.on_conflict) {
    const bool ignore = statement.on_conflict->syntax == ConflictSyntax::or_ignore;
    return error_here(std::string(ignore ? "INSERT OR IGNORE" : "REPLACE") +
                      " already says what happens on a conflict; it cannot have an ON CONFLICT clause");
  }
  advance();
  KMB_TRY(expect_keyword("CONFLICT"));
  OnConflict conflict;
  conflict.position = peek().position;
  if (is_symbol("(")) {
    KMB_ASSIGN_OR_RETURN(conflict.columns, parse_identifier_list("a column name"));
  }
  KMB_TRY(expect_keyword("DO"));
  if (accept_keyword("NOTHING")) {
    statement.on_conflict = std::move(conflict);
    return Status::ok_status();
  }
  KMB_TRY(expect_keyword("UPDATE"));
  KMB_TRY(expect_keyword("SET"));
  conflict.do_update = true;
  do {
    Assignment assignment;
    KMB_ASSIGN_OR_RETURN(assignment.column, parse_identifier("a column name"));
    KMB_TRY(expect_symbol("="));
    KMB_ASSIGN_OR_RETURN(assignment.value, parse_expression());
    conflict.assignments.push_back(std::move(assignment));
  } while (accept_symbol(","));
  if (accept_keyword("WHERE")) {
    KMB_ASSIGN_OR_RETURN(conflict.where, parse_expression());
  }
  statement.on_conflict = std::move(conflict);
  return Status::ok_status();
}

// UPDATE t [[AS] alias] SET col = expr, ... [WHERE expr]
Result<UpdateStatement> Parser::parse_update() {
  KMB_TRY(expect_keyword("UPDATE"));
  UpdateStatement statement;
  KMB_ASSIGN_OR_RETURN(statement.table, parse_identifier("a table name"));
  if (accept_keyword("AS") || at_identifier()) {
    KMB_ASSIGN_OR_RETURN(statement.alias, parse_identifier("a table alias"));
  }
  KMB_TRY(expect_keyword("SET"));
  do {
    Assignment assignment;
    KMB_ASSIGN_OR_RETURN(assignment.column, parse_identifier("a column name"));
    if (accept_symbol(".")) {
      KMB_ASSIGN_OR_RETURN(assignment.column, parse_identifier("a column name"));
    }
    KMB_TRY(expect_symbol("="));
    if (is_keyword("DEFAULT")) {
      KMB_ASSIGN_OR_RETURN(assignment.value, make_default(advance().position));
    } else {
      KMB_ASSIGN_OR_RETURN(assignment.value, parse_expression());
    }
    statement.assignments.push_back(std::move(assignment));
  } while (accept_symbol(","));
  if (is_keyword("FROM")) return error_here("UPDATE ... FROM is not supported yet");
  if (accept_keyword("WHERE")) {
    KMB_ASSIGN_OR_RETURN(statement.where, parse_expression());
  }
  KMB_TRY(parse_returning(statement.returning));
  return statement;
}

// DELETE FROM t [[AS] alias] [WHERE expr]
Result<DeleteStatement> Parser::parse_delete() {
  KMB_TRY(expect_keyword("DELETE"));
  KMB_TRY(expect_keyword("FROM"));
  DeleteStatement statement;
  KMB_ASSIGN_OR_RETURN(statement.table, parse_identifier("a table name"));
  if (accept_keyword("AS") || at_identifier()) {
    KMB_ASSIGN_OR_RETURN(statement.alias, parse_identifier("a table alias"));
  }
  if (is_keyword("USING")) return error_here("DELETE ... USING is not supported yet");
  if (accept_keyword("WHERE")) {
    KMB_ASSIGN_OR_RETURN(statement.where, parse_expression());
  }
  KMB_TRY(parse_returning(statement.returning));
  return statement;
}

}  // namespace kmb::sql
