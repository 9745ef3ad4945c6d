#include "db/database.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <functional>
#include <mutex>
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

// One process (one Database) at a time per data directory: a second open is refused, whatever
// tenant it wants, and writes nothing; once the first closes, the directory opens again.
TEST(Database, ASecondOpenOfTheDirectoryIsRefused) {
  Fixture f;
  std::unique_ptr<Database> first = f.open();
  ASSERT_NE(first, nullptr);
  Tenant& tenant = *first->tenant(1, true).value();
  seed(tenant);
  const std::vector<std::string> files = f.storage.list_directory(dir).value();
  Result<std::unique_ptr<Database>> second = Database::open(f.storage, f.clock, dir);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::failed_precondition);
  EXPECT_EQ(second.status().message(), "data directory /data is already locked by another process");
  EXPECT_EQ(f.storage.list_directory(dir).value(), files);
  const std::vector<std::vector<std::string>> before = answers(tenant);
  first.reset();
  std::unique_ptr<Database> reopened = f.open();
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(answers(*reopened->tenant(1).value()), before);
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

// ---- Deferred writes (Session::write_deferred) ----------------------------------------------

// The outcome of one on_durable callback, waitable from the test thread; `probe` runs inside the
// callback (on the log's flusher thread), before the outcome is recorded.
class Durability {
 public:
  std::function<void(Status)> callback(std::function<void()> probe = nullptr) {
    return [this, probe](Status status) {
      if (probe) probe();
      std::lock_guard<std::mutex> lock(mutex_);
      calls_++;
      outcome_ = status;
      changed_.notify_all();
    };
  }
  Status wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return calls_ > 0; });
    return outcome_;
  }
  int calls() {
    std::lock_guard<std::mutex> lock(mutex_);
    return calls_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int calls_ = 0;
  Status outcome_;
};

// One row of `events` written through write_deferred, as the server writes an autocommit INSERT.
Result<sql::CommitResult> insert_deferred(Tenant& tenant, std::int64_t id, std::function<void(Status)> on_durable) {
  return tenant.session().write_deferred(
      [id](const projection::ReadView&) -> Result<kernel::CommandRecord> {
        kernel::CommandRecord record;
        record.statement = "INSERT INTO events VALUES (" + std::to_string(id) + ")";
        record.commands.push_back(kernel::InsertRows{"events", {kernel::Row{Value::integer(id)}}});
        return record;
      },
      sql::AuditContext{"dr.smith", "deferred", 7}, std::move(on_durable));
}

std::string count_events(Tenant& tenant) {
  return rows_of(tenant, "SELECT count(*) FROM events").at(0);
}

TEST(DeferredWrite, VisibleToReadsOnlyFromItsCallbackOn) {
  Fixture f;
  auto database = f.open();
  Tenant& tenant = *database->tenant(1).value();
  run(tenant, "CREATE TABLE events (id BIGINT PRIMARY KEY)");
  // The first write's callback holds the flusher, so the second write stays undurable meanwhile.
  std::mutex gate_mutex;
  std::condition_variable gate_changed;
  bool entered = false;
  bool released = false;
  Durability first;
  std::string seen_by_first;
  ASSERT_TRUE(insert_deferred(tenant, 1, first.callback([&] {
                seen_by_first = count_events(tenant);
                std::unique_lock<std::mutex> lock(gate_mutex);
                entered = true;
                gate_changed.notify_all();
                gate_changed.wait(lock, [&] { return released; });
              })).ok());
  {
    std::unique_lock<std::mutex> lock(gate_mutex);
    gate_changed.wait(lock, [&] { return entered; });
  }
  EXPECT_EQ(seen_by_first, "1|") << "a write is readable by the time its callback runs";
  Durability second;
  std::optional<kernel::Position> seen_by_second;
  Result<sql::CommitResult> commit = insert_deferred(
      tenant, 2, second.callback([&] { seen_by_second = tenant.session().read_view().value()->position(); }));
  ASSERT_TRUE(commit.ok()) << commit.status().to_string();
  EXPECT_EQ(commit->position, 2u);
  EXPECT_EQ(second.calls(), 0);
  EXPECT_EQ(count_events(tenant), "1|") << "applied but not durable: readers do not see it";
  {
    std::lock_guard<std::mutex> lock(gate_mutex);
    released = true;
    gate_changed.notify_all();
  }
  EXPECT_TRUE(second.wait().ok());
  ASSERT_TRUE(seen_by_second.has_value());
  EXPECT_GE(*seen_by_second, 2u);
  EXPECT_EQ(count_events(tenant), "2|");
  EXPECT_EQ(first.calls(), 1);
  EXPECT_EQ(second.calls(), 1);
}

