// Embedded SQL benchmarks, Kimberlite against SQLite 3 in the same run (same machine, same disk):
//   * durable single-row INSERT, 1 and 16 concurrent writers
//       Kimberlite: every statement is a durable, audited, hash-chained log record (group commit);
//       SQLite: WAL mode, synchronous=FULL, one connection per writer, autocommit.
//   * point SELECT by primary key on 100k rows;
//   * Kimberlite AS OF POSITION point SELECT (the same rows, read at a past position);
//   * analytics over the same data and the same query text in both: a 3-way equi-join of three
//     100k-row tables with a filter and COUNT/SUM on top, and a GROUP BY of 1M rows into 1000
//     groups with SUM/COUNT/AVG. The data is loaded once per process with 1000-row INSERT
//     statements (one durable log record each for Kimberlite; one transaction for SQLite, whose
//     page cache is sized to hold the data, as Kimberlite's projections are in memory).
// Scratch files go to $KMB_BENCH_DIR (default: the system temp directory).
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "db/database.h"
#include "io/prng.h"

namespace {

using namespace kmb;

constexpr std::int64_t preload_rows = 100'000;

std::string scratch_directory(const char* name) {
  const char* base = std::getenv("KMB_BENCH_DIR");
  std::string pattern = (std::filesystem::path(base ? base : std::filesystem::temp_directory_path().string()) /
                         (std::string("kmb-sqlbench-") + name + "-XXXXXX"))
                            .string();
  return mkdtemp(pattern.data());
}

void remove_directory(const std::string& path) {
  std::error_code ignored;
  std::filesystem::remove_all(path, ignored);
}

// ---- Kimberlite ---------------------------------------------------------------------------------

struct KimberliteFixture {
  std::string directory;
  std::unique_ptr<db::Database> database;
  db::Tenant* tenant = nullptr;
  std::atomic<std::int64_t> next_id{0};
  kernel::Position past_position = 0;
};

std::mutex kimberlite_mutex;
std::unique_ptr<KimberliteFixture> kimberlite;

bool kimberlite_exec(benchmark::State& state, db::Tenant& tenant, const std::string& sql,
                     std::span<const kernel::Value> parameters = {}) {
  sql::AuditContext audit{"bench", "benchmark", 1};
  Result<sql::QueryResult> result = tenant.execute(sql, parameters, audit);
  if (!result.ok()) {
    state.SkipWithError(result.status().to_string().c_str());
    return false;
  }
  return true;
}

void kimberlite_setup(benchmark::State& state, bool preload) {
  kimberlite = std::make_unique<KimberliteFixture>();
  kimberlite->directory = scratch_directory("kimberlite");
  auto database = db::Database::open(kimberlite->directory);
  if (!database.ok()) return state.SkipWithError(database.status().to_string().c_str());
  kimberlite->database = std::move(database).value();
  auto tenant = kimberlite->database->tenant(1);
  if (!tenant.ok()) return state.SkipWithError(tenant.status().to_string().c_str());
  kimberlite->tenant = *tenant;
  if (!kimberlite_exec(state, *kimberlite->tenant,
                       "CREATE TABLE accounts (id BIGINT PRIMARY KEY, owner TEXT NOT NULL, balance BIGINT)")) {
    return;
  }
  if (!preload) return;
  for (std::int64_t first = 0; first < preload_rows; first += 1000) {
    std::string sql = "INSERT INTO accounts VALUES ";
    for (std::int64_t id = first; id < first + 1000; id++) {
      sql += (id == first ? "(" : ", (") + std::to_string(id) + ", 'owner " + std::to_string(id) + "', 100)";
    }
    if (!kimberlite_exec(state, *kimberlite->tenant, sql)) return;
  }
  Result<sql::QueryResult> position = kimberlite->tenant->execute("UPDATE accounts SET balance = 200 WHERE id < 1000");
  if (!position.ok() || !position->position) return state.SkipWithError("update failed");
  kimberlite->past_position = *position->position - 1;  // Before the update: balances of 100.
  // Later history, so AS OF reads must skip newer versions.
  if (!kimberlite_exec(state, *kimberlite->tenant, "UPDATE accounts SET balance = balance + 1")) return;
}

void kimberlite_teardown() {
  if (!kimberlite) return;
  std::string directory = kimberlite->directory;
  kimberlite.reset();
  remove_directory(directory);
}

void BM_Kimberlite_DurableInsert(benchmark::State& state) {
  if (state.thread_index() == 0) {
    std::lock_guard<std::mutex> lock(kimberlite_mutex);
    kimberlite_setup(state, false);
  }
  for (auto _ : state) {
    kernel::Value parameters[] = {kernel::Value::integer(kimberlite->next_id++), kernel::Value::text("owner"),
                                  kernel::Value::integer(100)};
    if (!kimberlite_exec(state, *kimberlite->tenant, "INSERT INTO accounts VALUES ($1, $2, $3)", parameters)) break;
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    std::lock_guard<std::mutex> lock(kimberlite_mutex);
    kimberlite_teardown();
  }
}
BENCHMARK(BM_Kimberlite_DurableInsert)->Threads(1)->Threads(16)->UseRealTime()->MinTime(1.0);

void BM_Kimberlite_PointSelect(benchmark::State& state) {
  const bool as_of = state.range(0) == 1;
  kimberlite_setup(state, true);
  io::Prng prng(1);
  const std::string sql = as_of ? "SELECT owner, balance FROM accounts AS OF POSITION " +
                                      std::to_string(kimberlite->past_position) + " WHERE id = $1"
                                : "SELECT owner, balance FROM accounts WHERE id = $1";
  for (auto _ : state) {
    kernel::Value parameters[] = {kernel::Value::integer(static_cast<std::int64_t>(prng.uniform(preload_rows)))};
    Result<sql::QueryResult> result = kimberlite->tenant->execute(sql, parameters);
    if (!result.ok() || result->rows.size() != 1) {
      state.SkipWithError(result.ok() ? "wrong row count" : result.status().to_string().c_str());
      break;
    }
    benchmark::DoNotOptimize(result->rows);
  }
  state.SetItemsProcessed(state.iterations());
  kimberlite_teardown();
}
BENCHMARK(BM_Kimberlite_PointSelect)->Arg(0)->ArgName("as_of")->Arg(1);

// ---- SQLite -------------------------------------------------------------------------------------

struct SqliteFixture {
  std::string directory;
  std::atomic<std::int64_t> next_id{0};
};
std::mutex sqlite_mutex;
std::unique_ptr<SqliteFixture> sqlite_fixture;

sqlite3* sqlite_open(benchmark::State& state, const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    state.SkipWithError("sqlite3_open failed");
    return nullptr;
  }
  sqlite3_busy_timeout(db, 10'000);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", nullptr, nullptr, nullptr);
  return db;
}

void BM_Sqlite_DurableInsert(benchmark::State& state) {
  if (state.thread_index() == 0) {
    std::lock_guard<std::mutex> lock(sqlite_mutex);
    sqlite_fixture = std::make_unique<SqliteFixture>();
    sqlite_fixture->directory = scratch_directory("sqlite");
    sqlite3* db = sqlite_open(state, sqlite_fixture->directory + "/bench.db");
    sqlite3_exec(db, "CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT NOT NULL, balance INTEGER)", nullptr,
                 nullptr, nullptr);
    sqlite3_close(db);
  }
  // Connections open inside the loop: only then is thread 0's setup guaranteed to be done.
  sqlite3* db = nullptr;
  sqlite3_stmt* insert = nullptr;
  for (auto _ : state) {
    if (db == nullptr) {
      db = sqlite_open(state, sqlite_fixture->directory + "/bench.db");
      if (db == nullptr) break;
      sqlite3_prepare_v2(db, "INSERT INTO accounts VALUES (?, ?, ?)", -1, &insert, nullptr);
    }
    sqlite3_bind_int64(insert, 1, sqlite_fixture->next_id++);
    sqlite3_bind_text(insert, 2, "owner", -1, SQLITE_STATIC);
    sqlite3_bind_int64(insert, 3, 100);
    if (sqlite3_step(insert) != SQLITE_DONE) {
      state.SkipWithError(sqlite3_errmsg(db));
      break;
    }
    sqlite3_reset(insert);
  }
  sqlite3_finalize(insert);
  sqlite3_close(db);
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    std::lock_guard<std::mutex> lock(sqlite_mutex);
    remove_directory(sqlite_fixture->directory);
    sqlite_fixture.reset();
  }
}
BENCHMARK(BM_Sqlite_DurableInsert)->Threads(1)->Threads(16)->UseRealTime()->MinTime(1.0);

