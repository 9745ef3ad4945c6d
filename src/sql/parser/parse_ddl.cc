// CREATE TABLE / INDEX / STREAM, DROP TABLE / INDEX, ALTER TABLE.
#include "sql/parser/lexer.h"
#include "sql/parser/parser_internal.h"

namespace kmb::sql {

bool Parser::parse_if_not_exists() {
  if (!is_keyword("IF") || !is_keyword("NOT", 1) || !is_keyword("EXISTS", 2)) return false;
  advance();
  advance();
  advance();
  return true;
}

bool Parser::parse_if_exists() {
  if (!is_keyword("IF") || !is_keyword("EXISTS", 1)) return false;
  advance();
  advance();
  return true;
}

Result<Statement> Parser::parse_create() {
  KMB_TRY(expect_keyword("CREATE"));
  Statement statement;
  if (is_keyword("TABLE")) {
    KMB_ASSIGN_OR_RETURN(statement.node, parse_create_table());
  } else if (accept_keyword("UNIQUE")) {
    KMB_ASSIGN_OR_RETURN(statement.node, parse_create_index(true));
  } else if (is_keyword("INDEX")) {
    KMB_ASSIGN_OR_RETURN(statement.node, parse_create_index(false));
  } else if (is_keyword("VIEW")) {
    KMB_ASSIGN_OR_RETURN(statement.node, parse_create_view());
  } else if (accept_keyword("STREAM")) {
    CreateStreamStatement stream;
    stream.if_not_exists = parse_if_not_exists();
    KMB_ASSIGN_OR_RETURN(stream.name, parse_identifier("a stream name"));
    statement.node = std::move(stream);
  } else {
    return error_expected("TABLE, INDEX, UNIQUE INDEX, VIEW or STREAM after CREATE");
  }
  return statement;
}

Result<Statement> Parser::parse_drop() {
  KMB_TRY(expect_keyword("DROP"));
  Statement statement;
  if (accept_keyword("TABLE")) {
    DropTableStatement drop;
    drop.if_exists = parse_if_exists();
    KMB_ASSIGN_OR_RETURN(drop.name, parse_identifier("a table name"));
    statement.node = std::move(drop);
  } else if (accept_keyword("INDEX")) {
    DropIndexStatement drop;
    drop.if_exists = parse_if_exists();
    KMB_ASSIGN_OR_RETURN(drop.name, parse_identifier("an index name"));
    statement.node = std::move(drop);
  } else if (is_keyword("VIEW")) {
    KMB_ASSIGN_OR_RETURN(statement.node, parse_drop_view());
  } else {
    return error_expected("TABLE, INDEX or VIEW after DROP");
  }
  if (is_keyword("CASCADE") || is_keyword("RESTRICT")) return error_here("CASCADE and RESTRICT are not supported");
  return statement;
}

// REINDEX [name] (SQLite): a table or index name; accepted and checked, but there is nothing to
// rebuild (planner/reindex_planner.h says why).
Result<ReindexStatement> Parser::parse_reindex() {
  KMB_TRY(expect_keyword("REINDEX"));
  ReindexStatement statement;
  if (at_end() || is_symbol(";")) return statement;
  KMB_ASSIGN_OR_RETURN(statement.name, parse_identifier("a table or index name"));
  if (is_symbol(".")) return error_here("schema-qualified names are not supported (there is one schema)");
  return statement;
}

// ALTER TABLE t ADD [COLUMN] column_definition | DROP [COLUMN] name
Result<AlterTableStatement> Parser::parse_alter() {
  KMB_TRY(expect_keyword("ALTER"));
  KMB_TRY(expect_keyword("TABLE"));
  AlterTableStatement statement;
  KMB_ASSIGN_OR_RETURN(statement.table, parse_identifier("a table name"));
  if (accept_keyword("ADD")) {
    statement.action = AlterTableStatement::Action::add_column;
    // COLUMN is optional; "ADD column INT" names a column "column".
    if (is_keyword("COLUMN") && peek(2).kind == TokenKind::identifier) advance();
    if (is_keyword("PRIMARY") || is_keyword("UNIQUE") || is_keyword("CONSTRAINT")) {
      return error_here("adding constraints is not supported");
    }
    KMB_ASSIGN_OR_RETURN(statement.column, parse_column_definition());
    return statement;
  }
  if (accept_keyword("DROP")) {
    statement.action = AlterTableStatement::Action::drop_column;
    if (is_keyword("COLUMN") && (peek(1).kind == TokenKind::identifier || peek(1).kind == TokenKind::quoted_identifier)) {
      advance();
    }
    KMB_ASSIGN_OR_RETURN(statement.column_name, parse_identifier("a column name"));
    return statement;
  }
  if (is_keyword("RENAME") || is_keyword("ALTER")) return error_here("ALTER TABLE ... " + peek().text + " is not supported");
  return error_expected("ADD or DROP");
}

Result<CreateTableStatement> Parser::parse_create_table() {
  KMB_TRY(expect_keyword("TABLE"));
  CreateTableStatement statement;
  statement.if_not_exists = parse_if_not_exists();
  KMB_ASSIGN_OR_RETURN(statement.name, parse_identifier("a table name"));
  if (is_keyword("AS")) return error_here("CREATE TABLE ... AS is not supported");
  KMB_TRY(expect_symbol("("));
  do {
    KMB_TRY(parse_table_element(statement));
  } while (accept_symbol(","));
  KMB_TRY(expect_symbol(")"));
  return statement;
}

// A column definition or a table constraint: [CONSTRAINT name] PRIMARY KEY (...) | UNIQUE (...).
Status Parser::parse_table_element(CreateTableStatement& statement) {
  if (accept_keyword("CONSTRAINT")) {
    KMB_ASSIGN_OR_RETURN(Identifier ignored, parse_identifier("a constraint name"));
    (void)ignored;
    if (!is_keyword("PRIMARY") && !is_keyword("UNIQUE")) return error_expected("PRIMARY KEY or UNIQUE");
  }
  if (accept_keyword("PRIMARY")) {
    KMB_TRY(expect_keyword("KEY"));
    if (!statement.primary_key.empty()) return error_here("multiple primary keys are not allowed");
    KMB_ASSIGN_OR_RETURN(statement.primary_key, parse_identifier_list("a column name"));
    return Status::ok_status();
  }
  if (accept_keyword("UNIQUE")) {
    KMB_ASSIGN_OR_RETURN(std::vector<Identifier> columns, parse_identifier_list("a column name"));
    statement.unique_groups.push_back(std::move(columns));
    return Status::ok_status();
  }
  if (is_keyword("FOREIGN") || is_keyword("CHECK")) return error_here(peek().text + " constraints are not supported");
  KMB_ASSIGN_OR_RETURN(ColumnDefinition column, parse_column_definition());
  statement.columns.push_back(std::move(column));
  return Status::ok_status();
}

// name type { NOT NULL | NULL | DEFAULT expr | PRIMARY KEY | UNIQUE }
Result<ColumnDefinition> Parser::parse_column_definition() {
  ColumnDefinition column;
  column.position = peek().position;
  KMB_ASSIGN_OR_RETURN(column.name, parse_identifier("a column name"));
  KMB_ASSIGN_OR_RETURN(column.type, parse_type_name());
  while (true) {
    if (accept_keyword("NOT")) {
      KMB_TRY(expect_keyword("NULL"));
      column.not_null = true;
    } else if (accept_keyword("NULL")) {
      column.not_null = false;
    } else if (accept_keyword("DEFAULT")) {
      if (column.default_value) return error_here("multiple DEFAULT values");
      KMB_ASSIGN_OR_RETURN(column.default_value, parse_arithmetic());
    } else if (accept_keyword("PRIMARY")) {
      KMB_TRY(expect_keyword("KEY"));
      column.primary_key = true;
    } else if (accept_keyword("UNIQUE")) {
      column.unique = true;
    } else if (is_keyword("REFERENCES") || is_keyword("CHECK")) {
      return error_here(peek().text + " constraints are not supported");
    } else {
      return column;
    }
  }
}

// CREATE [UNIQUE] INDEX [IF NOT EXISTS] name ON t (cols)
Result<CreateIndexStatement> Parser::parse_create_index(bool unique) {
  KMB_TRY(expect_keyword("INDEX"));
  CreateIndexStatement statement;
  statement.unique = unique;
  statement.if_not_exists = parse_if_not_exists();
  KMB_ASSIGN_OR_RETURN(statement.name, parse_identifier("an index name"));
  KMB_TRY(expect_keyword("ON"));
  KMB_ASSIGN_OR_RETURN(statement.table, parse_identifier("a table name"));
  KMB_ASSIGN_OR_RETURN(statement.columns, parse_identifier_list("a column name"));
  return statement;
}

}  // namespace kmb::sql
