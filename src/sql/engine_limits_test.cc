// Statement limits through Engine::execute: intermediate memory, query time, cancellation from
// another thread, and the existing nesting and recursion limits. Every limit is an error the
// caller can act on, the failed statement writes nothing, and the engine keeps working.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "sql/engine.h"
#include "sql/testing/engine_fixture.h"

namespace kmb::sql {
namespace {

using testing::EngineFixture;
using testing::Rows;

// A clock that moves one millisecond forward every time it is read, so a time limit of N ms is
// reached after N checks: deterministic, whatever the machine's speed.
class TickingClock final : public io::Clock {
 public:
  std::uint64_t realtime_ns() override { return 0; }
  std::uint64_t monotonic_ns() override { return reads_++ * 1'000'000; }

 private:
  std::uint64_t reads_ = 0;
};

constexpr std::uint64_t small_memory_max_bytes = 256 * 1024;

class StatementLimitsTest : public EngineFixture {
 protected:
  void SetUp() override {
    // 3,000 rows of about 300 bytes each as buffered: more than the small memory limit.
    run_all({
        "CREATE TABLE t (id BIGINT PRIMARY KEY, g BIGINT, payload TEXT)",
        "INSERT INTO t WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
        "SELECT i, i % 7, 'row ' || i || ' padding padding padding padding padding padding' FROM n",
    });
  }

  // Runs `sql` on an engine with `options` over the fixture's database.
  Result<QueryResult> execute(const EngineOptions& options, std::string_view sql,
                              const ExecutionControl& control = {}) {
    const Engine engine(options);
    return engine.execute(session_, sql, {}, audit_, control);
  }

  static EngineOptions small_memory() {
    EngineOptions options;
    options.intermediate_memory_max_bytes = small_memory_max_bytes;
    return options;
  }

  EngineOptions time_limited(std::uint64_t time_max_ms) {
    EngineOptions options;
    options.query_time_max_ms = time_max_ms;
    options.clock = &clock_;
    return options;
  }

  // Would finish, but only after about 10^10 steps: a nested-loop join of t with itself, twice.
  static constexpr std::string_view long_query =
      "SELECT count(*) FROM t a JOIN t b ON a.id < b.id JOIN t c ON b.id + c.id < 0";

  TickingClock clock_;
};

void expect_memory_limit(const Result<QueryResult>& result, std::string_view sql) {
  ASSERT_FALSE(result.ok()) << sql;
  EXPECT_EQ(result.status().code(), StatusCode::resource_exhausted) << sql;
  EXPECT_NE(result.status().message().find("intermediate memory limit of 262144 bytes"), std::string::npos)
      << sql << ": " << result.status().message();
}

TEST_F(StatementLimitsTest, EveryMaterialisingOperatorRespectsTheMemoryLimit) {
  const char* const statements[] = {
      "SELECT * FROM t ORDER BY payload",                                         // sort
      "SELECT DISTINCT payload FROM t",                                           // distinct
      "SELECT payload, count(*) FROM t GROUP BY payload",                         // aggregate groups
      "SELECT count(DISTINCT payload) FROM t",                                    // DISTINCT aggregate
      "SELECT count(*) FROM t a JOIN t b ON a.payload = b.payload",               // hash join build
      "SELECT count(*) FROM t a JOIN t b ON a.payload < b.payload AND a.id = 1",  // nested-loop build
      "SELECT payload FROM t UNION SELECT payload FROM t",                        // union
      "SELECT payload FROM t INTERSECT SELECT payload FROM t",                    // intersect
      "SELECT row_number() OVER (ORDER BY payload) FROM t",                       // window partition
      "SELECT count(*) FROM t WHERE payload IN (SELECT payload FROM t)",          // cached subquery
      "WITH RECURSIVE r(i, p) AS (SELECT 1, 'x' UNION SELECT i + 1, p || 'abcdefghijklmnopqrstuvwxyz' FROM r "
      "WHERE i < 3000) SELECT count(*) FROM r",  // recursive work tables
  };
  for (const char* sql : statements) expect_memory_limit(execute(small_memory(), sql), sql);
  // Streaming work is not limited, and the engine keeps working after each failure.
  ASSERT_TRUE(execute(small_memory(), "SELECT count(*) FROM t WHERE payload LIKE 'row 1%'").ok());
  EXPECT_EQ(render(*execute(small_memory(), "SELECT g, count(*) FROM t GROUP BY g ORDER BY g LIMIT 2")),
            (Rows{"0|428", "1|429"}));
  EXPECT_EQ(value("SELECT count(*) FROM t WHERE payload LIKE 'row 1%'"), "1111");
}

TEST_F(StatementLimitsTest, MemoryLimitStopsAWriteWithoutWritingAnything) {
  const Result<QueryResult> result =
      execute(small_memory(), "INSERT INTO t SELECT id + 10000, g, payload FROM t ORDER BY payload");
  expect_memory_limit(result, "INSERT ... ORDER BY");
  EXPECT_EQ(value("SELECT count(*) FROM t"), "3000");
}

TEST_F(StatementLimitsTest, TimeLimitStopsALongQuery) {
  const Result<QueryResult> result = execute(time_limited(20), long_query);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::resource_exhausted);
  EXPECT_EQ(result.status().message(), "query exceeded the time limit of 20 ms (query_time_max_ms)");
  // A statement's own limit replaces the engine's: a short query is well within 1000 checks.
  EXPECT_EQ(render(*execute(time_limited(20), "SELECT count(*) FROM t a JOIN t b ON a.id = b.id",
                            ExecutionControl{nullptr, 1000})),
            (Rows{"3000"}));
  const Result<QueryResult> also_limited = execute(time_limited(0), long_query, ExecutionControl{nullptr, 5});
  EXPECT_EQ(also_limited.status().code(), StatusCode::resource_exhausted);
}

TEST_F(StatementLimitsTest, CancellationFromAnotherThreadAbortsTheQuery) {
  std::atomic<bool> cancelled = false;
  std::thread canceller([&cancelled] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    cancelled = true;
  });
  const auto start = std::chrono::steady_clock::now();
  const Result<QueryResult> result = execute(EngineOptions{}, long_query, ExecutionControl{&cancelled, {}});
  const auto elapsed = std::chrono::steady_clock::now() - start;
  canceller.join();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::aborted);
  EXPECT_EQ(result.status().message(), "query cancelled");
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  // The engine keeps working.
  EXPECT_EQ(value("SELECT count(*) FROM t"), "3000");
}

