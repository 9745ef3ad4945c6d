// StatementCache on its own (bounds, recency, concurrency), and through the Engine: a cached
// statement must give the same answers as a fresh parse after DDL and at other time-travel
// positions, because only the parse is cached.
#include "sql/statement_cache.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "sql/parser/parser.h"
#include "sql/testing/engine_fixture.h"

namespace kmb::sql {
namespace {

using kernel::Value;
using testing::EngineFixture;
using testing::Rows;

std::shared_ptr<const Statement> parsed(std::string_view sql) {
  Result<Statement> statement = parse_statement(sql);
  EXPECT_TRUE(statement.ok()) << statement.status().to_string();
  return std::make_shared<const Statement>(std::move(statement).value());
}

TEST(StatementCacheTest, HitReturnsTheSameStatement) {
  StatementCache cache(4, 100, 1000);
  EXPECT_EQ(cache.find("SELECT 1"), nullptr);
  std::shared_ptr<const Statement> statement = parsed("SELECT 1");
  cache.insert("SELECT 1", statement);
  EXPECT_EQ(cache.find("SELECT 1"), statement);
  EXPECT_EQ(cache.find("SELECT 1 "), nullptr);  // the key is the exact text
  const StatementCacheStats stats = cache.stats();
  EXPECT_EQ(stats.hits, 1u);
  EXPECT_EQ(stats.misses, 2u);
  EXPECT_EQ(stats.entries, 1u);
}

TEST(StatementCacheTest, EvictsTheLeastRecentlyUsed) {
  StatementCache cache(2, 100, 1000);
  cache.insert("SELECT 1", parsed("SELECT 1"));
  cache.insert("SELECT 2", parsed("SELECT 2"));
  ASSERT_NE(cache.find("SELECT 1"), nullptr);  // now "SELECT 2" is the least recent
  cache.insert("SELECT 3", parsed("SELECT 3"));
  EXPECT_NE(cache.find("SELECT 1"), nullptr);
  EXPECT_EQ(cache.find("SELECT 2"), nullptr);
  EXPECT_NE(cache.find("SELECT 3"), nullptr);
  EXPECT_EQ(cache.stats().evictions, 1u);
  EXPECT_EQ(cache.stats().entries, 2u);
}

TEST(StatementCacheTest, EvictedStatementStaysAliveForItsHolder) {
  StatementCache cache(1, 100, 1000);
  cache.insert("SELECT 1", parsed("SELECT 1"));
  std::shared_ptr<const Statement> held = cache.find("SELECT 1");
  cache.insert("SELECT 2", parsed("SELECT 2"));
  EXPECT_EQ(cache.find("SELECT 1"), nullptr);
  ASSERT_NE(held, nullptr);
  EXPECT_TRUE(std::holds_alternative<SelectStatement>(held->node));
}

TEST(StatementCacheTest, TotalTextIsBounded) {
  StatementCache cache(100, 10, 20);  // room for two 8-byte texts, not three
  cache.insert("SELECT 1", parsed("SELECT 1"));
  cache.insert("SELECT 2", parsed("SELECT 2"));
  EXPECT_EQ(cache.stats().text_bytes, 16u);
  cache.insert("SELECT 3", parsed("SELECT 3"));
  EXPECT_EQ(cache.find("SELECT 1"), nullptr);
  EXPECT_NE(cache.find("SELECT 2"), nullptr);
  EXPECT_NE(cache.find("SELECT 3"), nullptr);
  EXPECT_EQ(cache.stats().text_bytes, 16u);
  EXPECT_EQ(cache.stats().evictions, 1u);
}

TEST(StatementCacheTest, LongTextAndDisabledCacheKeepNothing) {
  StatementCache cache(4, 8, 1000);
  EXPECT_FALSE(cache.cacheable("SELECT 12345"));
  cache.insert("SELECT 12345", parsed("SELECT 12345"));
  EXPECT_EQ(cache.find("SELECT 12345"), nullptr);
  EXPECT_EQ(cache.stats().entries, 0u);
  StatementCache disabled(0, 100, 1000);
  disabled.insert("SELECT 1", parsed("SELECT 1"));
  EXPECT_EQ(disabled.find("SELECT 1"), nullptr);
  EXPECT_EQ(disabled.stats().entries, 0u);
}

TEST(StatementCacheTest, DuplicateInsertKeepsTheFirst) {
  StatementCache cache(4, 100, 1000);
  std::shared_ptr<const Statement> first = parsed("SELECT 1");
  cache.insert("SELECT 1", first);
  cache.insert("SELECT 1", parsed("SELECT 1"));
  EXPECT_EQ(cache.find("SELECT 1"), first);
  EXPECT_EQ(cache.stats().entries, 1u);
}

TEST(StatementCacheTest, ConcurrentFindAndInsertStayWithinBounds) {
  constexpr int threads_count = 4;
  constexpr int rounds = 2000;
  StatementCache cache(8, 100, 1000);
  std::vector<std::thread> threads;
  for (int t = 0; t < threads_count; t++) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < rounds; i++) {
        const std::string sql = "SELECT " + std::to_string((i * 7 + t) % 20);
        std::shared_ptr<const Statement> found = cache.find(sql);
        if (found == nullptr) {
          cache.insert(sql, parsed(sql));
        } else {
          ASSERT_TRUE(std::holds_alternative<SelectStatement>(found->node));
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const StatementCacheStats stats = cache.stats();
  EXPECT_LE(stats.entries, 8u);
  EXPECT_EQ(stats.hits + stats.misses, static_cast<std::uint64_t>(threads_count * rounds));
}

class EngineStatementCacheTest : public EngineFixture {
 protected:
  void SetUp() override {
    run_all({
        "CREATE TABLE patients (id BIGINT PRIMARY KEY, name TEXT NOT NULL)",  // position 1
        "INSERT INTO patients VALUES (1, 'alice'), (2, 'bob')",               // 2
        "UPDATE patients SET name = 'alicia' WHERE id = 1",                   // 3
    });
  }
};

TEST_F(EngineStatementCacheTest, RepeatedStatementIsParsedOnce) {
  const StatementCacheStats before = engine_.statement_cache_stats();
  for (int i = 1; i <= 2; i++) {
    EXPECT_EQ(rows("SELECT name FROM patients WHERE id = $1", {Value::integer(i)}), (Rows{i == 1 ? "alicia" : "bob"}));
  }
  const StatementCacheStats after = engine_.statement_cache_stats();
  EXPECT_EQ(after.misses - before.misses, 1u);
  EXPECT_EQ(after.hits - before.hits, 1u);
}

TEST_F(EngineStatementCacheTest, CachedStatementSeesDdl) {
  const std::string select_all = "SELECT * FROM patients WHERE id = $1";
  EXPECT_EQ(rows(select_all, {Value::integer(2)}), (Rows{"2|bob"}));
  run("ALTER TABLE patients ADD COLUMN age INTEGER");  // position 4
  run("UPDATE patients SET age = 40 WHERE id = 2");    // 5
  EXPECT_EQ(rows(select_all, {Value::integer(2)}), (Rows{"2|bob|40"}));
  run("DROP TABLE patients");
  EXPECT_EQ(error(select_all, {Value::integer(2)}), "table \"patients\" does not exist");
  run("CREATE TABLE patients (id TEXT PRIMARY KEY, name TEXT)");
  run("INSERT INTO patients VALUES ('2', 'text key')");
  EXPECT_EQ(rows(select_all, {Value::text("2")}), (Rows{"2|text key"}));
  // The schema of an earlier position still applies to the same cached text with AS OF.
  EXPECT_EQ(rows("SELECT * FROM patients AS OF POSITION $1 WHERE id = $2", {Value::integer(5), Value::integer(2)}),
            (Rows{"2|bob|40"}));
  EXPECT_EQ(rows("SELECT * FROM patients AS OF POSITION $1 WHERE id = $2", {Value::integer(3), Value::integer(2)}),
            (Rows{"2|bob"}));
}

TEST_F(EngineStatementCacheTest, CachedTimeTravelResolvesEachExecution) {
  const std::string as_of = "SELECT name FROM patients AS OF POSITION $1 WHERE id = $2";
  EXPECT_EQ(rows(as_of, {Value::integer(2), Value::integer(1)}), (Rows{"alice"}));
  EXPECT_EQ(rows(as_of, {Value::integer(3), Value::integer(1)}), (Rows{"alicia"}));
  EXPECT_EQ(rows(as_of, {Value::integer(2), Value::integer(1)}), (Rows{"alice"}));
  EXPECT_EQ(error(as_of, {Value::integer(9), Value::integer(1)}), "position 9 is in the future; the latest is 3");
  const std::string history = "SELECT name, _position FROM patients FOR SYSTEM_TIME BETWEEN $1 AND $2 WHERE id = 1";
  EXPECT_EQ(rows(history, {Value::integer(2), Value::integer(2)}), (Rows{"alice|2"}));
  EXPECT_EQ(rows(history, {Value::integer(2), Value::integer(3)}), (Rows{"alice|2", "alicia|3"}));
}

TEST_F(EngineStatementCacheTest, SyntaxErrorsAreNotCached) {
  EXPECT_NE(error("SELEC 1").find("syntax error"), std::string::npos);
  EXPECT_NE(error("SELEC 1").find("syntax error"), std::string::npos);
  EXPECT_EQ(engine_.statement_cache_stats().entries, 3u);  // the three statements of SetUp
}

}  // namespace
}  // namespace kmb::sql