// prepare_each = 1 parses the statement on every query, as Kimberlite's execute() does today.
void BM_Sqlite_PointSelect(benchmark::State& state) {
  const bool prepare_each = state.range(0) == 1;
  std::string directory = scratch_directory("sqlite-select");
  sqlite3* db = sqlite_open(state, directory + "/bench.db");
  sqlite3_exec(db, "CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT NOT NULL, balance INTEGER)", nullptr,
               nullptr, nullptr);
  sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO accounts VALUES (?, ?, 100)", -1, &insert, nullptr);
  for (std::int64_t id = 0; id < preload_rows; id++) {
    std::string owner = "owner " + std::to_string(id);
    sqlite3_bind_int64(insert, 1, id);
    sqlite3_bind_text(insert, 2, owner.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_step(insert);
    sqlite3_reset(insert);
  }
  sqlite3_finalize(insert);
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  const char* sql = "SELECT owner, balance FROM accounts WHERE id = ?";
  sqlite3_stmt* select = nullptr;
  sqlite3_prepare_v2(db, sql, -1, &select, nullptr);
  io::Prng prng(1);
  for (auto _ : state) {
    if (prepare_each) {
      sqlite3_finalize(select);
      sqlite3_prepare_v2(db, sql, -1, &select, nullptr);
    }
    sqlite3_bind_int64(select, 1, static_cast<std::int64_t>(prng.uniform(preload_rows)));
    if (sqlite3_step(select) != SQLITE_ROW) {
      state.SkipWithError("row not found");
      break;
    }
    std::string owner(reinterpret_cast<const char*>(sqlite3_column_text(select, 0)));
    benchmark::DoNotOptimize(owner);
    benchmark::DoNotOptimize(sqlite3_column_int64(select, 1));
    sqlite3_reset(select);
  }
  sqlite3_finalize(select);
  sqlite3_close(db);
  remove_directory(directory);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Sqlite_PointSelect)->Arg(0)->ArgName("prepare_each")->Arg(1);

// ---- Analytics: the same tables, rows and queries for both engines --------------------------------

constexpr std::int64_t join_table_rows = 100'000;
constexpr std::int64_t group_rows = 1'000'000;
constexpr std::int64_t group_count = 1000;
constexpr std::int64_t load_batch_rows = 1000;

// Every customer has one order and every order one item (the multipliers are coprime with the
// table size, so the foreign keys are permutations); the filter keeps one customer in ten.
std::int64_t order_customer(std::int64_t id) { return (id * 7919) % join_table_rows; }
std::int64_t item_order(std::int64_t id) { return (id * 104'729) % join_table_rows; }
std::int64_t customer_region(std::int64_t id) { return id % 10; }
std::int64_t item_quantity(std::int64_t id) { return 1 + id % 5; }
std::int64_t event_value(std::int64_t id) { return (id * 31) % 10'007; }

// "(a, b, c)", or "(a, b, 'c_text')" (appending, not operator+, which GCC 12 warns about wrongly).
std::string row_text(std::int64_t a, std::int64_t b, std::int64_t c, const char* c_text = nullptr) {
  std::string text = "(";
  text += std::to_string(a);
  text += ", ";
  text += std::to_string(b);
  text += ", ";
  if (c_text != nullptr) {
    text += "'";
    text += c_text;
    text += " ";
  }
  text += std::to_string(c);
  if (c_text != nullptr) text += "'";
  text += ")";
  return text;
}

struct AnalyticsTable {
  std::string create;
  std::int64_t rows;
  std::function<std::string(std::int64_t)> values;  // "(...)" for row `id`
};

std::vector<AnalyticsTable> join_tables(bool sqlite) {
  const std::string key = sqlite ? "INTEGER PRIMARY KEY" : "BIGINT PRIMARY KEY";
  const std::string integer = sqlite ? "INTEGER" : "BIGINT";
  return {
      {"CREATE TABLE customers (id " + key + ", region " + integer + ", name TEXT)", join_table_rows,
       [](std::int64_t id) { return row_text(id, customer_region(id), id, "customer"); }},
      {"CREATE TABLE orders (id " + key + ", customer_id " + integer + ", amount " + integer + ")", join_table_rows,
       [](std::int64_t id) { return row_text(id, order_customer(id), id % 1000); }},
      {"CREATE TABLE items (id " + key + ", order_id " + integer + ", qty " + integer + ")", join_table_rows,
       [](std::int64_t id) { return row_text(id, item_order(id), item_quantity(id)); }},
  };
}

AnalyticsTable group_table(bool sqlite) {
  return {sqlite ? "CREATE TABLE events (id INTEGER PRIMARY KEY, grp INTEGER, v INTEGER)"
                 : "CREATE TABLE events (id BIGINT PRIMARY KEY, grp BIGINT, v BIGINT)",
          group_rows, [](std::int64_t id) { return row_text(id, id % group_count, event_value(id)); }};
}

// The INSERT statements that load `table`, load_batch_rows rows each.
template <typename Run>
bool load_table(const AnalyticsTable& table, const std::string& name, Run run) {
  if (!run(table.create)) return false;
  for (std::int64_t first = 0; first < table.rows; first += load_batch_rows) {
    std::string sql = "INSERT INTO " + name + " VALUES ";
    for (std::int64_t id = first; id < std::min(first + load_batch_rows, table.rows); id++) {
      if (id > first) sql += ", ";
      sql += table.values(id);
    }
    if (!run(sql)) return false;
  }
  return true;
}

const char* const join_query =
    "SELECT COUNT(*), SUM(i.qty) FROM customers c JOIN orders o ON o.customer_id = c.id "
    "JOIN items i ON i.order_id = o.id WHERE c.region = 3";
const char* const group_query = "SELECT grp, SUM(v), COUNT(*), AVG(v) FROM events GROUP BY grp";

// The join's answer, computed directly: (count, sum of qty).
std::pair<std::int64_t, std::int64_t> join_expected() {
  std::int64_t count = 0;
  std::int64_t quantity = 0;
  for (std::int64_t item = 0; item < join_table_rows; item++) {
    if (customer_region(order_customer(item_order(item))) != 3) continue;
    count++;
    quantity += item_quantity(item);
  }
  return {count, quantity};
}

// Loaded once per process (the load dominates otherwise) and removed at exit.
struct KimberliteAnalytics {
  std::string directory;
  std::unique_ptr<db::Database> database;
  db::Tenant* tenant = nullptr;
  std::string error;

  KimberliteAnalytics() {
    directory = scratch_directory("kimberlite-analytics");
    auto opened = db::Database::open(directory);
    if (!opened.ok()) {
      error = opened.status().to_string();
      return;
    }
    database = std::move(opened).value();
    tenant = *database->tenant(1);
    const auto run = [&](const std::string& sql) {
      Result<sql::QueryResult> result = tenant->execute(sql);
      if (!result.ok()) error = result.status().to_string();
      return result.ok();
    };
    const std::vector<AnalyticsTable> tables = join_tables(false);
    const char* names[] = {"customers", "orders", "items"};
    for (std::size_t i = 0; i < tables.size() && error.empty(); i++) load_table(tables[i], names[i], run);
    if (error.empty()) load_table(group_table(false), "events", run);
  }
  ~KimberliteAnalytics() {
    database.reset();
    remove_directory(directory);
  }
};

KimberliteAnalytics& kimberlite_analytics() {
  static KimberliteAnalytics analytics;
  return analytics;
}

struct SqliteAnalytics {
  std::string directory;
  sqlite3* db = nullptr;
  std::string error;

  SqliteAnalytics() {
    directory = scratch_directory("sqlite-analytics");
    if (sqlite3_open((directory + "/bench.db").c_str(), &db) != SQLITE_OK) {
      error = "sqlite3_open failed";
      return;
    }
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-262144;", nullptr, nullptr,
                 nullptr);
    const auto run = [&](const std::string& sql) {
      char* message = nullptr;
      if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK) return true;
      error = message ? message : "sqlite3_exec failed";
      sqlite3_free(message);
      return false;
    };
    run("BEGIN");
    const std::vector<AnalyticsTable> tables = join_tables(true);
    const char* names[] = {"customers", "orders", "items"};
    for (std::size_t i = 0; i < tables.size() && error.empty(); i++) load_table(tables[i], names[i], run);
    if (error.empty()) load_table(group_table(true), "events", run);
    if (error.empty()) run("COMMIT");
  }
  ~SqliteAnalytics() {
    sqlite3_close(db);
    remove_directory(directory);
  }
};

SqliteAnalytics& sqlite_analytics() {
  static SqliteAnalytics analytics;
  return analytics;
}

void BM_Kimberlite_Join3(benchmark::State& state) {
  KimberliteAnalytics& analytics = kimberlite_analytics();
  if (!analytics.error.empty()) return state.SkipWithError(analytics.error.c_str());
  const auto [count, quantity] = join_expected();
  for (auto _ : state) {
    Result<sql::QueryResult> result = analytics.tenant->execute(join_query);
    if (!result.ok() || result->rows.size() != 1 || result->rows[0][0].as_int() != count ||
        result->rows[0][1].as_int() != quantity) {
      state.SkipWithError(result.ok() ? "wrong join result" : result.status().to_string().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * 3 * join_table_rows);
}
BENCHMARK(BM_Kimberlite_Join3)->Unit(benchmark::kMillisecond);

void BM_Sqlite_Join3(benchmark::State& state) {
  SqliteAnalytics& analytics = sqlite_analytics();
  if (!analytics.error.empty()) return state.SkipWithError(analytics.error.c_str());
  const auto [count, quantity] = join_expected();
  sqlite3_stmt* select = nullptr;
  sqlite3_prepare_v2(analytics.db, join_query, -1, &select, nullptr);
  for (auto _ : state) {
    if (sqlite3_step(select) != SQLITE_ROW || sqlite3_column_int64(select, 0) != count ||
        sqlite3_column_int64(select, 1) != quantity) {
      state.SkipWithError("wrong join result");
      break;
    }
    sqlite3_reset(select);
  }
  sqlite3_finalize(select);
  state.SetItemsProcessed(state.iterations() * 3 * join_table_rows);
}
BENCHMARK(BM_Sqlite_Join3)->Unit(benchmark::kMillisecond);

void BM_Kimberlite_GroupBy(benchmark::State& state) {
  KimberliteAnalytics& analytics = kimberlite_analytics();
  if (!analytics.error.empty()) return state.SkipWithError(analytics.error.c_str());
  for (auto _ : state) {
    Result<sql::QueryResult> result = analytics.tenant->execute(group_query);
    if (!result.ok() || result->rows.size() != group_count) {
      state.SkipWithError(result.ok() ? "wrong group count" : result.status().to_string().c_str());
      break;
    }
    benchmark::DoNotOptimize(result->rows);
  }
  state.SetItemsProcessed(state.iterations() * group_rows);
}
BENCHMARK(BM_Kimberlite_GroupBy)->Unit(benchmark::kMillisecond);

void BM_Sqlite_GroupBy(benchmark::State& state) {
  SqliteAnalytics& analytics = sqlite_analytics();
  if (!analytics.error.empty()) return state.SkipWithError(analytics.error.c_str());
  sqlite3_stmt* select = nullptr;
  sqlite3_prepare_v2(analytics.db, group_query, -1, &select, nullptr);
  for (auto _ : state) {
    std::int64_t groups = 0;
    while (sqlite3_step(select) == SQLITE_ROW) {
      benchmark::DoNotOptimize(sqlite3_column_int64(select, 1));
      benchmark::DoNotOptimize(sqlite3_column_double(select, 3));
      groups++;
    }
    sqlite3_reset(select);
    if (groups != group_count) {
      state.SkipWithError("wrong group count");
      break;
    }
  }
  sqlite3_finalize(select);
  state.SetItemsProcessed(state.iterations() * group_rows);
}
BENCHMARK(BM_Sqlite_GroupBy)->Unit(benchmark::kMillisecond);

}  // namespace
