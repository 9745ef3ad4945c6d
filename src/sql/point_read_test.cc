// Point reads answered without planning (point_read.h) must give exactly what the planner gives:
// every statement here runs through an engine with the shortcut and one without, on the same
// data, and the results (or errors) are compared whole — column names, types, rows, tag.
#include "sql/point_read.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sql/connection.h"
#include "sql/parser/parser.h"
#include "sql/testing/engine_fixture.h"

namespace kmb::sql {
namespace {

using kernel::Value;

EngineOptions without_point_reads() {
  EngineOptions options;
  options.point_reads = false;
  return options;
}

class PointReadTest : public testing::EngineFixture {
 protected:
  PointReadTest() : planned_(without_point_reads()) {}

  void SetUp() override {
    run_all({
        "CREATE TABLE accounts (id BIGINT PRIMARY KEY, owner TEXT NOT NULL, balance BIGINT)",
        "INSERT INTO accounts VALUES (1, 'ann', 10), (2, 'bob', 20), (3, 'cy', NULL)",
        "CREATE TABLE pairs (a INTEGER, b TEXT, note TEXT, PRIMARY KEY (a, b))",
        "INSERT INTO pairs VALUES (1, 'x', 'one-x'), (1, 'y', 'one-y'), (2, 'x', 'two-x')",
        "CREATE TABLE small (k SMALLINT PRIMARY KEY, v TEXT)",
        "INSERT INTO small VALUES (7, 'seven')",
        "CREATE TABLE names (name TEXT PRIMARY KEY, \"Mixed\" INTEGER)",
        "INSERT INTO names VALUES ('a', 1), ('B', 2)",
        "CREATE TABLE nokey (x INTEGER, y TEXT)",
        "INSERT INTO nokey VALUES (1, 'p')",
        "CREATE VIEW rich AS SELECT id, owner FROM accounts WHERE balance > 15",
    });
    loaded_ = *run("UPDATE accounts SET balance = 11 WHERE id = 1").position - 1;
    run_all({
        "UPDATE accounts SET balance = 12 WHERE id = 1",
        "DELETE FROM accounts WHERE id = 2",
        "ALTER TABLE accounts ADD COLUMN tier INTEGER",
        "UPDATE accounts SET tier = 5 WHERE id = 3",
        "DELETE FROM pairs WHERE a = 1 AND b = 'y'",
    });
  }

  // Whether the shortcut answers `sql` itself (rather than leaving it to the planner).
  bool answered_directly(std::string_view sql, const std::vector<Value>& parameters = {}) {
    Result<Statement> statement = parse_statement(sql);
    EXPECT_TRUE(statement.ok()) << sql;
    if (!statement.ok()) return false;
    const auto* select = std::get_if<SelectStatement>(&statement->node);
    if (select == nullptr) return false;
    Result<std::unique_ptr<projection::ReadView>> view = session_.read_view();
    EXPECT_TRUE(view.ok());
    const PlannerContext context{**view, parameters, 1000, {}, nullptr, true, 100, nullptr, 0, nullptr, true};
    Result<std::optional<QueryResult>> answer = try_point_read(*select->node, context);
    EXPECT_TRUE(answer.ok()) << answer.status().to_string();
    return answer.ok() && answer->has_value();
  }

