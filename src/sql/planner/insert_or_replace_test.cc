// REPLACE / INSERT OR REPLACE / INSERT OR IGNORE and REINDEX through Engine::execute: what the
// sqllogictest file (tests/sql/features_sqlite_compat.test) cannot see — tags, positions, codes.
#include "sql/planner/insert_or_replace.h"

#include <gtest/gtest.h>

#include "sql/testing/engine_fixture.h"

namespace kmb::sql {
namespace {

using testing::EngineFixture;
using testing::Rows;

class SqliteCompatTest : public EngineFixture {
 protected:
  void SetUp() override {
    run_all({
        "CREATE TABLE kv (k TEXT PRIMARY KEY, v BIGINT DEFAULT 0, note TEXT)",  // position 1
        "INSERT INTO kv VALUES ('a', 1, 'first'), ('b', 2, NULL)",              // position 2
        "CREATE INDEX kv_v ON kv (v)",                                          // position 3
    });
  }
};

TEST_F(SqliteCompatTest, ReplaceIsOneRecordOfInsertsAndUpdates) {
  QueryResult replace = run("REPLACE INTO kv (k, v) VALUES ('a', 10), ('c', 3)");
  EXPECT_EQ(replace.tag, "INSERT 2");
  EXPECT_EQ(replace.rows_affected, 2u);
  EXPECT_EQ(replace.position, 4u);
  EXPECT_EQ(rows("SELECT k, v, note FROM kv ORDER BY k"), (Rows{"a|10|NULL", "b|2|NULL", "c|3|NULL"}));
  // The replaced version is still there, one position back.
  EXPECT_EQ(value("SELECT note FROM kv AS OF POSITION 3 WHERE k = 'a'"), "first");
  EXPECT_EQ(value("SELECT operation FROM kmb_audit WHERE position = 4"), "INSERT, UPDATE");
}

TEST_F(SqliteCompatTest, InsertOrIgnoreOfOnlyExistingKeysLogsNothing) {
  QueryResult ignore = run("INSERT OR IGNORE INTO kv VALUES ('a', 5, 'x'), ('b', 6, 'y')");
  EXPECT_EQ(ignore.tag, "INSERT 0");
  EXPECT_FALSE(ignore.position.has_value());
  EXPECT_EQ(value("SELECT count(*) FROM kmb_audit"), "3");
}

TEST_F(SqliteCompatTest, ReplaceIntoTableWithoutKeyInserts) {
  run("CREATE TABLE events (what TEXT)");
  EXPECT_EQ(run("REPLACE INTO events VALUES ('x'), ('x')").tag, "INSERT 2");
  EXPECT_EQ(run("INSERT OR IGNORE INTO events VALUES ('x')").tag, "INSERT 1");
  EXPECT_EQ(error("INSERT INTO events VALUES ('x') ON CONFLICT DO NOTHING"),
            "ON CONFLICT needs a primary key; table \"events\" has none");
}

TEST_F(SqliteCompatTest, ReplaceCannotBypassOtherConstraints) {
  run("CREATE TABLE badges (id BIGINT PRIMARY KEY, code TEXT UNIQUE NOT NULL)");
  run("INSERT INTO badges VALUES (1, 'A'), (2, 'B')");
  EXPECT_EQ(error_code("REPLACE INTO badges VALUES (1, 'B')"), StatusCode::invalid_argument);
  EXPECT_NE(error("REPLACE INTO badges (id) VALUES (1)"), "");
  EXPECT_EQ(rows("SELECT id, code FROM badges ORDER BY id"), (Rows{"1|A", "2|B"}));
}

TEST_F(SqliteCompatTest, ReindexChecksTheNameAndLogsNothing) {
  for (std::string_view sql : {"REINDEX", "REINDEX kv", "REINDEX KV_V", "REINDEX kmb_audit"}) {
    QueryResult reindex = run(sql);
    EXPECT_EQ(reindex.tag, "REINDEX") << sql;
    EXPECT_EQ(reindex.rows_affected, 0u) << sql;
    EXPECT_FALSE(reindex.position.has_value()) << sql;
    EXPECT_TRUE(reindex.rows.empty()) << sql;
  }
  EXPECT_EQ(value("SELECT count(*) FROM kmb_audit"), "3");
  EXPECT_EQ(error_code("REINDEX kv_w"), StatusCode::not_found);
  EXPECT_EQ(error("REINDEX kv_w"), "cannot REINDEX \"kv_w\": no table or index has that name");
  run("CREATE VIEW big AS SELECT * FROM kv WHERE v > 1");
  EXPECT_EQ(error_code("REINDEX big"), StatusCode::invalid_argument);
  run("DROP INDEX kv_v");
  EXPECT_EQ(error_code("REINDEX kv_v"), StatusCode::not_found);
}

}  // namespace
}  // namespace kmb::sql
