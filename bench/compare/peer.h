// Peer: one database system measured by kimberlite-bench-compare (Kimberlite embedded, Kimberlite
// over the network, PostgreSQL with an audit trigger, SQLite with an audit trigger), behind the
// same small interface so that every workload runs the same way against each of them.
//
// The data set, identical for every peer: `accounts (id, owner, balance)`. load(rows) writes ids
// 0..rows-1 in 1000-row transactions (balance 100), then updates every row twice (balance 200,
// then 201), each change carrying an actor and a reason, so that every row has three versions and
// the state between the load and the first update ("the past") differs from the current one.
//
// Ownership: a Peer owns its database (files, connections); Sessions borrow the Peer and must be
// destroyed first. Thread-safety: a Peer's load() and verify() run alone; each thread uses its own
// Session, and Sessions of one Peer may run concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "base/status.h"
#include "kernel/value.h"

namespace kmb::bench {

inline constexpr std::int64_t batch_rows = 1000;
inline constexpr std::int64_t balance_loaded = 100;
inline constexpr std::int64_t balance_current = 201;
inline constexpr std::int64_t versions_per_loaded_row = 3;
// Who writes and why, the same for every peer (Kimberlite's audit context, the triggers' columns).
inline constexpr const char* bench_actor = "bench.writer";
inline constexpr const char* bench_reason = "benchmark: audited change";

// A point read's answer (a Kimberlite QueryResult or ExecuteResponse): one row, whose second
// column (balance) is `expected`.
template <typename Response>
Status check_balance(const Result<Response>& result, std::int64_t expected) {
  if (!result.ok()) return result.status();
  if (result->rows.size() != 1) return internal_error("expected 1 row, got " + std::to_string(result->rows.size()));
  if (result->rows[0][1].as_int() != expected) return internal_error("unexpected balance");
  return Status();
}

class Session {
 public:
  virtual ~Session() = default;
  // One durable, audited single-row INSERT (its own transaction).
  virtual Status insert_one(std::int64_t id) = 0;
  // `batch_rows` rows, ids first_id.., in one durable transaction.
  virtual Status insert_batch(std::int64_t first_id) = 0;
  // The current row `id` (of the loaded ones); checks its balance.
  virtual Status read_current(std::int64_t id) = 0;
  // Row `id` as it was right after load's inserts, before the updates; checks its balance.
  virtual Status read_past(std::int64_t id) = 0;
  // Every version of row `id` with who, when, why and how; checks there are three.
  virtual Status read_history(std::int64_t id) = 0;
};

struct VerifyOutcome {
  std::uint64_t changes = 0;  // audited row changes covered by the check
  std::string detail;         // what was checked, for the report
};

class Peer {
 public:
  virtual ~Peer() = default;
  virtual std::string name() const = 0;
  virtual std::string version() const = 0;
  virtual Status load(std::int64_t rows) = 0;
  virtual Result<std::unique_ptr<Session>> connect() = 0;
  // Checks the integrity of every audited change stored so far.
  virtual Result<VerifyOutcome> verify() = 0;
};

// The 1000-row INSERT both Kimberlite peers send (ids first_id.., the same text embedded and over
// the network, so that both parse alike).
std::string kimberlite_batch_insert_sql(std::int64_t first_id, std::int64_t balance);

// Runs one statement with parameters; returns the log position it wrote at (nullopt: nothing).
using KimberliteExecute =
    std::function<Result<std::optional<std::uint64_t>>(const std::string& sql, std::span<const kernel::Value>)>;

// The load's two passes over every row (balance = 200, then balance + 1) for both Kimberlite
// peers, in statements of `kimberlite_update_rows` rows: a statement is one log record, whose size
// is bounded. Returns the position right before the first: every loaded row at its first version.
inline constexpr std::int64_t kimberlite_update_rows = 50'000;
Result<std::uint64_t> kimberlite_load_updates(std::int64_t rows, const KimberliteExecute& execute);

// Each returns an error Status when the peer cannot be set up (a missing server, a bad directory).
Result<std::unique_ptr<Peer>> make_kimberlite_peer(const std::string& directory);
// A Kimberlite server started in this process on 127.0.0.1 over `directory` (initialised here, as
// `kimberlite init` does: it must not be initialised yet), driven through the C++ client.
Result<std::unique_ptr<Peer>> make_kimberlite_network_peer(const std::string& directory);
Result<std::unique_ptr<Peer>> make_sqlite_peer(const std::string& directory);
// `conninfo`: a libpq connection string to an empty database the peer may fill.
Result<std::unique_ptr<Peer>> make_postgres_peer(const std::string& conninfo);

}  // namespace kmb::bench