TEST_F(StatementLimitsTest, CancelledWriteWritesNothing) {
  std::atomic<bool> cancelled = true;
  const Result<QueryResult> result =
      execute(EngineOptions{}, "UPDATE t SET payload = 'changed' WHERE g = 3", ExecutionControl{&cancelled, {}});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::aborted);
  EXPECT_EQ(value("SELECT count(*) FROM t WHERE payload = 'changed'"), "0");
  cancelled = false;
  EXPECT_TRUE(
      execute(EngineOptions{}, "UPDATE t SET payload = 'changed' WHERE id = 1", ExecutionControl{&cancelled, {}}).ok());
  EXPECT_EQ(value("SELECT count(*) FROM t WHERE payload = 'changed'"), "1");
}

// A point read of one row's history (answered without a plan, point_read.h) honours the limits
// too: a row can have any number of versions.
TEST_F(StatementLimitsTest, LongRowHistoryHonoursCancellationAndTime) {
  for (int i = 0; i < 40; i++) run("UPDATE t SET g = g + 1 WHERE id = 1");
  const std::string history = "SELECT g, _operation FROM t FOR SYSTEM_TIME ALL WHERE id = 1";
  EXPECT_EQ(rows(history).size(), 41u);
  std::atomic<bool> cancelled = true;
  ExecutionControl control{&cancelled, {}};
  control.check_interval_rows = 8;
  const Result<QueryResult> result = execute(EngineOptions{}, history, control);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::aborted);
  const Result<QueryResult> slow = execute(time_limited(3), history, ExecutionControl{nullptr, {}, 4});
  ASSERT_FALSE(slow.ok());
  EXPECT_EQ(slow.status().code(), StatusCode::resource_exhausted);
}

TEST_F(StatementLimitsTest, NestingAndRecursionLimitsAreClearErrors) {
  std::string deep = "SELECT ";
  for (int i = 0; i < 300; i++) deep += "(";
  deep += "1";
  for (int i = 0; i < 300; i++) deep += ")";
  const Result<QueryResult> nested = execute(EngineOptions{}, deep);
  ASSERT_FALSE(nested.ok());
  EXPECT_EQ(nested.status().code(), StatusCode::resource_exhausted);
  EXPECT_NE(nested.status().message().find("expression nesting exceeds the limit of 200"), std::string::npos)
      << nested.status().message();
  const Result<QueryResult> recursion = execute(
      EngineOptions{}, "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) FROM r");
  ASSERT_FALSE(recursion.ok());
  EXPECT_EQ(recursion.status().code(), StatusCode::resource_exhausted);
  EXPECT_EQ(recursion.status().message(), "recursive query \"r\" exceeds the limit of 10000 iterations");
}

TEST(StatementLimitsConfigurationTest, TimeLimitWithoutClockIsAnError) {
  testing::StoreSession session;
  EngineOptions options;
  options.query_time_max_ms = 10;
  const Engine engine(options);
  const Result<QueryResult> result = engine.execute(session, "SELECT 1", {}, AuditContext{"tester", "testing", 7});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::failed_precondition);
}

}  // namespace
}  // namespace kmb::sql
