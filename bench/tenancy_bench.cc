// The cost of encryption at rest: single-row INSERTs with the tenant encrypted (AES-256-GCM of
// every record, docs/format/encryption.md) and unencrypted, in the same run.
//   BM_DurableInsert  real files: every statement is durable (fdatasync, shared by group commit)
//   BM_InsertCpuOnly  in-memory storage: no disk, so the cryptography's share of CPU time shows
// Arg encrypted:0|1. Scratch files go to $KMB_BENCH_DIR (default: the system temp directory).
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "db/database.h"
#include "db/master_key.h"
#include "io/clock.h"
#include "io/memory_storage.h"

namespace {

using namespace kmb;

std::string scratch_directory() {
  const char* base = std::getenv("KMB_BENCH_DIR");
  std::string pattern =
      (std::filesystem::path(base ? base : std::filesystem::temp_directory_path().string()) / "kmb-tenancybench-XXXXXX")
          .string();
  return mkdtemp(pattern.data());
}

struct Fixture {
  std::string directory;  // Empty for in-memory storage.
  std::unique_ptr<io::MemoryStorage> memory;
  io::RealClock clock;
  std::unique_ptr<db::Database> database;
  db::Tenant* tenant = nullptr;
  std::atomic<std::int64_t> next_id{0};
};

std::mutex fixture_mutex;
std::unique_ptr<Fixture> fixture;

bool exec(benchmark::State& state, const std::string& sql, std::span<const kernel::Value> parameters = {}) {
  Result<sql::QueryResult> result = fixture->tenant->execute(sql, parameters, {"bench", "benchmark run", 1});
  if (!result.ok()) {
    state.SkipWithError(result.status().to_string().c_str());
    return false;
  }
  return true;
}

void setup(benchmark::State& state, bool on_disk) {
  fixture = std::make_unique<Fixture>();
  db::DatabaseOptions options;
  options.discover_master_key = false;
  if (state.range(0) == 1) {
    options.master_key = db::parse_master_key_hex(std::string(64, '7'), "benchmark key").value();
  }
  Result<std::unique_ptr<db::Database>> database = internal_error("not opened");
  if (on_disk) {
    fixture->directory = scratch_directory();
    database = db::Database::open(fixture->directory, options);
  } else {
    fixture->memory = std::make_unique<io::MemoryStorage>(1);
    database = db::Database::open(*fixture->memory, fixture->clock, "/bench", options);
  }
  if (!database.ok()) return state.SkipWithError(database.status().to_string().c_str());
  fixture->database = std::move(database).value();
  Result<db::Tenant*> tenant = fixture->database->create_tenant(1, db::TenantConfig{"bench"});
  if (!tenant.ok()) return state.SkipWithError(tenant.status().to_string().c_str());
  fixture->tenant = *tenant;
  if ((*tenant)->info()->encrypted != (state.range(0) == 1)) return state.SkipWithError("wrong encryption state");
  exec(state, "CREATE TABLE accounts (id BIGINT PRIMARY KEY, owner TEXT NOT NULL, balance BIGINT)");
}

void teardown() {
  if (!fixture) return;
  const std::string directory = fixture->directory;
  fixture.reset();
  if (!directory.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(directory, ignored);
  }
}

void run_inserts(benchmark::State& state, bool on_disk) {
  if (state.thread_index() == 0) {
    std::lock_guard<std::mutex> lock(fixture_mutex);
    setup(state, on_disk);
  }
  for (auto _ : state) {
    kernel::Value parameters[] = {kernel::Value::integer(fixture->next_id++),
                                  kernel::Value::text("owner of a reasonably sized account row"),
                                  kernel::Value::integer(100)};
    if (!exec(state, "INSERT INTO accounts VALUES ($1, $2, $3)", parameters)) break;
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    std::lock_guard<std::mutex> lock(fixture_mutex);
    teardown();
  }
}

void BM_DurableInsert(benchmark::State& state) {
  run_inserts(state, true);
}
BENCHMARK(BM_DurableInsert)->ArgName("encrypted")->Arg(0)->Arg(1)->Threads(1)->Threads(16)->UseRealTime()->MinTime(1.0);

void BM_InsertCpuOnly(benchmark::State& state) {
  run_inserts(state, false);
}
BENCHMARK(BM_InsertCpuOnly)->ArgName("encrypted")->Arg(0)->Arg(1)->UseRealTime()->MinTime(1.0);

}  // namespace
