// End-to-end SQL through Engine::execute over the real kernel and projection store.
#include "sql/engine.h"

#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "sql/testing/engine_fixture.h"

namespace kmb::sql {
namespace {

using kernel::Value;
using testing::EngineFixture;
using testing::Rows;

class EngineTest : public EngineFixture {
 protected:
  void SetUp() override {
    run_all({
        "CREATE TABLE patients (id BIGINT PRIMARY KEY, name TEXT NOT NULL, age INTEGER, score DOUBLE, "
        "balance DECIMAL(10, 2) DEFAULT 0, born DATE)",
        "INSERT INTO patients VALUES (1, 'alice', 34, 7.5, 10.5, '1990-04-01'), "
        "(2, 'bob', 51, NULL, 20, '1973-11-30'), (3, 'carol', NULL, 9, 0.125, NULL)",
    });
  }
};

TEST_F(EngineTest, CreateInsertSelect) {
  EXPECT_EQ(rows("SELECT * FROM patients ORDER BY id"),
            (Rows{"1|alice|34|7.5|10.50|1990-04-01", "2|bob|51|NULL|20.00|1973-11-30", "3|carol|NULL|9|0.13|NULL"}));
  QueryResult result = run("SELECT id, name AS who, age + 1, lower(name) FROM patients WHERE id = 1");
  EXPECT_EQ(result.columns, (std::vector<std::string>{"id", "who", "?column?", "lower"}));
  EXPECT_EQ(result.types, (std::vector<kernel::Type>{kernel::Type::bigint, kernel::Type::text, kernel::Type::bigint,
                                                     kernel::Type::text}));
  EXPECT_EQ(result.tag, "SELECT 1");
  EXPECT_EQ(render(result), (Rows{"1|alice|35|alice"}));
}

TEST_F(EngineTest, InsertTagsPositionsAndCoercion) {
  QueryResult insert = run("INSERT INTO patients (name, id, score) VALUES ('dave', 4, 3), ('erin', 5, 2.5)");
  EXPECT_EQ(insert.tag, "INSERT 2");
  EXPECT_EQ(insert.rows_affected, 2u);
  EXPECT_EQ(insert.position, 3u);
  QueryResult typed = run("SELECT score, balance, age FROM patients WHERE id = 4");
  ASSERT_EQ(typed.rows.size(), 1u);
  EXPECT_EQ(typed.rows[0][0].type(), kernel::Type::double_precision);
  EXPECT_EQ(typed.rows[0][1].type(), kernel::Type::decimal);
  EXPECT_EQ(render(typed), (Rows{"3|0.00|NULL"}));
  EXPECT_EQ(value("SELECT born FROM patients WHERE born = '1990-04-01'"), "1990-04-01");
  EXPECT_EQ(run("INSERT INTO patients (id, name, born) VALUES (6, 'f', DEFAULT)").tag, "INSERT 1");
  EXPECT_EQ(value("SELECT balance FROM patients WHERE id = 6"), "0.00");
}

TEST_F(EngineTest, InsertSelect) {
  run("CREATE TABLE names (n TEXT, id BIGINT)");
  EXPECT_EQ(run("INSERT INTO names SELECT name, id * 10 FROM patients WHERE age IS NOT NULL").tag, "INSERT 2");
  EXPECT_EQ(rows("SELECT * FROM names ORDER BY id"), (Rows{"alice|10", "bob|20"}));
  EXPECT_EQ(run("INSERT INTO names (id) SELECT id FROM patients WHERE id > 100").tag, "INSERT 0");
}

TEST_F(EngineTest, InsertErrors) {
  EXPECT_EQ(error("INSERT INTO patients (id, name) VALUES (1, 'again')"),
            "duplicate key value violates primary key of table patients: (id)=(1)");
  EXPECT_EQ(error("INSERT INTO patients (id) VALUES (9)").find("NOT NULL") != std::string::npos ||
                error("INSERT INTO patients (id) VALUES (9)").find("null") != std::string::npos,
            true);
  EXPECT_EQ(error("INSERT INTO patients (id, name) VALUES (1)"), "INSERT has more target columns than expressions");
  EXPECT_EQ(error("INSERT INTO patients (id) VALUES (1, 2)"), "INSERT has more expressions than target columns");
  EXPECT_EQ(error("INSERT INTO patients (id, nope) VALUES (1, 2)"),
            "column \"nope\" of relation \"patients\" does not exist");
  EXPECT_EQ(error("INSERT INTO patients (id, id) VALUES (1, 2)"), "column \"id\" specified more than once");
  EXPECT_EQ(error("INSERT INTO patients (id, name) VALUES (TRUE, 'x')"),
            "column \"id\" is of type BIGINT but expression is of type BOOLEAN");
  EXPECT_EQ(error("INSERT INTO patients (id, name, born) VALUES (9, 'x', 'yesterday')"),
            "invalid input syntax for type DATE: \"yesterday\" (column \"born\")");
  EXPECT_EQ(error("INSERT INTO patients (id, name, balance) VALUES (9, 'x', 123456789.5)"),
            "numeric field overflow: a value in column \"balance\" exceeds DECIMAL(10, 2)");
  EXPECT_EQ(error("INSERT INTO nosuch VALUES (1)"), "table \"nosuch\" does not exist");
}

TEST_F(EngineTest, UpdateSeesOldValues) {
  run("CREATE TABLE pairs (k INT PRIMARY KEY, a INT, b INT)");
  run("INSERT INTO pairs VALUES (1, 10, 20), (2, 30, 40)");
  QueryResult update = run("UPDATE pairs SET a = b, b = a WHERE k = 1");
  EXPECT_EQ(update.tag, "UPDATE 1");
  EXPECT_EQ(update.rows_affected, 1u);
  EXPECT_TRUE(update.position.has_value());
  EXPECT_EQ(rows("SELECT * FROM pairs ORDER BY k"), (Rows{"1|20|10", "2|30|40"}));
  EXPECT_EQ(run("UPDATE pairs SET a = a + 1").tag, "UPDATE 2");
  EXPECT_EQ(rows("SELECT a FROM pairs ORDER BY k"), (Rows{"21", "31"}));
  EXPECT_EQ(run("UPDATE pairs SET a = DEFAULT WHERE k = 2").tag, "UPDATE 1");
  EXPECT_EQ(value("SELECT a FROM pairs WHERE k = 2"), "NULL");
}

TEST_F(EngineTest, ZeroRowWritesCommitNothing) {
  const std::uint64_t before = session_.next_timestamp();
  QueryResult update = run("UPDATE patients SET age = 1 WHERE id = 99");
  EXPECT_EQ(update.tag, "UPDATE 0");
  EXPECT_EQ(update.rows_affected, 0u);
  EXPECT_FALSE(update.position.has_value());
  QueryResult remove = run("DELETE FROM patients WHERE name = 'nobody'");
  EXPECT_EQ(remove.tag, "DELETE 0");
  EXPECT_EQ(session_.next_timestamp(), before);
  EXPECT_EQ(value("SELECT count(*) FROM kmb_audit"), "2");
}

TEST_F(EngineTest, Delete) {
  EXPECT_EQ(run("DELETE FROM patients WHERE age > 40 OR age IS NULL").tag, "DELETE 2");
  EXPECT_EQ(rows("SELECT name FROM patients"), (Rows{"alice"}));
  EXPECT_EQ(run("DELETE FROM patients").tag, "DELETE 1");
  EXPECT_EQ(rows("SELECT * FROM patients"), Rows{});
}

TEST_F(EngineTest, UpdateErrors) {
  EXPECT_EQ(error("UPDATE patients SET nope = 1"), "column \"nope\" of relation \"patients\" does not exist");
  EXPECT_EQ(error("UPDATE patients SET age = 'x' || name"),
            "invalid input syntax for type INTEGER: \"xalice\" (column \"age\")");
  EXPECT_EQ(error("UPDATE patients SET age = 1, age = 2"), "multiple assignments to same column \"age\"");
  EXPECT_EQ(error("UPDATE patients SET age = 1 WHERE age"), "argument of WHERE must be type BOOLEAN, not type INTEGER");
  EXPECT_EQ(error("UPDATE patients SET age = 3000000000"), "integer out of range (column \"age\")");
}

TEST_F(EngineTest, TablesWithoutPrimaryKey) {
  run("CREATE TABLE events (kind TEXT, n INT)");
  run("INSERT INTO events VALUES ('a', 1), ('a', 1), ('b', 2)");
  EXPECT_EQ(run("UPDATE events SET n = n + 10 WHERE kind = 'a'").tag, "UPDATE 2");
  EXPECT_EQ(run("DELETE FROM events WHERE n = 2").tag, "DELETE 1");
  EXPECT_EQ(rows("SELECT * FROM events"), (Rows{"a|11", "a|11"}));
}

TEST_F(EngineTest, WhereThreeValuedLogic) {
  EXPECT_EQ(rows("SELECT id FROM patients WHERE age > 40 ORDER BY id"), (Rows{"2"}));
  EXPECT_EQ(rows("SELECT id FROM patients WHERE NOT (age > 40) ORDER BY id"), (Rows{"1"}));
  EXPECT_EQ(rows("SELECT id FROM patients WHERE age > 40 OR score > 8 ORDER BY id"), (Rows{"2", "3"}));
  EXPECT_EQ(rows("SELECT id FROM patients WHERE age IS NULL"), (Rows{"3"}));
  EXPECT_EQ(rows("SELECT id FROM patients WHERE name LIKE '%o%' ORDER BY id"), (Rows{"2", "3"}));
  EXPECT_EQ(rows("SELECT id FROM patients WHERE age IN (34, 51) ORDER BY id"), (Rows{"1", "2"}));
  EXPECT_EQ(rows("SELECT id FROM patients WHERE age NOT IN (34, NULL)"), Rows{});
  EXPECT_EQ(rows("SELECT id FROM patients WHERE age BETWEEN 30 AND 40"), (Rows{"1"}));
  EXPECT_EQ(rows("SELECT id FROM patients WHERE born < '1980-01-01'"), (Rows{"2"}));
}

TEST_F(EngineTest, OrderByLimitOffsetDistinct) {
  EXPECT_EQ(rows("SELECT name FROM patients ORDER BY age"), (Rows{"carol", "alice", "bob"}));
  EXPECT_EQ(rows("SELECT name FROM patients ORDER BY age NULLS LAST"), (Rows{"alice", "bob", "carol"}));
  EXPECT_EQ(rows("SELECT name FROM patients ORDER BY age DESC"), (Rows{"bob", "alice", "carol"}));
  EXPECT_EQ(rows("SELECT name FROM patients ORDER BY age DESC NULLS FIRST"), (Rows{"carol", "bob", "alice"}));
  EXPECT_EQ(rows("SELECT name, age AS years FROM patients ORDER BY years DESC LIMIT 1"), (Rows{"bob|51"}));
  EXPECT_EQ(rows("SELECT name, id FROM patients ORDER BY 2 DESC"), (Rows{"carol|3", "bob|2", "alice|1"}));
  EXPECT_EQ(rows("SELECT name FROM patients ORDER BY id LIMIT 2 OFFSET 1"), (Rows{"bob", "carol"}));
  EXPECT_EQ(rows("SELECT name FROM patients ORDER BY id OFFSET 2"), (Rows{"carol"}));
  EXPECT_EQ(rows("SELECT name FROM patients ORDER BY length(name), name"), (Rows{"bob", "alice", "carol"}));
  EXPECT_EQ(rows("SELECT name FROM patients ORDER BY id LIMIT $1", {Value::integer(1)}), (Rows{"alice"}));
  run("INSERT INTO patients (id, name, age) VALUES (4, 'alice', 34)");
  EXPECT_EQ(rows("SELECT DISTINCT name, age FROM patients ORDER BY name"), (Rows{"alice|34", "bob|51", "carol|NULL"}));
  EXPECT_EQ(error("SELECT DISTINCT name FROM patients ORDER BY id"),
            "for SELECT DISTINCT, ORDER BY expressions must appear in select list");
  EXPECT_EQ(error("SELECT name FROM patients ORDER BY 3"), "ORDER BY position 3 is not in select list");
  EXPECT_EQ(error("SELECT name FROM patients LIMIT -1"), "LIMIT must not be negative");
}

TEST_F(EngineTest, SortIsStable) {
  run("CREATE TABLE s (k INT PRIMARY KEY, g INT)");
  run("INSERT INTO s VALUES (1, 2), (2, 1), (3, 2), (4, 1), (5, 2)");
  EXPECT_EQ(rows("SELECT k FROM s ORDER BY g"), (Rows{"2", "4", "1", "3", "5"}));
  EXPECT_EQ(rows("SELECT k FROM s ORDER BY g DESC"), (Rows{"1", "3", "5", "2", "4"}));
}

TEST_F(EngineTest, Aggregates) {
  EXPECT_EQ(value("SELECT count(*), count(age), sum(age), min(name), max(score), avg(age) FROM patients"),
            "3|2|85|alice|9|42.5");
  EXPECT_EQ(value("SELECT sum(balance), avg(balance) FROM patients"), "30.63|10.210000");
  EXPECT_EQ(value("SELECT count(*), count(age), sum(age), min(age), avg(age) FROM patients WHERE id > 10"),
            "0|0|NULL|NULL|NULL");
  EXPECT_EQ(rows("SELECT count(*) FROM patients WHERE id > 10 GROUP BY age"), Rows{});
  run("INSERT INTO patients (id, name, age) VALUES (4, 'dan', 34), (5, 'eve', 51), (6, 'fay', 34)");
  EXPECT_EQ(rows("SELECT age, count(*) FROM patients GROUP BY age ORDER BY age"),
            (Rows{"NULL|1", "34|3", "51|2"}));
  EXPECT_EQ(rows("SELECT age, count(*) AS n FROM patients GROUP BY age HAVING count(*) > 1 ORDER BY n DESC"),
            (Rows{"34|3", "51|2"}));
  EXPECT_EQ(rows("SELECT age / 10 AS decade, count(*) FROM patients GROUP BY age / 10 ORDER BY 1"),
            (Rows{"NULL|1", "3|3", "5|2"}));
}

TEST_F(EngineTest, AggregatesMore) {
  run("INSERT INTO patients (id, name, age) VALUES (4, 'dan', 34), (5, 'eve', 51), (6, 'fay', 34)");
  EXPECT_EQ(rows("SELECT age / 10 AS decade, count(*) FROM patients GROUP BY decade ORDER BY decade"),
            (Rows{"NULL|1", "3|3", "5|2"}));
  EXPECT_EQ(rows("SELECT age, count(*) FROM patients GROUP BY 1 ORDER BY 2, 1"), (Rows{"NULL|1", "51|2", "34|3"}));
  EXPECT_EQ(value("SELECT count(DISTINCT age), sum(DISTINCT age) FROM patients"), "2|85");
  EXPECT_EQ(value("SELECT max(age) - min(age) FROM patients"), "17");
  EXPECT_EQ(rows("SELECT upper(name) FROM patients GROUP BY name HAVING name < 'c' ORDER BY upper(name)"),
            (Rows{"ALICE", "BOB"}));
  EXPECT_EQ(error("SELECT name, count(*) FROM patients"),
            "column \"name\" must appear in the GROUP BY clause or be used in an aggregate function");
  EXPECT_EQ(error("SELECT count(*) FROM patients WHERE count(*) > 1"), "aggregate functions are not allowed in WHERE");
  EXPECT_EQ(error("SELECT sum(count(*)) FROM patients"), "aggregate function calls cannot be nested");
  EXPECT_EQ(error("SELECT sum(name) FROM patients"), "function sum(TEXT) does not exist");
  run("CREATE TABLE big (v BIGINT)");
  run("INSERT INTO big VALUES (9223372036854775807), (1)");
  EXPECT_EQ(error("SELECT sum(v) FROM big"), "integer out of range");
  EXPECT_EQ(value("SELECT avg(v) FROM big"), "4611686018427387904");
}

TEST_F(EngineTest, StarsAndIndexes) {
  run("CREATE TABLE notes (pid BIGINT, body TEXT)");
  run("INSERT INTO notes VALUES (1, 'hi')");
  EXPECT_EQ(rows("SELECT n.*, p.name FROM notes n, patients p WHERE p.id = n.pid"), (Rows{"1|hi|alice"}));
  EXPECT_EQ(rows("SELECT *, 1 FROM notes"), (Rows{"1|hi|1"}));
  EXPECT_EQ(run("CREATE INDEX idx_notes ON notes (pid)").tag, "CREATE INDEX");
  EXPECT_FALSE(run("CREATE INDEX IF NOT EXISTS idx_notes ON notes (body)").position.has_value());
  EXPECT_EQ(error_code("CREATE INDEX idx_notes ON notes (body)"), StatusCode::already_exists);
  EXPECT_EQ(run("DROP INDEX idx_notes").tag, "DROP INDEX");
  EXPECT_FALSE(run("DROP INDEX IF EXISTS idx_notes").position.has_value());
  run("CREATE UNIQUE INDEX idx_body ON notes (body)");
  EXPECT_NE(error("INSERT INTO notes VALUES (2, 'hi')").find("duplicate key"), std::string::npos);
}

TEST_F(EngineTest, UpdatePrimaryKey) {
  EXPECT_EQ(run("UPDATE patients SET id = id + 1").tag, "UPDATE 3");
  EXPECT_EQ(rows("SELECT id, name FROM patients ORDER BY id"), (Rows{"2|alice", "3|bob", "4|carol"}));
  EXPECT_NE(error("UPDATE patients SET id = 4 WHERE id = 3").find("duplicate key"), std::string::npos);
}

TEST_F(EngineTest, TextParametersAdaptToColumnTypes) {
  EXPECT_EQ(value("SELECT name FROM patients WHERE id = $1", {Value::text("3")}), "carol");
  EXPECT_EQ(value("SELECT count(*) FROM patients WHERE age > $1", {Value::text("40")}), "1");
  run("INSERT INTO patients (id, name, age) VALUES ($1, 'p', $2)", {Value::text("9"), Value::text("12")});
  EXPECT_EQ(value("SELECT age FROM patients WHERE id = 9"), "12");
}

TEST_F(EngineTest, SelectWithoutFrom) {
  EXPECT_EQ(value("SELECT 1 + 1"), "2");
  EXPECT_EQ(value("SELECT 'a' || 'b', NULL, 2.5 * 2"), "ab|NULL|5.0");
  EXPECT_EQ(rows("SELECT 1 WHERE FALSE"), Rows{});
  EXPECT_EQ(value("SELECT count(*)"), "1");
  EXPECT_EQ(error("SELECT *"), "SELECT * with no tables specified is not valid");
  QueryResult nulls = run("SELECT NULL AS n");
  EXPECT_EQ(nulls.types, (std::vector<kernel::Type>{kernel::Type::null}));
}

TEST_F(EngineTest, NowIsTheNewestCommitTime) {
  EXPECT_EQ(value("SELECT NOW(), CURRENT_DATE"), "2024-01-15 10:30:01|2024-01-15");
  run("INSERT INTO patients (id, name, born) VALUES (10, 'z', CURRENT_DATE)");
  EXPECT_EQ(value("SELECT born FROM patients WHERE id = 10"), "2024-01-15");
  EXPECT_EQ(value("SELECT NOW()"), "2024-01-15 10:30:02");
}

TEST_F(EngineTest, DdlAlterAndDrop) {
  EXPECT_EQ(run("ALTER TABLE patients ADD COLUMN email TEXT DEFAULT 'none'").tag, "ALTER TABLE");
  EXPECT_EQ(value("SELECT email FROM patients WHERE id = 1"), "none");
  run("INSERT INTO patients (id, name, email) VALUES (4, 'dan', 'd@x')");
  EXPECT_EQ(run("ALTER TABLE patients DROP COLUMN score").tag, "ALTER TABLE");
  EXPECT_EQ(run("SELECT * FROM patients WHERE id = 4").columns,
            (std::vector<std::string>{"id", "name", "age", "balance", "born", "email"}));
  EXPECT_EQ(value("SELECT * FROM patients WHERE id = 4"), "4|dan|NULL|0.00|NULL|d@x");
  EXPECT_EQ(error("SELECT score FROM patients"), "column \"score\" does not exist");
  run("INSERT INTO patients VALUES (5, 'eve', 1, 2, '2000-01-01', 'e@x')");
  EXPECT_EQ(value("SELECT * FROM patients WHERE id = 5"), "5|eve|1|2.00|2000-01-01|e@x");
  EXPECT_EQ(run("DROP TABLE patients").tag, "DROP TABLE");
  EXPECT_EQ(error("SELECT * FROM patients"), "table \"patients\" does not exist");
  EXPECT_EQ(run("DROP TABLE IF EXISTS patients").tag, "DROP TABLE");
  EXPECT_EQ(error_code("DROP TABLE patients"), StatusCode::not_found);
}

TEST_F(EngineTest, CreateTableVariants) {
  run("CREATE TABLE IF NOT EXISTS patients (x INT)");
  EXPECT_EQ(run("SELECT * FROM patients").columns.size(), 6u);
  run("CREATE TABLE c (a INT, b TEXT, c INT UNIQUE, PRIMARY KEY (a, b), UNIQUE (b, c))");
  run("INSERT INTO c VALUES (1, 'x', 1), (1, 'y', 2)");
  EXPECT_NE(error("INSERT INTO c VALUES (1, 'x', 3)").find("duplicate key"), std::string::npos);
  EXPECT_NE(error("INSERT INTO c VALUES (2, 'x', 1)").find("duplicate key"), std::string::npos);
  EXPECT_EQ(error("CREATE TABLE d (a INT PRIMARY KEY, b INT PRIMARY KEY)"),
            "multiple primary keys for table \"d\" are not allowed");
  EXPECT_EQ(error("CREATE TABLE d (a INT, a TEXT)"), "column \"a\" specified more than once");
  EXPECT_EQ(error("CREATE TABLE d (a INT, PRIMARY KEY (b))"), "column \"b\" named in key does not exist");
  EXPECT_EQ(error("CREATE TABLE d (a INT DEFAULT 'x')"), "invalid input syntax for type INTEGER: \"x\" (column \"a\")");
  EXPECT_NE(error("CREATE TABLE d (a TIMESTAMP DEFAULT NOW())").find("must be a constant"), std::string::npos);
  EXPECT_EQ(error("CREATE TABLE kmb_audit (a INT)"), "\"kmb_audit\" is a reserved system table name");
  EXPECT_EQ(error_code("CREATE TABLE c (a INT)"), StatusCode::already_exists);
  EXPECT_EQ(run("CREATE STREAM events").tag, "CREATE STREAM");
  EXPECT_EQ(run("CREATE STREAM IF NOT EXISTS events").tag, "CREATE STREAM");
}

TEST_F(EngineTest, QuotedIdentifiers) {
  run("CREATE TABLE \"Mixed\" (\"Col\" INT, plain INT)");
  run("INSERT INTO \"Mixed\" VALUES (1, 2)");
  QueryResult result = run("SELECT \"Col\", PLAIN FROM \"Mixed\"");
  EXPECT_EQ(result.columns, (std::vector<std::string>{"Col", "plain"}));
  EXPECT_EQ(error("SELECT \"col\" FROM \"Mixed\""), "column \"col\" does not exist");
  EXPECT_EQ(value("SELECT Col FROM mixed"), "1");
}

TEST_F(EngineTest, Joins) {
  run("CREATE TABLE visits (vid INT PRIMARY KEY, patient BIGINT, note TEXT)");
  run("INSERT INTO visits VALUES (1, 1, 'flu'), (2, 1, 'cold'), (3, 2, 'ok')");
  EXPECT_EQ(rows("SELECT p.name, v.note FROM patients p JOIN visits v ON v.patient = p.id ORDER BY v.vid"),
            (Rows{"alice|flu", "alice|cold", "bob|ok"}));
  EXPECT_EQ(rows("SELECT p.name, v.note FROM patients p, visits v WHERE v.patient = p.id AND v.vid = 3"),
            (Rows{"bob|ok"}));
  EXPECT_EQ(value("SELECT count(*) FROM patients CROSS JOIN visits"), "9");
  EXPECT_EQ(rows("SELECT p.name, v.note FROM patients p LEFT JOIN visits v ON v.patient = p.id WHERE p.id = 3"),
            (Rows{"carol|NULL"}));
  EXPECT_EQ(error("SELECT name FROM patients, patients"), "table name \"patients\" specified more than once");
  EXPECT_EQ(error("SELECT vid FROM patients p JOIN visits v ON v.patient = x.id"),
            "missing FROM-clause entry for table \"x\"");
  run("CREATE TABLE other (id BIGINT)");
  EXPECT_EQ(error("SELECT id FROM patients, other"), "column reference \"id\" is ambiguous");
}

TEST_F(EngineTest, NameAndTypeErrors) {
  EXPECT_EQ(error("SELECT nope FROM patients"), "column \"nope\" does not exist");
  EXPECT_EQ(error("SELECT x.id FROM patients"), "missing FROM-clause entry for table \"x\"");
  EXPECT_EQ(error("SELECT * FROM patients WHERE name = 1"), "operator does not exist: TEXT = BIGINT");
  EXPECT_EQ(error("SELECT * FROM patients WHERE age"), "argument of WHERE must be type BOOLEAN, not type INTEGER");
  EXPECT_EQ(error("SELECT * FROM patients WHERE id = $1"), "there is no parameter $1 (0 given)");
  EXPECT_EQ(error("SELECT 1/0"), "division by zero");
  EXPECT_EQ(error_code("SELECT nope FROM patients"), StatusCode::invalid_argument);
  EXPECT_EQ(error("SELEC 1"), "syntax error at line 1, column 1: expected a statement but found 'SELEC'");
}

TEST_F(EngineTest, Parameters) {
  EXPECT_EQ(value("SELECT name FROM patients WHERE id = $1", {Value::integer(2)}), "bob");
  EXPECT_EQ(value("SELECT name FROM patients WHERE born = $1", {Value::text("1990-04-01")}), "alice");
  run("INSERT INTO patients (id, name, age) VALUES ($1, $2, $3)", {Value::integer(8), Value::text("hal"), Value::null()});
  EXPECT_EQ(value("SELECT name, age FROM patients WHERE id = 8"), "hal|NULL");
  run("UPDATE patients SET age = $1 WHERE name = $2", {Value::integer(60), Value::text("hal")});
  EXPECT_EQ(value("SELECT age FROM patients WHERE id = 8"), "60");
}

class EngineLimitsTest : public EngineFixture {
 protected:
  EngineLimitsTest() : EngineFixture(EngineOptions{20, 3, 200}) {}
};

TEST_F(EngineLimitsTest, Limits) {
  run("CREATE TABLE t (a INT)");
  EXPECT_EQ(error("INSERT INTO t VALUES (1), (2), (3), (4)"), "statement writes more than the limit of 3 rows");
  run("INSERT INTO t VALUES (1), (2), (3)");
  run("INSERT INTO t VALUES (4)");
  EXPECT_EQ(error("SELECT a FROM t"), "query result exceeds the limit of 3 rows");
  EXPECT_EQ(rows("SELECT a FROM t LIMIT 2"), (Rows{"1", "2"}));
  EXPECT_EQ(error("SELECT a FROM t ORDER BY a"), "query exceeds the limit of 3 rows");
  EXPECT_EQ(error("SELECT " + std::string(300, ' ') + "1"), "statement is 308 bytes; the limit is 200");
  EXPECT_EQ(error_code("SELECT " + std::string(300, ' ') + "1"), StatusCode::resource_exhausted);
  EXPECT_EQ(error("SELECT " + std::string(30, '(') + "1" + std::string(30, ')')),
            "expression nesting exceeds the limit of 20 at line 1, column 28");
}

class EngineQueryLimitsTest : public EngineFixture {
 protected:
  EngineQueryLimitsTest() : EngineFixture(EngineOptions{20, 3, 10'000, 5}) {}
};

// Subqueries, set operations, joins and recursion buffer rows; every buffer is bounded.
TEST_F(EngineQueryLimitsTest, BuffersAndRecursionAreBounded) {
  run("CREATE TABLE t (a INT)");
  run("INSERT INTO t VALUES (1), (2), (3)");
  run("INSERT INTO t VALUES (4)");
  EXPECT_EQ(error("SELECT 1 WHERE 1 IN (SELECT a FROM t)"), "query exceeds the limit of 3 rows");
  EXPECT_EQ(error("SELECT count(*) FROM (SELECT a FROM t UNION SELECT a + 10 FROM t) u"),
            "query exceeds the limit of 3 rows");
  EXPECT_EQ(error("SELECT count(*) FROM t x JOIN t y ON x.a = y.a"), "query exceeds the limit of 3 rows");
  EXPECT_EQ(rows("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3) SELECT x FROM n"),
            (Rows{"1", "2", "3"}));
  EXPECT_EQ(error("WITH RECURSIVE n(x) AS (SELECT 1 UNION SELECT x + 1 FROM n WHERE x < 4) SELECT max(x) FROM n"),
            "query exceeds the limit of 3 rows");
  // A subquery's nesting counts towards the statement's limit.
  EXPECT_EQ(error("SELECT (SELECT " + std::string(25, '(') + "1" + std::string(25, ')') + ")"),
            "expression nesting exceeds the limit of 20 at line 1, column 34");
}

class EngineRecursionLimitTest : public EngineFixture {
 protected:
  EngineRecursionLimitTest() : EngineFixture(EngineOptions{200, 1000, 10'000, 5}) {}
};

TEST_F(EngineRecursionLimitTest, RecursionStopsAtTheLimit) {
  EXPECT_EQ(rows("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 6) SELECT max(x) FROM n"),
            (Rows{"6"}));
  EXPECT_EQ(error("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 7) SELECT max(x) FROM n"),
            "recursive query \"n\" exceeds the limit of 5 iterations");
  EXPECT_EQ(error_code("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT 1 FROM n"),
            StatusCode::resource_exhausted);
}

TEST(EngineDeepNestingTest, HundredThousandParenthesesFailCleanly) {
  testing::StoreSession session;
  Engine engine;
  std::string sql = "SELECT " + std::string(100000, '(') + "1" + std::string(100000, ')');
  Result<QueryResult> result = engine.execute(session, sql, {}, AuditContext{});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::resource_exhausted);
}

TEST(EngineSplitTest, SplitsStatements) {
  Result<std::vector<std::string>> parts = Engine::split_statements("SELECT 1; SELECT ';'; ");
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(*parts, (std::vector<std::string>{"SELECT 1", "SELECT ';'"}));
}

// A Session whose writes become "durable" only when the test says so: write_deferred applies the
// record at once (through the store session) and keeps its callback until settle().
class ManualDurabilitySession final : public Session {
 public:
  explicit ManualDurabilitySession(Session& inner) : inner_(inner) {}
  Result<std::unique_ptr<projection::ReadView>> read_view() override { return inner_.read_view(); }
  Result<CommitResult> write(const RecordBuilder& build,
                             const AuditContext& audit) override {
    return inner_.write(build, audit);
  }
  Result<CommitResult> write_deferred(
      const RecordBuilder& build, const AuditContext& audit,
      std::function<void(Status)> on_durable) override {
    deferred_writes_++;
    bool logged = false;
    KMB_ASSIGN_OR_RETURN(CommitResult commit, inner_.write(
                                                  [&](const projection::ReadView& latest) {
                                                    Result<kernel::CommandRecord> record = build(latest);
                                                    logged = record.ok() && !record->commands.empty();
                                                    return record;
                                                  },
                                                  audit));
    if (!logged) {
      on_durable(Status::ok_status());  // The contract for a record that commits nothing.
    } else {
      pending_.push_back(std::move(on_durable));
    }
    return commit;
  }
  void settle(const Status& outcome) {
    std::vector<std::function<void(Status)>> pending = std::move(pending_);
    pending_.clear();
    for (auto& callback : pending) callback(outcome);
  }
  std::size_t pending() const { return pending_.size(); }
  int deferred_writes() const { return deferred_writes_; }

 private:
  Session& inner_;
  std::vector<std::function<void(Status)>> pending_;
  int deferred_writes_ = 0;
};

// Records every call of one on_durable callback.
struct DurabilityCalls {
  std::vector<Status> outcomes;
  std::function<void(Status)> callback() {
    return [this](Status status) { outcomes.push_back(std::move(status)); };
  }
};

class EngineDeferredTest : public EngineTest {
 protected:
  Result<QueryResult> deferred(std::string_view sql, DurabilityCalls& calls) {
    return engine_.execute_deferred(manual_, sql, {}, audit_, {}, calls.callback());
  }
  ManualDurabilitySession manual_{session_};
};

TEST_F(EngineDeferredTest, ReadsReportDurabilityInline) {
  for (const char* sql : {"SELECT name FROM patients WHERE id = 1", "SELECT count(*) FROM patients",
                          "EXPLAIN SELECT * FROM patients WHERE id = 2"}) {
    DurabilityCalls calls;
    Result<QueryResult> result = deferred(sql, calls);
    ASSERT_TRUE(result.ok()) << sql << ": " << result.status().to_string();
    ASSERT_EQ(calls.outcomes.size(), 1u) << sql;
    EXPECT_TRUE(calls.outcomes[0].ok());
  }
  EXPECT_EQ(manual_.deferred_writes(), 0);
}

TEST_F(EngineDeferredTest, InsertIsAcknowledgedOnlyThroughItsCallback) {
  DurabilityCalls calls;
  Result<QueryResult> insert = deferred("INSERT INTO patients (id, name) VALUES (4, 'dave')", calls);
  ASSERT_TRUE(insert.ok()) << insert.status().to_string();
  EXPECT_EQ(insert->tag, "INSERT 1");
  ASSERT_TRUE(insert->position.has_value());
  EXPECT_EQ(manual_.deferred_writes(), 1);
  EXPECT_TRUE(calls.outcomes.empty()) << "not durable yet";
  manual_.settle(Status::ok_status());
  ASSERT_EQ(calls.outcomes.size(), 1u);
  EXPECT_TRUE(calls.outcomes[0].ok());
  manual_.settle(Status::ok_status());
  EXPECT_EQ(calls.outcomes.size(), 1u) << "called exactly once";

  DurabilityCalls lost;
  ASSERT_TRUE(deferred("INSERT INTO patients (id, name) VALUES (5, 'erin')", lost).ok());
  manual_.settle(io_error("disk gone"));
  ASSERT_EQ(lost.outcomes.size(), 1u);
  EXPECT_EQ(lost.outcomes[0].code(), StatusCode::io_error) << "the durability error reaches the caller";
}

TEST_F(EngineDeferredTest, WritesThatChangeNothingReportDurabilityInline) {
  DurabilityCalls calls;
  Result<QueryResult> update = deferred("UPDATE patients SET age = 1 WHERE id = 99", calls);
  ASSERT_TRUE(update.ok()) << update.status().to_string();
  EXPECT_EQ(update->tag, "UPDATE 0");
  EXPECT_FALSE(update->position.has_value());
  ASSERT_EQ(calls.outcomes.size(), 1u);
  EXPECT_TRUE(calls.outcomes[0].ok());
  EXPECT_EQ(manual_.pending(), 0u);
}

TEST_F(EngineDeferredTest, DdlGoesThroughTheDeferredWrite) {
  DurabilityCalls calls;
  Result<QueryResult> create = deferred("CREATE TABLE visits (id BIGINT PRIMARY KEY, note TEXT)", calls);
  ASSERT_TRUE(create.ok()) << create.status().to_string();
  EXPECT_EQ(create->tag, "CREATE TABLE");
  EXPECT_EQ(manual_.deferred_writes(), 1);
  EXPECT_TRUE(calls.outcomes.empty());
  manual_.settle(Status::ok_status());
  ASSERT_EQ(calls.outcomes.size(), 1u);
  EXPECT_TRUE(calls.outcomes[0].ok());
}

TEST_F(EngineDeferredTest, ErrorsNeverCallTheCallback) {
  for (const char* sql : {"SELEKT 1", "SELECT * FROM nowhere", "INSERT INTO patients (id, name) VALUES (1, 'dup')",
                          "INSERT INTO patients (id) VALUES (6)", "BEGIN", "COMMIT"}) {
    DurabilityCalls calls;
    Result<QueryResult> result = deferred(sql, calls);
    EXPECT_FALSE(result.ok()) << sql;
    EXPECT_TRUE(calls.outcomes.empty()) << sql;
  }
  EXPECT_EQ(manual_.pending(), 0u) << "nothing was written";
  EXPECT_EQ(value("SELECT count(*) FROM patients"), "3");
}

TEST_F(EngineDeferredTest, DefaultSessionWritesThenReportsInline) {
  DurabilityCalls calls;
  // StoreSession has no write_deferred of its own: Session's default is write() then OK.
  Result<QueryResult> insert = engine_.execute_deferred(session_, "INSERT INTO patients (id, name) VALUES (7, 'gus')",
                                                        {}, audit_, {}, calls.callback());
  ASSERT_TRUE(insert.ok()) << insert.status().to_string();
  ASSERT_EQ(calls.outcomes.size(), 1u);
  EXPECT_TRUE(calls.outcomes[0].ok());
  EXPECT_EQ(value("SELECT name FROM patients WHERE id = 7"), "gus");
}

}  // namespace
}  // namespace kmb::sql
