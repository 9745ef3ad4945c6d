#include "db/database.h"

#include <gtest/gtest.h>

#include <thread>

#include "io/memory_storage.h"
#include "log/verify.h"

namespace kmb::db {
namespace {

using kernel::Value;

constexpr char dir[] = "/data";

struct Fixture {
  io::MemoryStorage storage{1};
  io::ManualClock clock{1'705'314'600'000'000'000ULL};  // 2024-01-15 10:30:00 UTC

  std::unique_ptr<Database> open(const DatabaseOptions& options = {}) {
    Result<std::unique_ptr<Database>> database = Database::open(storage, clock, dir, options);
    EXPECT_TRUE(database.ok()) << database.status().to_string();
    return database.ok() ? std::move(database).value() : nullptr;
  }
};

sql::QueryResult run(Tenant& tenant, std::string_view sql, std::vector<Value> parameters = {},
                     sql::AuditContext audit = {"dr.smith", "treatment", 7}) {
  Result<sql::QueryResult> result = tenant.execute(sql, parameters, audit);
  EXPECT_TRUE(result.ok()) << sql << ": " << result.status().to_string();
  return result.ok() ? std::move(result).value() : sql::QueryResult{};
}

// All rows of a query as display text, for comparisons across restarts.
std::vector<std::string> rows_of(Tenant& tenant, std::string_view sql) {
  std::vector<std::string> rows;
  for (const kernel::Row& row : run(tenant, sql).rows) {
    std::string line;
    for (const Value& value : row) line += kernel::to_display(value) + "|";
    rows.push_back(line);
  }
  return rows;
}

void seed(Tenant& tenant) {
  run(tenant, "CREATE TABLE patients (id BIGINT PRIMARY KEY, name TEXT NOT NULL, ward TEXT)");
  run(tenant, "INSERT INTO patients VALUES (1, 'Ada', 'A'), (2, 'Grace', 'B'), (3, 'Linus', 'A')");
  run(tenant, "UPDATE patients SET ward = 'C' WHERE id = 2");
  run(tenant, "DELETE FROM patients WHERE id = 3");
}

const char* queries[] = {
    "SELECT id, name, ward FROM patients ORDER BY id",
    "SELECT id, ward FROM patients AS OF POSITION 1 ORDER BY id",
    "SELECT id, ward, _operation, _actor, _reason FROM patients FOR SYSTEM_TIME ALL ORDER BY id, _position",
    "SELECT position, actor, reason, operation, table_name FROM kmb_audit ORDER BY position",
};

std::vector<std::vector<std::string>> answers(Tenant& tenant) {
  std::vector<std::vector<std::string>> all;
  for (const char* query : queries) all.push_back(rows_of(tenant, query));
  return all;
}

TEST(Database, WritesAreAuditedAndTimeTravelWorks) {
  Fixture f;
  auto database = f.open();
  Tenant& tenant = *database->tenant(1).value();
  seed(tenant);
  EXPECT_EQ(rows_of(tenant, queries[0]), (std::vector<std::string>{"1|Ada|A|", "2|Grace|C|"}));
  EXPECT_EQ(rows_of(tenant, queries[1]), (std::vector<std::string>{"1|A|", "2|B|", "3|A|"}));
  std::vector<std::string> audit = rows_of(tenant, queries[3]);
  ASSERT_EQ(audit.size(), 4u);
  EXPECT_EQ(audit[1], "1|dr.smith|treatment|INSERT|patients|");
  Result<sql::QueryResult> future = tenant.execute("SELECT * FROM patients AS OF POSITION 99");
  EXPECT_EQ(future.status().code(), StatusCode::invalid_argument);
}

TEST(Database, RejectedStatementsWriteNothing) {
  Fixture f;
  auto database = f.open();
  Tenant& tenant = *database->tenant(1).value();
  seed(tenant);
  std::uint64_t before = tenant.info()->record_count;
  EXPECT_FALSE(tenant.execute("INSERT INTO patients VALUES (1, 'Dup', 'A')").ok());
  EXPECT_FALSE(tenant.execute("INSERT INTO patients VALUES (9, NULL, 'A')").ok());
  EXPECT_FALSE(tenant.execute("INSERT INTO nowhere VALUES (1)").ok());
  EXPECT_EQ(tenant.info()->record_count, before);
}

TEST(Database, ReopenGivesTheSameAnswersWithAndWithoutSnapshots) {
  Fixture f;
  std::vector<std::vector<std::string>> expected;
  {
    auto database = f.open();
    Tenant& tenant = *database->tenant(1).value();
    seed(tenant);
    expected = answers(tenant);
  }  // Closing writes a checkpoint.
  const std::string snapshot = std::string(dir) + "/tenants/1/snapshot";
  ASSERT_TRUE(f.storage.exists(snapshot).value());
  {
    auto database = f.open();
    Tenant& tenant = *database->tenant(1).value();
    EXPECT_NE(tenant.info()->recovery.find("snapshot at position 3"), std::string::npos) << tenant.info()->recovery;
    EXPECT_EQ(answers(tenant), expected);
  }
  ASSERT_TRUE(f.storage.corrupt_byte(snapshot, 40).ok());
  {
    auto database = f.open();
    Tenant& tenant = *database->tenant(1).value();
    EXPECT_NE(tenant.info()->recovery.find("snapshot ignored"), std::string::npos) << tenant.info()->recovery;
    EXPECT_EQ(answers(tenant), expected);
  }
  ASSERT_TRUE(f.storage.remove(snapshot).ok());
  {
    auto database = f.open();
    Tenant& tenant = *database->tenant(1).value();
    EXPECT_NE(tenant.info()->recovery.find("full replay"), std::string::npos);
    EXPECT_EQ(answers(tenant), expected);
  }
}

// Views live in the versioned catalog: the snapshot carries them and replay rebuilds them, with
// their history (a dropped view still answers AS OF a position where it existed).
TEST(Database, ViewsSurviveReopenFromSnapshotAndFromReplay) {
  Fixture f;
  const std::vector<std::string> view_queries = {
      "SELECT id, name FROM in_a ORDER BY id",
      "SELECT id FROM old_view AS OF POSITION 5 ORDER BY id",
      "SELECT count(*) FROM kmb_audit WHERE operation LIKE '%VIEW%'",
  };
  std::vector<std::vector<std::string>> expected;
  const auto view_answers = [&](Tenant& tenant) {
    std::vector<std::vector<std::string>> all;
    for (const std::string& query : view_queries) all.push_back(rows_of(tenant, query));
    return all;
  };
  {
    auto database = f.open();
    Tenant& tenant = *database->tenant(1).value();
    seed(tenant);
    run(tenant, "CREATE VIEW in_a AS SELECT id, name FROM patients WHERE ward = 'A'");  // position 4
    run(tenant, "CREATE VIEW old_view (id) AS SELECT id FROM patients");               // position 5
    run(tenant, "DROP VIEW old_view");
    expected = view_answers(tenant);
    EXPECT_EQ(expected[0], (std::vector<std::string>{"1|Ada|"}));
    EXPECT_EQ(expected[1], (std::vector<std::string>{"1|", "2|"}));
  }
  const std::string snapshot = std::string(dir) + "/tenants/1/snapshot";
  {
    auto database = f.open();
    Tenant& tenant = *database->tenant(1).value();
    EXPECT_NE(tenant.info()->recovery.find("snapshot at position 6"), std::string::npos) << tenant.info()->recovery;
    EXPECT_EQ(view_answers(tenant), expected);
    EXPECT_FALSE(tenant.execute("DROP TABLE patients").ok());  // in_a depends on it
  }
  ASSERT_TRUE(f.storage.remove(snapshot).ok());
  auto database = f.open();
  Tenant& tenant = *database->tenant(1).value();
  EXPECT_NE(tenant.info()->recovery.find("full replay"), std::string::npos) << tenant.info()->recovery;
  EXPECT_EQ(view_answers(tenant), expected);
}

TEST(Database, StaleSnapshotPlusTailReplay) {
  Fixture f;
  DatabaseOptions options;
  options.checkpoint_interval_records = 2;
  std::vector<std::vector<std::string>> expected;
  {
    auto database = f.open(options);
    Tenant& tenant = *database->tenant(1).value();
    seed(tenant);
    run(tenant, "INSERT INTO patients VALUES (4, 'Barbara', 'D')");
    expected = answers(tenant);
    // Power loss: no clean close. The snapshot written after record 1 or 3 is stale.
    f.storage.crash();
  }
  auto database = f.open(options);
  Tenant& tenant = *database->tenant(1).value();
  EXPECT_NE(tenant.info()->recovery.find("snapshot at position"), std::string::npos) << tenant.info()->recovery;
  EXPECT_EQ(answers(tenant), expected);
}

TEST(Database, SnapshotOfAnotherHistoryIsIgnored) {
  Fixture f;
  {
    auto database = f.open();
    seed(*database->tenant(1).value());
    seed(*database->tenant(2).value());
    run(*database->tenant(2).value(), "INSERT INTO patients VALUES (5, 'Eve', 'E')");
  }
  // Tenant 2's snapshot placed in tenant 1: its chain hash cannot match tenant 1's log.
  Bytes other = f.storage.read_durable(std::string(dir) + "/tenants/2/snapshot").value();
  f.storage.set_contents(std::string(dir) + "/tenants/1/snapshot", other);
  auto database = f.open();
  Tenant& tenant = *database->tenant(1).value();
  EXPECT_NE(tenant.info()->recovery.find("snapshot ignored"), std::string::npos) << tenant.info()->recovery;
  EXPECT_EQ(rows_of(tenant, "SELECT count(*) FROM patients"), (std::vector<std::string>{"2|"}));
}

TEST(Database, TenantsAreIsolated) {
  Fixture f;
  auto database = f.open();
  seed(*database->tenant(1).value());
  Tenant& other = *database->tenant(2).value();
  EXPECT_FALSE(other.execute("SELECT * FROM patients").ok());
  EXPECT_EQ(database->tenant(3, false).status().code(), StatusCode::not_found);
  EXPECT_EQ(database->tenant_ids().value(), (std::vector<std::uint64_t>{1, 2}));
}

TEST(Database, ConcurrentWritersAllCommit) {
  Fixture f;
  auto database = f.open();
  Tenant& tenant = *database->tenant(1).value();
  run(tenant, "CREATE TABLE events (id BIGINT PRIMARY KEY, writer BIGINT)");
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; t++) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; i++) {
        Value parameters[] = {Value::integer(t * 1000 + i), Value::integer(t)};
        if (!tenant.execute("INSERT INTO events VALUES ($1, $2)", parameters).ok()) failures++;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(rows_of(tenant, "SELECT count(*) FROM events"), (std::vector<std::string>{"400|"}));
  EXPECT_EQ(tenant.info()->record_count, 401u);
  Result<log::VerifyReport> report = log::verify_partition(f.storage, std::string(dir) + "/tenants/1/log");
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->intact());
}

TEST(Database, FailedSyncStopsTheTenantUntilReopened) {
  Fixture f;
  {
    auto database = f.open();
    Tenant& tenant = *database->tenant(1).value();
    seed(tenant);
    f.storage.fail_next_syncs(1);
    EXPECT_EQ(tenant.execute("INSERT INTO patients VALUES (8, 'Lost', 'X')").status().code(), StatusCode::io_error);
    EXPECT_FALSE(tenant.execute("INSERT INTO patients VALUES (9, 'Refused', 'X')").ok());
    // Reads still answer from the durable prefix.
    EXPECT_EQ(rows_of(tenant, "SELECT count(*) FROM patients"), (std::vector<std::string>{"2|"}));
  }
  f.storage.crash();
  auto database = f.open();
  Tenant& tenant = *database->tenant(1).value();
  EXPECT_EQ(rows_of(tenant, "SELECT id FROM patients ORDER BY id"), (std::vector<std::string>{"1|", "2|"}));
  run(tenant, "INSERT INTO patients VALUES (8, 'Back', 'X')");
}

}  // namespace
}  // namespace kmb::db