  // Runs `sql` on both engines and expects identical outcomes.
  void expect_same(const std::string& sql, const std::vector<Value>& parameters = {}) {
    SCOPED_TRACE(sql);
    Result<QueryResult> fast = engine_.execute(session_, sql, parameters, audit_);
    Result<QueryResult> slow = planned_.execute(session_, sql, parameters, audit_);
    ASSERT_EQ(fast.ok(), slow.ok()) << (fast.ok() ? slow.status().to_string() : fast.status().to_string());
    if (!fast.ok()) {
      EXPECT_EQ(fast.status().to_string(), slow.status().to_string());
      return;
    }
    EXPECT_EQ(fast->columns, slow->columns);
    EXPECT_EQ(fast->types, slow->types);
    EXPECT_EQ(render(*fast), render(*slow));
    ASSERT_EQ(fast->rows.size(), slow->rows.size());
    for (std::size_t i = 0; i < fast->rows.size(); i++) {
      ASSERT_EQ(fast->rows[i].size(), slow->rows[i].size());
      for (std::size_t j = 0; j < fast->rows[i].size(); j++) {
        EXPECT_EQ(fast->rows[i][j].type(), slow->rows[i][j].type()) << "row " << i << " column " << j;
      }
    }
    EXPECT_EQ(fast->tag, slow->tag);
    EXPECT_EQ(fast->rows_affected, slow->rows_affected);
  }

