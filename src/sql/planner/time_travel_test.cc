// Time travel per table reference, row history and its pseudo-columns, and the kmb_audit table.
#include <gtest/gtest.h>

#include "sql/testing/engine_fixture.h"

namespace kmb::sql {
namespace {

using kernel::Value;
using testing::EngineFixture;
using testing::Rows;

// Positions 1..5, committed at 10:30:00 .. 10:30:04 on 2024-01-15 (UTC).
class TimeTravelTest : public EngineFixture {
 protected:
  void SetUp() override {
    run("CREATE TABLE patients (id BIGINT PRIMARY KEY, name TEXT)");                // 1
    run("INSERT INTO patients VALUES (1, 'alice'), (2, 'bob')");                    // 2
    audit_ = AuditContext{"dr.smith", "correction", 42};
    run("UPDATE patients SET name = 'alicia' WHERE id = 1");                        // 3
    audit_ = AuditContext{"admin", "erasure request", 1};
    run("DELETE FROM patients WHERE id = 2");                                       // 4
    audit_ = AuditContext{"tester", "testing", 7};
    run("ALTER TABLE patients ADD COLUMN email TEXT");                              // 5
  }
};

TEST_F(TimeTravelTest, AsOfPosition) {
  EXPECT_EQ(rows("SELECT * FROM patients AS OF POSITION 2 ORDER BY id"), (Rows{"1|alice", "2|bob"}));
  EXPECT_EQ(rows("SELECT * FROM patients AT OFFSET 3 ORDER BY id"), (Rows{"1|alicia", "2|bob"}));
  EXPECT_EQ(rows("SELECT * FROM patients AS OF POSITION 4"), (Rows{"1|alicia"}));
  EXPECT_EQ(rows("SELECT * FROM patients"), (Rows{"1|alicia|NULL"}));
  EXPECT_EQ(rows("SELECT p.name FROM patients AS OF POSITION 2 p ORDER BY p.id"), (Rows{"alice", "bob"}));
  EXPECT_EQ(rows("SELECT p.name FROM patients p AS OF POSITION 2 ORDER BY p.id"), (Rows{"alice", "bob"}));
  EXPECT_EQ(rows("SELECT name FROM patients AS OF POSITION $1 ORDER BY id", {Value::integer(3)}),
            (Rows{"alicia", "bob"}));
  EXPECT_EQ(rows("SELECT * FROM patients AS OF POSITION 1"), Rows{});
}

TEST_F(TimeTravelTest, DifferentPositionsInOneQuery) {
  EXPECT_EQ(rows("SELECT old.name, new.name FROM patients AS OF POSITION 2 old JOIN patients new ON new.id = old.id"),
            (Rows{"alice|alicia"}));
}

TEST_F(TimeTravelTest, AsOfTimestamp) {
  EXPECT_EQ(rows("SELECT name FROM patients AS OF TIMESTAMP '2024-01-15 10:30:01.5' ORDER BY id"),
            (Rows{"alice", "bob"}));
  EXPECT_EQ(rows("SELECT name FROM patients AS OF TIMESTAMP '2024-01-15T10:30:02Z' ORDER BY id"),
            (Rows{"alicia", "bob"}));
  EXPECT_EQ(rows("SELECT name FROM patients AS OF TIMESTAMP TIMESTAMP '2024-01-15 10:30:03'"), (Rows{"alicia"}));
  EXPECT_EQ(rows("SELECT name FROM patients FOR SYSTEM_TIME AS OF '2024-01-15 10:30:01' ORDER BY id"),
            (Rows{"alice", "bob"}));
  EXPECT_EQ(rows("SELECT name FROM patients FOR SYSTEM_TIME AS OF 3 ORDER BY id"), (Rows{"alicia", "bob"}));
  EXPECT_EQ(rows("SELECT name FROM patients AS OF TIMESTAMP $1 ORDER BY id", {Value::text("2024-01-15 10:30:02")}),
            (Rows{"alicia", "bob"}));
}

TEST_F(TimeTravelTest, SchemaAsOf) {
  EXPECT_EQ(run("SELECT * FROM patients AS OF POSITION 4").columns, (std::vector<std::string>{"id", "name"}));
  EXPECT_EQ(run("SELECT * FROM patients").columns, (std::vector<std::string>{"id", "name", "email"}));
  EXPECT_EQ(error("SELECT email FROM patients AS OF POSITION 4"), "column \"email\" does not exist");
  run("DROP TABLE patients");
  EXPECT_EQ(rows("SELECT name FROM patients AS OF POSITION 5"), (Rows{"alicia"}));
  EXPECT_EQ(error("SELECT name FROM patients"), "table \"patients\" does not exist");
}

TEST_F(TimeTravelTest, Errors) {
  EXPECT_EQ(error("SELECT * FROM patients AS OF POSITION 99"), "position 99 is in the future; the latest is 5");
  EXPECT_NE(error("SELECT * FROM patients AS OF TIMESTAMP '2020-01-01 00:00:00'"), "");
  EXPECT_EQ(error("SELECT * FROM patients AS OF POSITION 'x'"), "AS OF POSITION needs a non-negative integer, not x");
  EXPECT_EQ(error("SELECT * FROM patients AS OF POSITION -1"), "AS OF POSITION needs a non-negative integer, not -1");
  EXPECT_EQ(error("SELECT * FROM patients AS OF TIMESTAMP 'soon'"), "invalid timestamp 'soon'");
  EXPECT_EQ(error("SELECT * FROM patients AS OF TIMESTAMP 5"),
            "a time-travel timestamp must be a TIMESTAMP or a string, not BIGINT");
  EXPECT_EQ(error("SELECT * FROM patients AS OF POSITION NULL"), "a time-travel position or timestamp must not be NULL");
  EXPECT_EQ(error("SELECT * FROM patients AS OF POSITION id"), "column \"id\" does not exist");
}

TEST_F(TimeTravelTest, PseudoColumnsOnCurrentRows) {
  EXPECT_EQ(value("SELECT id, name, _position, _timestamp, _actor, _reason, _operation, _valid_to FROM patients"),
            "1|alicia|3|2024-01-15 10:30:02|dr.smith|correction|UPDATE|NULL");
  EXPECT_EQ(value("SELECT _operation, _valid_to FROM patients AS OF POSITION 2 WHERE id = 1"), "INSERT|3");
  EXPECT_EQ(rows("SELECT id FROM patients AS OF POSITION 2 WHERE _actor = 'tester' ORDER BY _position, id"),
            (Rows{"1", "2"}));
  EXPECT_EQ(error("SELECT _nope FROM patients"), "column \"_nope\" does not exist");
}

TEST_F(TimeTravelTest, History) {
  EXPECT_EQ(rows("SELECT id, name, _operation, _position, _valid_to, _actor FROM patients FOR SYSTEM_TIME ALL "
                 "ORDER BY id, _position"),
            (Rows{"1|alice|INSERT|2|3|tester", "1|alicia|UPDATE|3|NULL|dr.smith", "2|bob|INSERT|2|4|tester",
                  "2|bob|DELETE|4|NULL|admin"}));
  EXPECT_EQ(rows("SELECT id, name FROM patients FOR SYSTEM_TIME BETWEEN 2 AND 2 ORDER BY id"),
            (Rows{"1|alice", "2|bob"}));
  EXPECT_EQ(rows("SELECT id, name, _operation FROM patients FOR SYSTEM_TIME FROM 3 TO 4 ORDER BY id, _position"),
            (Rows{"1|alicia|UPDATE", "2|bob|INSERT"}));
  EXPECT_EQ(rows("SELECT _actor, _reason, _timestamp FROM patients FOR SYSTEM_TIME ALL WHERE _operation = 'DELETE'"),
            (Rows{"admin|erasure request|2024-01-15 10:30:03"}));
  EXPECT_EQ(rows("SELECT name FROM patients FOR SYSTEM_TIME BETWEEN '2024-01-15 10:30:02' AND "
                 "'2024-01-15 10:30:02' h WHERE h.id = 1"),
            (Rows{"alicia"}));
  EXPECT_EQ(run("SELECT * FROM patients FOR SYSTEM_TIME ALL").columns,
            (std::vector<std::string>{"id", "name", "email"}));
  EXPECT_EQ(rows("SELECT id FROM patients FOR SYSTEM_TIME BETWEEN 4 AND 2"), Rows{});
  EXPECT_EQ(rows("SELECT count(*) FROM patients FOR SYSTEM_TIME ALL GROUP BY id ORDER BY id"), (Rows{"2", "2"}));
}

TEST_F(TimeTravelTest, AuditTable) {
  EXPECT_EQ(rows("SELECT position, actor, reason, client_id, operation, table_name, row_count FROM kmb_audit "
                 "ORDER BY position"),
            (Rows{"1|tester|testing|7|CREATE TABLE|patients|0", "2|tester|testing|7|INSERT|patients|2",
                  "3|dr.smith|correction|42|UPDATE|patients|1", "4|admin|erasure request|1|DELETE|patients|1",
                  "5|tester|testing|7|ALTER TABLE ADD COLUMN|patients|0"}));
  EXPECT_EQ(value("SELECT statement, timestamp FROM kmb_audit WHERE position = 3"),
            "UPDATE patients SET name = 'alicia' WHERE id = 1|2024-01-15 10:30:02");
  EXPECT_EQ(rows("SELECT position FROM kmb_audit WHERE actor = 'tester' AND position > 1"), (Rows{"2", "5"}));
  EXPECT_EQ(rows("SELECT position FROM kmb_audit AS OF POSITION 2"), (Rows{"1", "2"}));
  EXPECT_EQ(rows("SELECT a.position FROM kmb_audit a WHERE a.position < 0"), Rows{});
  EXPECT_EQ(run("SELECT * FROM kmb_audit").columns,
            (std::vector<std::string>{"position", "timestamp", "client_id", "actor", "reason", "operation",
                                      "table_name", "statement", "row_count"}));
}

TEST_F(TimeTravelTest, AuditTableIsReadOnly) {
  EXPECT_EQ(error("INSERT INTO kmb_audit VALUES (1)"), "kmb_audit is a read-only system table");
  EXPECT_EQ(error("UPDATE kmb_audit SET actor = 'x'"), "kmb_audit is a read-only system table");
  EXPECT_EQ(error("DELETE FROM kmb_audit"), "kmb_audit is a read-only system table");
  EXPECT_EQ(error("DROP TABLE kmb_audit"), "\"kmb_audit\" is a reserved system table name");
  EXPECT_EQ(error("ALTER TABLE kmb_audit ADD COLUMN x INT"), "\"kmb_audit\" is a reserved system table name");
}

TEST(EmptyDatabaseTest, QueriesOnAnEmptyLog) {
  testing::StoreSession session;
  Engine engine;
  Result<QueryResult> audit = engine.execute(session, "SELECT * FROM kmb_audit", {}, AuditContext{});
  ASSERT_TRUE(audit.ok()) << audit.status().to_string();
  EXPECT_TRUE(audit->rows.empty());
  Result<QueryResult> missing = engine.execute(session, "SELECT * FROM t", {}, AuditContext{});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "table \"t\" does not exist");
  Result<QueryResult> now = engine.execute(session, "SELECT NOW()", {}, AuditContext{});
  ASSERT_FALSE(now.ok());
  EXPECT_EQ(now.status().message(), "NOW() is undefined until the database has a first commit");
}

}  // namespace
}  // namespace kmb::sql
