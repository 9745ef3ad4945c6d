#include "sql/parser/parser.h"

#include <gtest/gtest.h>

#include "sql/parser/expression_printer.h"

namespace kmb::sql {
namespace {

std::string expr(std::string_view text) {
  Result<ParsedExpressionPtr> parsed = parse_expression(text);
  if (!parsed.ok()) return "ERROR: " + parsed.status().message();
  return to_sql(**parsed);
}

std::string error(std::string_view text) {
  Result<Statement> parsed = parse_statement(text);
  if (parsed.ok()) return "parsed";
  return parsed.status().message();
}

Statement parse(std::string_view text) {
  Result<Statement> parsed = parse_statement(text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << parsed.status().to_string();
  return parsed.ok() ? std::move(parsed).value() : Statement{};
}

TEST(ParserExpressionTest, Precedence) {
  EXPECT_EQ(expr("1 + 2 * 3"), "(1 + (2 * 3))");
  EXPECT_EQ(expr("1 - 2 - 3"), "((1 - 2) - 3)");
  EXPECT_EQ(expr("a OR b AND c"), "(a OR (b AND c))");
  EXPECT_EQ(expr("NOT a = b"), "(NOT (a = b))");
  EXPECT_EQ(expr("a = 1 OR NOT b AND c"), "((a = 1) OR ((NOT b) AND c))");
  EXPECT_EQ(expr("a || b = c"), "((a || b) = c)");
  EXPECT_EQ(expr("a || b + c"), "(a || (b + c))");
  EXPECT_EQ(expr("-a * b"), "((-a) * b)");
  EXPECT_EQ(expr("-a::int"), "(-CAST(a AS INTEGER))");
  EXPECT_EQ(expr("10 % 3 / 2"), "((10 % 3) / 2)");
  EXPECT_EQ(expr("(1 + 2) * 3"), "((1 + 2) * 3)");
  EXPECT_EQ(expr("a <> b AND c != d"), "((a <> b) AND (c <> d))");
}

TEST(ParserExpressionTest, Predicates) {
  EXPECT_EQ(expr("a IS NULL"), "(a IS NULL)");
  EXPECT_EQ(expr("a IS NOT NULL AND b"), "((a IS NOT NULL) AND b)");
  EXPECT_EQ(expr("a IS NOT TRUE"), "(a IS NOT TRUE)");
  EXPECT_EQ(expr("a IS FALSE"), "(a IS FALSE)");
  EXPECT_EQ(expr("a IS DISTINCT FROM b"), "(a IS DISTINCT FROM b)");
  EXPECT_EQ(expr("a BETWEEN 1 AND 2 AND b"), "((a BETWEEN 1 AND 2) AND b)");
  EXPECT_EQ(expr("a NOT BETWEEN 1 + 1 AND 5"), "(a NOT BETWEEN (1 + 1) AND 5)");
  EXPECT_EQ(expr("a IN (1, 2, 3)"), "(a IN (1, 2, 3))");
  EXPECT_EQ(expr("a NOT IN ('x')"), "(a NOT IN ('x'))");
  EXPECT_EQ(expr("name LIKE 'a%'"), "(name LIKE 'a%')");
  EXPECT_EQ(expr("name NOT LIKE 'a!%' ESCAPE '!'"), "(name NOT LIKE 'a!%' ESCAPE '!')");
  EXPECT_EQ(expr("name ILIKE 'A%'"), "(name ILIKE 'A%')");
}

TEST(ParserExpressionTest, Primaries) {
  EXPECT_EQ(expr("'it''s'"), "'it''s'");
  EXPECT_EQ(expr("1.50"), "1.50");
  EXPECT_EQ(expr("1e3"), "1000");
  EXPECT_EQ(expr("99999999999999999999"), "99999999999999999999");
  EXPECT_EQ(expr("NULL"), "NULL");
  EXPECT_EQ(expr("true AND FALSE"), "(true AND false)");
  EXPECT_EQ(expr("$1 + $2"), "($1 + $2)");
  EXPECT_EQ(expr("t.col"), "t.col");
  EXPECT_EQ(expr("\"Mixed Case\""), "\"Mixed Case\"");
  EXPECT_EQ(expr("MixedCase"), "mixedcase");
  EXPECT_EQ(expr("COUNT(*)"), "count(*)");
  EXPECT_EQ(expr("count(DISTINCT x)"), "count(DISTINCT x)");
  EXPECT_EQ(expr("Lower(x)"), "lower(x)");
  EXPECT_EQ(expr("now()"), "now()");
  EXPECT_EQ(expr("CURRENT_TIMESTAMP"), "now()");
  EXPECT_EQ(expr("CAST(x AS DECIMAL(10, 2))"), "CAST(x AS DECIMAL(10, 2))");
  EXPECT_EQ(expr("x::double precision"), "CAST(x AS DOUBLE)");
  EXPECT_EQ(expr("x::varchar(20)"), "CAST(x AS TEXT)");
  EXPECT_EQ(expr("DATE '2024-01-15'"), "CAST('2024-01-15' AS DATE)");
  EXPECT_EQ(expr("CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END"), "CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END");
  EXPECT_EQ(expr("CASE x WHEN 1 THEN 'one' END"), "CASE x WHEN 1 THEN 'one' END");
  EXPECT_EQ(expr("date"), "date");
  EXPECT_EQ(expr("timestamp"), "timestamp");
}

TEST(ParserExpressionTest, Errors) {
  EXPECT_EQ(expr("1 +"), "ERROR: syntax error at line 1, column 4: expected an expression but found end of input");
  EXPECT_EQ(expr("(1 + 2"), "ERROR: syntax error at line 1, column 7: expected ')' but found end of input");
  EXPECT_EQ(expr("a IS 5"), "ERROR: syntax error at line 1, column 6: expected NULL, TRUE, FALSE or DISTINCT FROM after IS but found '5'");
  EXPECT_EQ(expr("a NOT 5"), "ERROR: syntax error at line 1, column 3: expected end of expression but found 'NOT'");
  EXPECT_EQ(expr("CAST(x AS nosuchtype)"), "ERROR: syntax error at line 1, column 11: unknown type 'nosuchtype'");
  EXPECT_EQ(expr("CASE END"), "ERROR: syntax error at line 1, column 6: expected WHEN but found 'END'");
  EXPECT_EQ(expr("x::decimal(40, 2)"), "ERROR: syntax error at line 1, column 4: DECIMAL precision must be between 1 and 38");
  EXPECT_EQ(expr("x::int(3)"), "ERROR: syntax error at line 1, column 4: type int takes no parameters");
}

TEST(ParserLimitsTest, DeepParenthesesFailCleanly) {
  std::string deep(100000, '(');
  deep += "1";
  deep += std::string(100000, ')');
  Result<Statement> parsed = parse_statement("SELECT " + deep);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::resource_exhausted);
  EXPECT_NE(parsed.status().message().find("expression nesting exceeds the limit of 200"), std::string::npos);
}

TEST(ParserLimitsTest, DeepUnaryAndLongChainsFailCleanly) {
  std::string minus(100000, '-');
  EXPECT_FALSE(parse_statement("SELECT " + minus + "1").ok());
  std::string nots;
  for (int i = 0; i < 50000; i++) nots += "NOT ";
  EXPECT_FALSE(parse_statement("SELECT " + nots + "true").ok());
  std::string chain = "1";
  for (int i = 0; i < 100000; i++) chain += "+1";
  Result<Statement> parsed = parse_statement("SELECT " + chain);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::resource_exhausted);
}

TEST(ParserLimitsTest, NestingWithinLimitParses) {
  std::string nested = std::string(150, '(') + "1" + std::string(150, ')');
  EXPECT_EQ(error("SELECT " + nested), "parsed");
  ParserOptions tight;
  tight.expression_depth_max = 3;
  EXPECT_TRUE(parse_expression("1 + 2", tight).ok());
  EXPECT_FALSE(parse_expression("1 + 2 + 3 + 4", tight).ok());
}

TEST(ParserStatementTest, SelectClauses) {
  Statement statement = parse(
      "select distinct a, b AS bee, t.*, count(*) c FROM patients p WHERE a > 1 GROUP BY a, b HAVING count(*) > 1 "
      "ORDER BY 1 DESC NULLS LAST, b LIMIT 10 OFFSET 5;");
  const SelectNode& node = *std::get<SelectStatement>(statement.node).node;
  EXPECT_TRUE(node.distinct);
  ASSERT_EQ(node.items.size(), 4u);
  EXPECT_EQ(node.items[1].alias->name, "bee");
  EXPECT_EQ(node.items[2].expression->kind, ExpressionKind::star);
  EXPECT_EQ(node.items[3].alias->name, "c");
  ASSERT_EQ(node.from.size(), 1u);
  EXPECT_EQ(node.from[0]->name.name, "patients");
  EXPECT_EQ(node.from[0]->alias->name, "p");
  EXPECT_EQ(node.group_by.size(), 2u);
  ASSERT_EQ(node.order_by.size(), 2u);
  EXPECT_TRUE(node.order_by[0].descending);
  EXPECT_EQ(node.order_by[0].nulls_first, false);
  EXPECT_EQ(to_sql(*node.limit), "10");
  EXPECT_EQ(to_sql(*node.offset), "5");
}

TEST(ParserStatementTest, SelectWithoutFrom) {
  Statement statement = parse("SELECT 1 + 1");
  const SelectNode& node = *std::get<SelectStatement>(statement.node).node;
  EXPECT_TRUE(node.from.empty());
  EXPECT_EQ(to_sql(*node.items[0].expression), "(1 + 1)");
}

TEST(ParserStatementTest, TimeTravelClauses) {
  struct Case {
    const char* sql;
    TimeTravel::Kind kind;
    const char* alias;
  };
  const Case cases[] = {
      {"SELECT * FROM patients AS OF POSITION 42", TimeTravel::Kind::as_of_position, nullptr},
      {"SELECT * FROM patients AT OFFSET 42 p", TimeTravel::Kind::as_of_position, "p"},
      {"SELECT * FROM patients AS OF POSITION 3 p", TimeTravel::Kind::as_of_position, "p"},
      {"SELECT * FROM patients p AS OF POSITION 3", TimeTravel::Kind::as_of_position, "p"},
      {"SELECT * FROM patients AS p AS OF POSITION 3", TimeTravel::Kind::as_of_position, "p"},
      {"SELECT * FROM patients AS OF TIMESTAMP '2024-01-15 10:30:00'", TimeTravel::Kind::as_of_timestamp, nullptr},
      {"SELECT * FROM patients FOR SYSTEM_TIME AS OF '2024-01-15'", TimeTravel::Kind::system_time_as_of, nullptr},
      {"SELECT * FROM patients FOR SYSTEM_TIME BETWEEN 1 AND 5 h", TimeTravel::Kind::system_time_between, "h"},
      {"SELECT * FROM patients FOR SYSTEM_TIME FROM 1 TO 5", TimeTravel::Kind::system_time_from_to, nullptr},
      {"SELECT * FROM patients FOR SYSTEM_TIME ALL AS h WHERE _position > 1", TimeTravel::Kind::system_time_all, "h"},
      {"SELECT * FROM patients AS OF POSITION $1", TimeTravel::Kind::as_of_position, nullptr},
  };
  for (const Case& c : cases) {
    Statement statement = parse(c.sql);
    const SelectNode& node = *std::get<SelectStatement>(statement.node).node;
    ASSERT_EQ(node.from.size(), 1u) << c.sql;
    EXPECT_EQ(node.from[0]->time_travel.kind, c.kind) << c.sql;
    if (c.alias) {
      ASSERT_TRUE(node.from[0]->alias.has_value()) << c.sql;
      EXPECT_EQ(node.from[0]->alias->name, c.alias) << c.sql;
    } else {
      EXPECT_FALSE(node.from[0]->alias.has_value()) << c.sql;
    }
  }
}

TEST(ParserStatementTest, Joins) {
  Statement statement = parse("SELECT * FROM a, b CROSS JOIN c JOIN d ON d.x = a.x");
  const SelectNode& node = *std::get<SelectStatement>(statement.node).node;
  ASSERT_EQ(node.from.size(), 2u);
  EXPECT_EQ(node.from[1]->kind, TableRef::Kind::join);
  EXPECT_EQ(node.from[1]->join_type, JoinType::inner);
  EXPECT_EQ(node.from[1]->left->join_type, JoinType::cross);
}

TEST(ParserStatementTest, Insert) {
  Statement statement = parse("INSERT INTO t (a, b) VALUES (1, 'x'), (2, DEFAULT)");
  const InsertStatement& insert = std::get<InsertStatement>(statement.node);
  EXPECT_EQ(insert.columns.size(), 2u);
  ASSERT_EQ(insert.rows.size(), 2u);
  EXPECT_EQ(insert.rows[1][1]->kind, ExpressionKind::default_value);
  Statement select = parse("INSERT INTO t SELECT * FROM u WHERE x > 1");
  EXPECT_NE(std::get<InsertStatement>(select.node).select, nullptr);
}

TEST(ParserStatementTest, BlobLiteral) {
  Result<ParsedExpressionPtr> parsed = parse_expression("X'00fF10'");
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  ASSERT_EQ((*parsed)->kind, ExpressionKind::constant);
  ASSERT_EQ((*parsed)->value.type(), kernel::Type::bytes);
  EXPECT_EQ((*parsed)->value.as_bytes(), (Bytes{0x00, 0xff, 0x10}));
  EXPECT_EQ(expr("x'' || x'0a'"), "(x'' || x'0a')");
  EXPECT_EQ(error("SELECT 1 x'00'"), "syntax error at line 1, column 10: expected end of statement but found blob literal x'00'");
}

// SQLite's conflict verbs become the ON CONFLICT clause they mean; REPLACE's assignments are made
// by the planner, which knows the table (planner/insert_or_replace.h).
TEST(ParserStatementTest, InsertOrReplaceOrIgnore) {
  for (std::string_view text : {"REPLACE INTO t VALUES (1, 'x')", "insert or replace into t VALUES (1, 'x')"}) {
    Statement statement = parse(text);
    const InsertStatement& insert = std::get<InsertStatement>(statement.node);
    ASSERT_TRUE(insert.on_conflict.has_value()) << text;
    EXPECT_EQ(insert.on_conflict->syntax, ConflictSyntax::or_replace);
    EXPECT_TRUE(insert.on_conflict->do_update);
    EXPECT_TRUE(insert.on_conflict->assignments.empty());
    EXPECT_TRUE(insert.on_conflict->columns.empty());
    EXPECT_EQ(insert.rows.size(), 1u);
  }
  Statement ignore = parse("INSERT OR IGNORE INTO t (a) SELECT b FROM u RETURNING a");
  const InsertStatement& insert = std::get<InsertStatement>(ignore.node);
  ASSERT_TRUE(insert.on_conflict.has_value());
  EXPECT_EQ(insert.on_conflict->syntax, ConflictSyntax::or_ignore);
  EXPECT_FALSE(insert.on_conflict->do_update);
  EXPECT_NE(insert.select, nullptr);
  EXPECT_EQ(insert.returning.size(), 1u);
  Statement plain = parse("INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING");
  EXPECT_EQ(std::get<InsertStatement>(plain.node).on_conflict->syntax, ConflictSyntax::on_conflict);
  // REPLACE(...) is still the string function.
  EXPECT_EQ(expr("replace('a', 'b', 'c')"), "replace('a', 'b', 'c')");
}

TEST(ParserStatementTest, InsertOrErrors) {
  EXPECT_EQ(error("INSERT OR REPLACE INTO t VALUES (1) ON CONFLICT DO NOTHING"),
            "syntax error at line 1, column 37: REPLACE already says what happens on a conflict; it cannot have an ON "
            "CONFLICT clause");
  EXPECT_EQ(error("INSERT OR IGNORE INTO t DEFAULT VALUES ON CONFLICT DO NOTHING"),
            "syntax error at line 1, column 40: INSERT OR IGNORE already says what happens on a conflict; it cannot have "
            "an ON CONFLICT clause");
  EXPECT_EQ(error("INSERT OR ABORT INTO t VALUES (1)"),
            "syntax error at line 1, column 11: INSERT OR ABORT is not supported; a failing INSERT always writes nothing "
            "(use INSERT, or INSERT OR IGNORE)");
  EXPECT_EQ(error("INSERT OR INTO t VALUES (1)"),
            "syntax error at line 1, column 11: expected REPLACE or IGNORE after INSERT OR but found 'INTO'");
  EXPECT_EQ(error("REPLACE t VALUES (1)"), "syntax error at line 1, column 1: expected a statement but found 'REPLACE'");
}

TEST(ParserStatementTest, Reindex) {
  EXPECT_FALSE(std::get<ReindexStatement>(parse("REINDEX").node).name.has_value());
  EXPECT_FALSE(std::get<ReindexStatement>(parse("REINDEX;").node).name.has_value());
  EXPECT_EQ(std::get<ReindexStatement>(parse("reindex T1i1").node).name->name, "t1i1");
  EXPECT_TRUE(std::get<ReindexStatement>(parse("REINDEX \"Idx\"").node).name->quoted);
  EXPECT_EQ(error("REINDEX main.t"),
            "syntax error at line 1, column 13: schema-qualified names are not supported (there is one schema)");
  EXPECT_EQ(error("REINDEX 1"), "syntax error at line 1, column 9: expected a table or index name but found '1'");
  EXPECT_EQ(error("REINDEX a b"), "syntax error at line 1, column 11: expected end of statement but found 'b'");
}

TEST(ParserStatementTest, UpdateDelete) {
  Statement update = parse("UPDATE t SET a = a + 1, b = DEFAULT WHERE id = 3");
  const UpdateStatement& u = std::get<UpdateStatement>(update.node);
  EXPECT_EQ(u.assignments.size(), 2u);
  EXPECT_EQ(to_sql(*u.where), "(id = 3)");
  Statement del = parse("DELETE FROM t WHERE id IN (1, 2)");
  EXPECT_EQ(to_sql(*std::get<DeleteStatement>(del.node).where), "(id IN (1, 2))");
}

TEST(ParserStatementTest, CreateTable) {
  Statement statement = parse(
      "CREATE TABLE IF NOT EXISTS patients (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL, "
      "score DOUBLE PRECISION DEFAULT -1.5, price DECIMAL(10,2) NULL UNIQUE, UNIQUE (name, score))");
  const CreateTableStatement& create = std::get<CreateTableStatement>(statement.node);
  EXPECT_TRUE(create.if_not_exists);
  ASSERT_EQ(create.columns.size(), 4u);
  EXPECT_TRUE(create.columns[0].primary_key);
  EXPECT_TRUE(create.columns[1].not_null);
  EXPECT_EQ(create.columns[2].type.type, kernel::Type::double_precision);
  EXPECT_EQ(to_sql(*create.columns[2].default_value), "(-1.5)");
  EXPECT_EQ(create.columns[3].type.precision, 10);
  EXPECT_EQ(create.columns[3].type.scale, 2);
  EXPECT_TRUE(create.columns[3].unique);
  ASSERT_EQ(create.unique_groups.size(), 1u);
  Statement composite = parse("CREATE TABLE t (a INT, b TEXT, CONSTRAINT pk PRIMARY KEY (a, b))");
  EXPECT_EQ(std::get<CreateTableStatement>(composite.node).primary_key.size(), 2u);
}

TEST(ParserStatementTest, OtherDdl) {
  EXPECT_TRUE(std::holds_alternative<DropTableStatement>(parse("DROP TABLE IF EXISTS t").node));
  EXPECT_TRUE(std::get<DropTableStatement>(parse("DROP TABLE IF EXISTS t").node).if_exists);
  EXPECT_TRUE(std::holds_alternative<DropIndexStatement>(parse("DROP INDEX i").node));
  const Statement add = parse("ALTER TABLE t ADD COLUMN c INT DEFAULT 0 NOT NULL");
  EXPECT_EQ(std::get<AlterTableStatement>(add.node).column.name.name, "c");
  EXPECT_EQ(std::get<AlterTableStatement>(parse("ALTER TABLE t ADD c TEXT").node).column.name.name, "c");
  const Statement drop = parse("ALTER TABLE t DROP COLUMN c");
  EXPECT_EQ(std::get<AlterTableStatement>(drop.node).column_name.name, "c");
  EXPECT_EQ(std::get<AlterTableStatement>(parse("ALTER TABLE t DROP c").node).column_name.name, "c");
  const Statement index = parse("CREATE UNIQUE INDEX IF NOT EXISTS idx ON t (a, b)");
  EXPECT_TRUE(std::get<CreateIndexStatement>(index.node).unique);
  EXPECT_EQ(std::get<CreateIndexStatement>(index.node).columns.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<CreateStreamStatement>(parse("CREATE STREAM events").node));
  const Statement explain = parse("EXPLAIN SELECT * FROM t");
  EXPECT_TRUE(std::holds_alternative<SelectStatement>(std::get<ExplainStatement>(explain.node).statement->node));
}

TEST(ParserStatementTest, TransactionControl) {
  using Kind = TransactionStatement::Kind;
  const auto kind = [](std::string_view text) { return std::get<TransactionStatement>(parse(text).node).kind; };
  EXPECT_EQ(kind("BEGIN"), Kind::begin);
  EXPECT_EQ(kind("begin transaction;"), Kind::begin);
  EXPECT_EQ(kind("BEGIN WORK"), Kind::begin);
  EXPECT_EQ(kind("START TRANSACTION"), Kind::begin);
  EXPECT_EQ(kind("COMMIT"), Kind::commit);
  EXPECT_EQ(kind("END TRANSACTION"), Kind::commit);
  EXPECT_EQ(kind("commit work"), Kind::commit);
  EXPECT_EQ(kind("ROLLBACK"), Kind::rollback);
  EXPECT_EQ(kind("ABORT"), Kind::rollback);
}

TEST(ParserStatementTest, Views) {
  const Statement create = parse("CREATE VIEW IF NOT EXISTS v (a, \"B\") AS\n  SELECT x, y FROM t WHERE x > 1 ;  ");
  const auto& view = std::get<CreateViewStatement>(create.node);
  EXPECT_EQ(view.name.name, "v");
  EXPECT_TRUE(view.if_not_exists);
  ASSERT_EQ(view.columns.size(), 2u);
  EXPECT_EQ(view.columns[1].name, "B");
  EXPECT_EQ(view.query_text, "SELECT x, y FROM t WHERE x > 1");
  ASSERT_NE(view.query, nullptr);
  EXPECT_EQ(std::get<CreateViewStatement>(parse("CREATE VIEW w AS (SELECT 1) UNION SELECT 2").node).query_text,
            "(SELECT 1) UNION SELECT 2");
  const Statement drop = parse("DROP VIEW IF EXISTS v");
  EXPECT_TRUE(std::get<DropViewStatement>(drop.node).if_exists);
  EXPECT_EQ(std::get<DropViewStatement>(drop.node).name.name, "v");
}

TEST(ParserStatementTest, ErrorPositions) {
  EXPECT_EQ(error("SELECT a,\n  (b FROM t"), "syntax error at line 2, column 6: expected ')' but found 'FROM'");
  EXPECT_EQ(error("SELEC 1"), "syntax error at line 1, column 1: expected a statement but found 'SELEC'");
  EXPECT_EQ(error("SELECT FROM t"), "syntax error at line 1, column 8: expected an expression but found 'FROM'");
  EXPECT_EQ(error("SELECT * FROM"), "syntax error at line 1, column 14: expected a table name but found end of input");
  EXPECT_EQ(error("SELECT * FROM t WHERE"),
            "syntax error at line 1, column 22: expected an expression but found end of input");
  EXPECT_EQ(error("SELECT * FROM t ORDER x"), "syntax error at line 1, column 23: expected BY but found 'x'");
  EXPECT_EQ(error("SELECT 1 2"), "syntax error at line 1, column 10: expected end of statement but found '2'");
  EXPECT_EQ(error("SELECT 1; SELECT 2"), "syntax error at line 1, column 11: expected end of statement but found 'SELECT'");
  EXPECT_EQ(error("INSERT INTO t VALUES (1, 2"),
            "syntax error at line 1, column 27: expected ')' but found end of input");
  EXPECT_EQ(error("INSERT t VALUES (1)"), "syntax error at line 1, column 8: expected INTO but found 't'");
  EXPECT_EQ(error("UPDATE t SET = 1"), "syntax error at line 1, column 14: expected a column name but found '='");
  EXPECT_EQ(error("UPDATE t SET a 1"), "syntax error at line 1, column 16: expected '=' but found '1'");
  EXPECT_EQ(error("DELETE t"), "syntax error at line 1, column 8: expected FROM but found 't'");
  EXPECT_EQ(error("CREATE TABLE t (a INT,)"),
            "syntax error at line 1, column 23: expected a column name but found ')'");
  EXPECT_EQ(error("CREATE TABLE t (a)"), "syntax error at line 1, column 18: expected a type name but found ')'");
  EXPECT_EQ(error("CREATE TABLE t (a blob2)"), "syntax error at line 1, column 19: unknown type 'blob2'");
  EXPECT_EQ(error("CREATE TABLE t (a INT NOT 5)"), "syntax error at line 1, column 27: expected NULL but found '5'");
  EXPECT_EQ(error("CREATE TABLE select (a INT)"),
            "syntax error at line 1, column 14: expected a table name but found 'select'");
  EXPECT_EQ(error("CREATE VIEW v"), "syntax error at line 1, column 14: expected AS but found end of input");
  EXPECT_EQ(error("CREATE SEQUENCE s"),
            "syntax error at line 1, column 8: expected TABLE, INDEX, UNIQUE INDEX, VIEW or STREAM after CREATE but found "
            "'SEQUENCE'");
  EXPECT_EQ(error("CREATE VIEW v AS DELETE FROM t"),
            "syntax error at line 1, column 18: expected a query after AS but found 'DELETE'");
  EXPECT_EQ(error("CREATE INDEX i ON t ()"), "syntax error at line 1, column 22: expected a column name but found ')'");
  EXPECT_EQ(error("DROP SEQUENCE s"),
            "syntax error at line 1, column 6: expected TABLE, INDEX or VIEW after DROP but found 'SEQUENCE'");
  EXPECT_EQ(error("BEGIN ISOLATION LEVEL SERIALIZABLE"),
            "syntax error at line 1, column 7: isolation levels cannot be chosen: every transaction is serializable");
  EXPECT_EQ(error("EXPLAIN COMMIT"),
            "syntax error at line 1, column 9: EXPLAIN of a transaction statement is not supported");
  EXPECT_EQ(error("COMMIT now"), "syntax error at line 1, column 8: expected end of statement but found 'now'");
  EXPECT_EQ(error("ALTER TABLE t RENAME TO u"),
            "syntax error at line 1, column 15: ALTER TABLE ... RENAME is not supported");
  EXPECT_EQ(error("SELECT * FROM t AS OF 5"),
            "syntax error at line 1, column 23: expected POSITION or TIMESTAMP after AS OF but found '5'");
  EXPECT_EQ(error("SELECT * FROM t FOR SYSTEM_TIME BETWEEN 1 5"),
            "syntax error at line 1, column 43: expected AND but found '5'");
  EXPECT_EQ(error("SELECT * FROM t LIMIT"), "syntax error at line 1, column 22: expected an expression but found end of input");
  EXPECT_EQ(error("SELECT CASE WHEN 1 THEN 2"), "syntax error at line 1, column 26: expected END but found end of input");
  EXPECT_EQ(error("SELECT * FROM t\nWHERE a = 1\n  AND (b = 2"),
            "syntax error at line 3, column 13: expected ')' but found end of input");
  EXPECT_EQ(error("SELECT 'abc' FROM t WHERE x = 'unterminated"),
            "syntax error at line 1, column 31: unterminated string literal");
  EXPECT_EQ(error(""), "syntax error at line 1, column 1: expected a statement but found end of input");
  EXPECT_EQ(error("EXPLAIN EXPLAIN SELECT 1"), "syntax error at line 1, column 9: EXPLAIN cannot be nested");
  EXPECT_EQ(error("SELECT * FROM (SELECT 1)"),
            "syntax error at line 1, column 25: a subquery in FROM must have an alias");
  EXPECT_EQ(error("SELECT 1 UNION SELECT"),
            "syntax error at line 1, column 22: expected an expression but found end of input");
}

TEST(SplitScriptTest, RespectsQuotesAndComments) {
  Result<std::vector<std::string>> parts =
      split_script("SELECT 'a;b'; -- x;y\nSELECT \"c;d\" /* ; */ ;;\n  INSERT INTO t VALUES (1)  ");
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ((*parts)[0], "SELECT 'a;b'");
  EXPECT_EQ((*parts)[1], "-- x;y\nSELECT \"c;d\" /* ; */");
  EXPECT_EQ((*parts)[2], "INSERT INTO t VALUES (1)");
  EXPECT_FALSE(split_script("SELECT 'oops").ok());
  Result<std::vector<std::string>> blank = split_script("  -- only a comment\n ; ");
  ASSERT_TRUE(blank.ok());
  EXPECT_TRUE(blank->empty());
}

}  // namespace
}  // namespace kmb::sql
