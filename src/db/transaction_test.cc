// Transactions through the real tenant: conflicts between concurrent connections (no lost
// update) and atomicity across crashes (a transaction's record is wholly present or wholly absent).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "db/database.h"
#include "io/memory_storage.h"

namespace kmb::db {
namespace {

using kernel::Value;

constexpr char dir[] = "/data";

std::unique_ptr<Database> open_database(io::Storage& storage, io::Clock& clock) {
  Result<std::unique_ptr<Database>> database = Database::open(storage, clock, dir);
  EXPECT_TRUE(database.ok()) << database.status().to_string();
  return database.ok() ? std::move(database).value() : nullptr;
}

sql::QueryResult run(sql::Connection& connection, std::string_view sql, std::vector<Value> parameters = {}) {
  Result<sql::QueryResult> result = connection.execute(sql, parameters, {"tester", "test"});
  EXPECT_TRUE(result.ok()) << sql << ": " << result.status().to_string();
  return result.ok() ? std::move(result).value() : sql::QueryResult{};
}

std::int64_t single_integer(sql::Connection& connection, std::string_view sql) {
  sql::QueryResult result = run(connection, sql);
  EXPECT_EQ(result.rows.size(), 1u) << sql;
  if (result.rows.size() != 1) return -1;
  return result.rows[0][0].as_int();
}

TEST(Transaction, AutocommitInterfaceRefusesBegin) {
  io::MemoryStorage storage(1);
  io::ManualClock clock;
  auto database = open_database(storage, clock);
  Tenant& tenant = *database->tenant(1).value();
  Result<sql::QueryResult> begin = tenant.execute("BEGIN");
  ASSERT_FALSE(begin.ok());
  EXPECT_NE(begin.status().message().find("Tenant::connect()"), std::string::npos) << begin.status().to_string();
  EXPECT_EQ(tenant.execute("COMMIT").status().code(), StatusCode::invalid_argument);
}

TEST(Transaction, SecondWriterOfARowIsAbortedNotLost) {
  io::MemoryStorage storage(2);
  io::ManualClock clock;
  auto database = open_database(storage, clock);
  Tenant& tenant = *database->tenant(1).value();
  auto first = tenant.connect();
  auto second = tenant.connect();
  run(*first, "CREATE TABLE counter (id BIGINT PRIMARY KEY, n BIGINT NOT NULL)");
  run(*first, "INSERT INTO counter VALUES (1, 0)");

  run(*first, "BEGIN");
  run(*second, "BEGIN");
  run(*first, "UPDATE counter SET n = n + 1 WHERE id = 1");
  run(*second, "UPDATE counter SET n = n + 10 WHERE id = 1");
  EXPECT_EQ(single_integer(*first, "SELECT n FROM counter WHERE id = 1"), 1);
  EXPECT_EQ(single_integer(*second, "SELECT n FROM counter WHERE id = 1"), 10);
  sql::QueryResult committed = run(*first, "COMMIT");
  EXPECT_TRUE(committed.position.has_value());
  Result<sql::QueryResult> refused = second->execute("COMMIT");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::aborted);
  EXPECT_EQ(refused.status().message(),
            "could not serialize: table counter changed since the transaction began (position 2); retry the "
            "transaction");
  EXPECT_FALSE(second->in_transaction());
  EXPECT_EQ(single_integer(*second, "SELECT n FROM counter WHERE id = 1"), 1);