TEST(DeferredWrite, FailedSyncFailsTheTenantAndReachesTheCallback) {
  Fixture f;
  {
    auto database = f.open();
    Tenant& tenant = *database->tenant(1).value();
    run(tenant, "CREATE TABLE events (id BIGINT PRIMARY KEY)");
    f.storage.fail_next_syncs(1);
    Durability lost;
    ASSERT_TRUE(insert_deferred(tenant, 1, lost.callback()).ok()) << "applied; durability comes later";
    EXPECT_EQ(lost.wait().code(), StatusCode::io_error);
    EXPECT_EQ(count_events(tenant), "0|") << "reads still answer from the durable prefix";
    Durability refused;
    EXPECT_FALSE(insert_deferred(tenant, 2, refused.callback()).ok()) << "the tenant must be reopened";
    EXPECT_FALSE(tenant.execute("INSERT INTO events VALUES (3)").ok());
    EXPECT_EQ(refused.calls(), 0) << "an error return never calls back";
    EXPECT_EQ(lost.calls(), 1);
  }
  f.storage.crash();
  auto database = f.open();
  Tenant& tenant = *database->tenant(1).value();
  EXPECT_EQ(count_events(tenant), "0|");
}

TEST(DeferredWrite, EmptyRecordReportsDurableInline) {
  Fixture f;
  auto database = f.open();
  Tenant& tenant = *database->tenant(1).value();
  Durability calls;
  Result<sql::CommitResult> commit = tenant.session().write_deferred(
      [](const projection::ReadView&) -> Result<kernel::CommandRecord> { return kernel::CommandRecord{}; },
      sql::AuditContext{}, calls.callback());
  ASSERT_TRUE(commit.ok());
  EXPECT_EQ(calls.calls(), 1);
  EXPECT_TRUE(calls.wait().ok());
}

TEST(DeferredWrite, CheckpointsStillHappen) {
  Fixture f;
  DatabaseOptions options;
  options.checkpoint_interval_records = 4;
  const std::string snapshot = std::string(dir) + "/tenants/1/snapshot";
  constexpr int writes = 10;
  Bytes under_load;
  {
    auto database = f.open(options);
    Tenant& tenant = *database->tenant(1).value();
    run(tenant, "CREATE TABLE events (id BIGINT PRIMARY KEY)");
    ASSERT_FALSE(f.storage.exists(snapshot).value());
    std::vector<std::unique_ptr<Durability>> outcomes;
    for (int i = 0; i < writes; i++) {
      outcomes.push_back(std::make_unique<Durability>());
      ASSERT_TRUE(insert_deferred(tenant, i, outcomes.back()->callback()).ok());
    }
    for (auto& outcome : outcomes) EXPECT_TRUE(outcome->wait().ok());
    ASSERT_TRUE(f.storage.exists(snapshot).value()) << "written by the deferred writes, not only on close";
    under_load = f.storage.read_durable(snapshot).value();
  }
  // The close wrote a newer checkpoint; put back the one written under load and recover from it.
  f.storage.set_contents(snapshot, under_load);
  auto database = f.open(options);
  Tenant& tenant = *database->tenant(1).value();
  EXPECT_EQ(tenant.info()->recovery, "snapshot at position 7 + 3 records replayed");
  EXPECT_EQ(count_events(tenant), std::to_string(writes) + "|");
}

TEST(DeferredWrite, ConcurrentWritersEachSeeTheirOwnRowWhenAcknowledged) {
  Fixture f;
  auto database = f.open();
  Tenant& tenant = *database->tenant(1).value();
  run(tenant, "CREATE TABLE events (id BIGINT PRIMARY KEY)");
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; t++) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; i++) {
        const std::int64_t id = t * 1000 + i;
        Durability durability;
        Result<sql::CommitResult> commit = insert_deferred(tenant, id, durability.callback());
        if (!commit.ok() || !durability.wait().ok()) {
          failures++;
          continue;
        }
        Value key[] = {Value::integer(id)};
        Result<sql::QueryResult> read = tenant.execute("SELECT id FROM events WHERE id = $1", key);
        if (!read.ok() || read->rows.size() != 1) failures++;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(count_events(tenant), "200|");
}

}  // namespace
}  // namespace kmb::db
