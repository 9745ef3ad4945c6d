// Connection and transaction behaviour that SQL test files cannot reach: the size limits and the
// record a COMMIT produces. (tests/sql/transactions.test covers the SQL-visible semantics.)
#include "sql/connection.h"

#include <gtest/gtest.h>

#include "sql/testing/store_session.h"

namespace kmb::sql {
namespace {

Result<QueryResult> run(Connection& connection, std::string_view sql) {
  return connection.execute(sql, {}, AuditContext{"tester", "test", 1});
}

TEST(ConnectionTest, SizeLimitFailsTheStatementAndTheTransaction) {
  testing::StoreSession session;
  Engine engine;
  TransactionLimits limits;
  limits.rows_max = 3;
  Connection connection(engine, session, limits);
  ASSERT_TRUE(run(connection, "CREATE TABLE t (a BIGINT PRIMARY KEY)").ok());
  ASSERT_TRUE(run(connection, "BEGIN").ok());
  ASSERT_TRUE(run(connection, "INSERT INTO t VALUES (1), (2)").ok());
  Result<QueryResult> over = run(connection, "INSERT INTO t VALUES (3), (4)");
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().code(), StatusCode::resource_exhausted);
  EXPECT_NE(over.status().message().find("the transaction would exceed its size limit"), std::string::npos);
  EXPECT_TRUE(connection.transaction_failed());
  EXPECT_EQ(run(connection, "COMMIT").status().code(), StatusCode::aborted);
  EXPECT_FALSE(connection.in_transaction());
  // Outside a transaction the limit does not apply: each statement is its own record.
  ASSERT_TRUE(run(connection, "INSERT INTO t VALUES (1), (2), (3), (4), (5)").ok());

  TransactionLimits bytes;
  bytes.size_max_bytes = 64;
  Connection small(engine, session, bytes);
  ASSERT_TRUE(run(small, "BEGIN").ok());
  EXPECT_EQ(run(small, "INSERT INTO t SELECT a + 100 FROM t").status().code(), StatusCode::resource_exhausted);
}

TEST(ConnectionTest, CommitIsOneRecordWithEveryStatement) {
  testing::StoreSession session;
  Engine engine;
  Connection connection(engine, session);
  ASSERT_TRUE(run(connection, "CREATE TABLE t (a BIGINT PRIMARY KEY, b TEXT)").ok());
  const std::uint64_t records_before = session.store().record_count();
  ASSERT_TRUE(run(connection, "BEGIN").ok());
  Result<QueryResult> insert = run(connection, "INSERT INTO t VALUES (1, 'x') RETURNING a, b");
  ASSERT_TRUE(insert.ok());
  EXPECT_FALSE(insert->position.has_value());  // nothing is logged before COMMIT
  ASSERT_EQ(insert->rows.size(), 1u);
  ASSERT_TRUE(run(connection, "UPDATE t SET b = 'y' WHERE a = 1").ok());
  EXPECT_EQ(session.store().record_count(), records_before);
  Result<QueryResult> commit = run(connection, "COMMIT");
  ASSERT_TRUE(commit.ok()) << commit.status().to_string();
  ASSERT_TRUE(commit->position.has_value());
  EXPECT_EQ(commit->tag, "COMMIT");
  EXPECT_EQ(session.store().record_count(), records_before + 1);
  Result<QueryResult> audit =
      run(connection, "SELECT operation, row_count, actor FROM kmb_audit ORDER BY position DESC LIMIT 1");
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->rows.size(), 1u);
  EXPECT_EQ(audit->rows[0][0].as_string(), "INSERT, UPDATE");
  EXPECT_EQ(audit->rows[0][1].as_int(), 2);
  EXPECT_EQ(audit->rows[0][2].as_string(), "tester");
  // The net effect: one version of row 1, written by the transaction.
  Result<QueryResult> history = run(connection, "SELECT b, _operation FROM t FOR SYSTEM_TIME ALL");
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->rows.size(), 1u);
  EXPECT_EQ(history->rows[0][0].as_string(), "y");
  EXPECT_EQ(history->rows[0][1].as_string(), "INSERT");
}

TEST(ReadSetTest, TooManyKeysCoarsenToTheirTables) {
  ReadSet reads;
  reads.note_key(1, "a");
  reads.note_table(2);
  reads.note_key(2, "b");  // table 2 is read whole already
  EXPECT_EQ(reads.keys.size(), 1u);
  for (std::size_t i = 0; reads.keys.size() > 0 && i <= ReadSet::keys_max; i++) reads.note_key(3, std::to_string(i));
  EXPECT_TRUE(reads.keys.empty());
  EXPECT_EQ(reads.tables, (std::set<std::uint32_t>{1, 2, 3}));
}

TEST(ConnectionTest, EngineSessionEntryPointIsAutocommitOnly) {
  testing::StoreSession session;
  Engine engine;
  Result<QueryResult> begin = engine.execute(session, "BEGIN", {}, {});
  ASSERT_FALSE(begin.ok());
  EXPECT_EQ(begin.status().code(), StatusCode::invalid_argument);
  EXPECT_EQ(engine.execute(session, "ROLLBACK", {}, {}).status().message(),
            "ROLLBACK: there is no transaction in progress");
}

}  // namespace
}  // namespace kmb::sql