  Engine planned_;
  kernel::Position loaded_ = 0;
};

TEST_F(PointReadTest, TakesPrimaryKeyPointReads) {
  const std::string past = std::to_string(loaded_);
  EXPECT_TRUE(answered_directly("SELECT owner, balance FROM accounts WHERE id = $1", {Value::integer(1)}));
  EXPECT_TRUE(answered_directly("SELECT * FROM accounts WHERE id = 3"));
  EXPECT_TRUE(answered_directly("SELECT a.owner AS who FROM accounts a WHERE 1 = a.id"));
  EXPECT_TRUE(answered_directly("SELECT owner FROM accounts AS OF POSITION " + past + " WHERE id = $1",
                                {Value::integer(1)}));
  EXPECT_TRUE(answered_directly("SELECT owner FROM accounts AS OF POSITION $2 WHERE id = $1",
                                {Value::integer(1), Value::integer(static_cast<std::int64_t>(loaded_))}));
  EXPECT_TRUE(answered_directly("SELECT id, _position, _actor, _operation, _valid_to FROM accounts "
                                "FOR SYSTEM_TIME ALL WHERE id = 1"));
  EXPECT_TRUE(answered_directly("SELECT note FROM pairs WHERE b = $2 AND a = $1",
                                {Value::integer(1), Value::text("x")}));
  EXPECT_TRUE(answered_directly("SELECT * FROM names WHERE name = 'B'"));
}

TEST_F(PointReadTest, LeavesEverythingElseToThePlanner) {
  EXPECT_FALSE(answered_directly("SELECT owner FROM accounts WHERE id = $1 AND balance = 10", {Value::integer(1)}));
  EXPECT_FALSE(answered_directly("SELECT owner FROM accounts WHERE id > 1"));
  EXPECT_FALSE(answered_directly("SELECT owner FROM accounts WHERE id = 1 ORDER BY owner"));
  EXPECT_FALSE(answered_directly("SELECT owner FROM accounts WHERE id = 1 LIMIT 1"));
  EXPECT_FALSE(answered_directly("SELECT DISTINCT owner FROM accounts WHERE id = 1"));
  EXPECT_FALSE(answered_directly("SELECT balance + 1 FROM accounts WHERE id = 1"));
  EXPECT_FALSE(answered_directly("SELECT owner FROM accounts WHERE id = '1'"));       // coerced by the planner
  EXPECT_FALSE(answered_directly("SELECT owner FROM accounts WHERE id = 1.0"));       // numeric comparison
  EXPECT_FALSE(answered_directly("SELECT owner FROM accounts WHERE id = $1", {Value::null()}));
  EXPECT_FALSE(answered_directly("SELECT owner FROM accounts WHERE id = $2", {Value::integer(1)}));  // no $2
  EXPECT_FALSE(answered_directly("SELECT note FROM pairs WHERE a = 1"));             // part of the key
  EXPECT_FALSE(answered_directly("SELECT note FROM pairs WHERE a = 1 AND a = 1"));
  EXPECT_FALSE(answered_directly("SELECT x FROM nokey WHERE x = 1"));                // no primary key
  EXPECT_FALSE(answered_directly("SELECT owner FROM rich WHERE id = 2"));            // a view
  EXPECT_FALSE(answered_directly("SELECT owner FROM missing WHERE id = 2"));
  EXPECT_FALSE(answered_directly("SELECT nope FROM accounts WHERE id = 2"));
  EXPECT_FALSE(answered_directly("SELECT accounts.owner FROM accounts a WHERE a.id = 2"));  // hidden by the alias
  EXPECT_FALSE(answered_directly("SELECT owner FROM accounts AS OF POSITION 999999 WHERE id = 1"));
  EXPECT_FALSE(answered_directly("WITH c AS (SELECT 1) SELECT owner FROM accounts WHERE id = 1"));
  EXPECT_FALSE(answered_directly("SELECT owner FROM accounts WHERE id = 1 UNION SELECT 'z'"));
}

TEST_F(PointReadTest, AnswersAsThePlannerDoes) {
  const std::string past = std::to_string(loaded_);
  const std::vector<std::string> point_reads = {
      "SELECT owner, balance FROM accounts WHERE id = $1",
      "SELECT * FROM accounts WHERE id = $1",
      "SELECT accounts.* FROM accounts WHERE accounts.id = $1",
      "SELECT x.balance AS \"Money\", owner AS who, ID FROM accounts x WHERE x.id = $1",
      "SELECT owner, balance FROM accounts AS OF POSITION " + past + " WHERE id = $1",
      "SELECT * FROM accounts AS OF POSITION " + past + " WHERE $1 = id",
      "SELECT * FROM accounts FOR SYSTEM_TIME AS OF " + past + " WHERE id = $1",
      "SELECT id, owner, balance, _position, _timestamp, _actor, _reason, _operation, _valid_to "
      "FROM accounts FOR SYSTEM_TIME ALL WHERE id = $1",
      "SELECT _operation, balance FROM accounts FOR SYSTEM_TIME BETWEEN 0 AND " + past + " WHERE id = $1",
      "SELECT _operation, balance FROM accounts FOR SYSTEM_TIME FROM " + past + " TO 999 WHERE id = $1",
      "SELECT _position, owner FROM accounts WHERE id = $1",
      "SELECT owner FROM accounts WHERE id = $1 AND id = $1",
      "SELECT owner FROM accounts WHERE id = $1 AND balance = 12",
      "SELECT owner FROM accounts WHERE id = $1 ORDER BY owner LIMIT 5",
      "SELECT nope FROM accounts WHERE id = $1",
      "SELECT owner FROM accounts AS OF POSITION 999999 WHERE id = $1",
      "SELECT owner FROM rich WHERE id = $1",
      "SELECT owner FROM accounts a WHERE accounts.id = $1",
  };
  const std::vector<std::vector<Value>> keys = {
      {Value::integer(1)}, {Value::integer(2)}, {Value::integer(3)}, {Value::integer(99)},
      {Value::integer(-1)}, {Value::null()},    {Value::text("1")},   {Value::floating(1.0)},
      {},
  };
  for (const std::string& sql : point_reads) {
    for (const std::vector<Value>& parameters : keys) expect_same(sql, parameters);
  }
  const std::vector<std::vector<Value>> pair_keys = {
      {Value::integer(1), Value::text("x")}, {Value::integer(1), Value::text("y")},
      {Value::integer(2), Value::text("x")}, {Value::integer(2), Value::text("X")},
      {Value::integer(1), Value::integer(1)},
  };
  for (const std::vector<Value>& parameters : pair_keys) {
    expect_same("SELECT * FROM pairs WHERE a = $1 AND b = $2", parameters);
    expect_same("SELECT note, _operation FROM pairs FOR SYSTEM_TIME ALL WHERE b = $2 AND a = $1", parameters);
  }
  for (const std::int64_t k : {7, 8, 70000, -70000}) {
    expect_same("SELECT v FROM small WHERE k = $1", {Value::integer(k)});
    expect_same("SELECT v FROM small WHERE k = " + std::to_string(k));
  }
  for (const char* name : {"a", "A", "b", "B"}) {
    expect_same("SELECT \"Mixed\" FROM names WHERE name = $1", {Value::text(name)});
    expect_same("SELECT mixed FROM names WHERE name = $1", {Value::text(name)});
    expect_same("SELECT * FROM names WHERE name = '" + std::string(name) + "'");
  }
}

// Inside a transaction: the transaction's own writes, and the read recorded for COMMIT.
TEST_F(PointReadTest, InsideATransactionSeesItsOwnWritesAsThePlannerDoes) {
  Connection fast(engine_, session_);
  Connection planned(planned_, session_);
  for (Connection* connection : {&fast, &planned}) {
    for (const char* sql : {"BEGIN", "INSERT INTO accounts (id, owner, balance) VALUES (10, 'new', 1)",
                            "UPDATE accounts SET owner = 'changed' WHERE id = 1", "DELETE FROM accounts WHERE id = 3"}) {
      Result<QueryResult> result = connection->execute(sql);
      ASSERT_TRUE(result.ok()) << sql << ": " << result.status().to_string();
    }
  }
  for (const std::int64_t id : {1, 2, 3, 10, 11}) {
    for (const char* sql : {"SELECT * FROM accounts WHERE id = $1", "SELECT owner, _operation FROM accounts WHERE id = $1"}) {
      const std::vector<Value> parameters = {Value::integer(id)};
      Result<QueryResult> a = fast.execute(sql, parameters);
      Result<QueryResult> b = planned.execute(sql, parameters);
      ASSERT_EQ(a.ok(), b.ok()) << sql << " " << id;
      if (!a.ok()) {
        EXPECT_EQ(a.status().to_string(), b.status().to_string());
        continue;
      }
      EXPECT_EQ(a->columns, b->columns);
      EXPECT_EQ(render(*a), render(*b)) << sql << " " << id;
    }
  }
  EXPECT_EQ(testing::EngineFixture::render(fast.execute("SELECT owner FROM accounts WHERE id = 1").value()),
            (std::vector<std::string>{"changed"}));
  ASSERT_TRUE(fast.execute("ROLLBACK").ok());
  ASSERT_TRUE(planned.execute("ROLLBACK").ok());
}

TEST_F(PointReadTest, AReadInsideATransactionConflictsWithALaterCommit) {
  Connection connection(engine_, session_);
  ASSERT_TRUE(connection.execute("BEGIN").ok());
  ASSERT_EQ(render(connection.execute("SELECT balance FROM accounts WHERE id = $1", {{Value::integer(3)}}).value()),
            (std::vector<std::string>{"NULL"}));
  run("UPDATE accounts SET balance = 99 WHERE id = 3");  // another session, committed meanwhile
  ASSERT_TRUE(connection.execute("UPDATE accounts SET balance = 1 WHERE id = 1").ok());
  Result<QueryResult> commit = connection.execute("COMMIT");
  ASSERT_FALSE(commit.ok()) << "the point read of id 3 must be checked at COMMIT";
  EXPECT_EQ(commit.status().code(), StatusCode::aborted) << commit.status().to_string();
  EXPECT_EQ(value("SELECT balance FROM accounts WHERE id = 1"), "12");  // nothing of the transaction
}

TEST_F(PointReadTest, RespectsTheResultRowLimit) {
  EngineOptions options;
  options.result_rows_max = 1;
  Engine limited(options);
  options.point_reads = false;
  Engine limited_planned(options);
  const std::string sql = "SELECT _operation FROM accounts FOR SYSTEM_TIME ALL WHERE id = 1";
  Result<QueryResult> fast = limited.execute(session_, sql, {}, audit_);
  Result<QueryResult> slow = limited_planned.execute(session_, sql, {}, audit_);
  ASSERT_FALSE(fast.ok());
  EXPECT_EQ(fast.status().to_string(), slow.status().to_string());
}

}  // namespace
}  // namespace kmb::sql