  // Destroying a connection rolls its transaction back.
  run(*second, "BEGIN");
  run(*second, "UPDATE counter SET n = 99 WHERE id = 1");
  second.reset();
  EXPECT_EQ(single_integer(*first, "SELECT n FROM counter WHERE id = 1"), 1);
}

TEST(Transaction, ConcurrentIncrementsWithRetriesLoseNothing) {
  io::MemoryStorage storage(3);
  io::ManualClock clock;
  auto database = open_database(storage, clock);
  Tenant& tenant = *database->tenant(1).value();
  {
    auto setup = tenant.connect();
    run(*setup, "CREATE TABLE counter (id BIGINT PRIMARY KEY, n BIGINT NOT NULL)");
    run(*setup, "INSERT INTO counter VALUES (1, 0)");
  }
  constexpr int threads_count = 8;
  constexpr int increments_per_thread = 25;
  constexpr int attempts_max = 10'000;  // bounded retries: a livelock fails the test instead of hanging
  std::atomic<std::int64_t> commits{0};
  std::atomic<std::int64_t> retries{0};
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < threads_count; t++) {
    threads.emplace_back([&] {
      std::unique_ptr<sql::Connection> connection = tenant.connect();
      for (int i = 0; i < increments_per_thread; i++) {
        bool done = false;
        for (int attempt = 0; attempt < attempts_max && !done; attempt++) {
          // Read-modify-write in the client: without conflict detection this loses updates.
          if (!connection->execute("BEGIN").ok()) break;
          Result<sql::QueryResult> read = connection->execute("SELECT n FROM counter WHERE id = 1");
          if (!read.ok() || read->rows.size() != 1) break;
          Value next[] = {Value::integer(read->rows[0][0].as_int() + 1)};
          if (!connection->execute("UPDATE counter SET n = $1 WHERE id = 1", next).ok()) break;
          Result<sql::QueryResult> commit = connection->execute("COMMIT");
          if (commit.ok()) {
            commits++;
            done = true;
          } else if (commit.status().code() == StatusCode::aborted) {
            retries++;
          } else {
            break;
          }
        }
        if (!done) errors++;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(commits.load(), threads_count * increments_per_thread);
  auto check = tenant.connect();
  EXPECT_EQ(single_integer(*check, "SELECT n FROM counter WHERE id = 1"), commits.load());
  // One log record per successful transaction (plus CREATE TABLE and the first INSERT).
  EXPECT_EQ(tenant.info()->record_count, static_cast<std::uint64_t>(commits.load()) + 2);
  std::cout << "[          ] " << commits.load() << " commits, " << retries.load() << " conflicts retried\n";
}

// Runs the seed (durably), then arms a crash after `crash_after` more storage operations and runs
// one transfer transaction. Returns whether COMMIT was acknowledged.
bool seed_and_transfer(io::MemoryStorage& storage, io::Clock& clock, std::uint64_t crash_after,
                       std::uint64_t* operations_seed, std::uint64_t* operations_total) {
  auto database = open_database(storage, clock);
  if (database == nullptr) return false;
  Tenant& tenant = *database->tenant(1).value();
  auto connection = tenant.connect();
  run(*connection, "CREATE TABLE accounts (id BIGINT PRIMARY KEY, balance BIGINT NOT NULL)");
  run(*connection, "INSERT INTO accounts VALUES (1, 100), (2, 100), (3, 100)");
  if (operations_seed != nullptr) *operations_seed = storage.operation_count();
  if (crash_after > 0) storage.crash_after_operations(crash_after);
  bool acknowledged = false;
  if (connection->execute("BEGIN").ok() &&
      connection->execute("UPDATE accounts SET balance = balance - 40 WHERE id = 1").ok() &&
      connection->execute("UPDATE accounts SET balance = balance + 40 WHERE id = 2").ok() &&
      // Enough rows that the record spans many sectors, so torn writes can cut through it.
      connection
          ->execute("INSERT INTO accounts WITH RECURSIVE s(i) AS (SELECT 4 UNION ALL SELECT i + 1 FROM s "
                    "WHERE i < 300) SELECT i, 0 FROM s")
          .ok()) {
    acknowledged = connection->execute("COMMIT").ok();
  }
  if (operations_total != nullptr) *operations_total = storage.operation_count();
  return acknowledged;
}

TEST(Transaction, CrashLeavesATransactionWhollyPresentOrWhollyAbsent) {
  std::uint64_t seed_operations = 0;
  std::uint64_t total_operations = 0;
  {
    io::MemoryStorage dry(10);
    io::ManualClock clock;
    ASSERT_TRUE(seed_and_transfer(dry, clock, 0, &seed_operations, &total_operations));
  }
  ASSERT_GT(total_operations, seed_operations);
  const std::uint64_t transaction_operations = total_operations - seed_operations;
  std::uint64_t present = 0;
  std::uint64_t absent = 0;
  for (std::uint64_t n = 1; n <= transaction_operations + 1; n++) {
    for (bool torn : {false, true}) {
      io::MemoryStorage storage(100 + n);
      io::MemoryStorage::Faults faults;
      faults.torn_writes = torn;
      storage.set_faults(faults);
      io::ManualClock clock;
      const bool acknowledged = seed_and_transfer(storage, clock, n, nullptr, nullptr);
      storage.crash();
      const std::string context = "crash at operation " + std::to_string(n) + (torn ? " (torn)" : "");
      auto database = open_database(storage, clock);
      ASSERT_NE(database, nullptr) << context;
      auto connection = database->tenant(1).value()->connect();
      sql::QueryResult rows =
          run(*connection, "SELECT count(*), sum(balance), min(balance), max(balance), max(id) FROM accounts");
      ASSERT_EQ(rows.rows.size(), 1u) << context;
      std::vector<std::int64_t> state;
      for (const Value& value : rows.rows[0]) state.push_back(value.as_int());
      const std::vector<std::int64_t> before = {3, 300, 100, 100, 3};
      const std::vector<std::int64_t> after = {300, 300, 0, 140, 300};
      if (state == after) {
        present++;
      } else {
        ASSERT_EQ(state, before) << context << ": a partial transaction survived the crash";
        ASSERT_FALSE(acknowledged) << context << ": an acknowledged transaction was lost";
        absent++;
      }
      // The tenant accepts transactions again after recovery.
      run(*connection, "BEGIN");
      run(*connection, "UPDATE accounts SET balance = balance + 1 WHERE id = 3");
      run(*connection, "COMMIT");
    }
  }
  EXPECT_GT(present, 0u);
  EXPECT_GT(absent, 0u);
  std::cout << "[          ] " << transaction_operations << " crash points x 2: " << present << " present, " << absent
            << " absent\n";
}

}  // namespace
}  // namespace kmb::db
