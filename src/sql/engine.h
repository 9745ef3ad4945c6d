// The SQL engine: text in, results (or committed writes) out.
//
//   lexer -> parser (AST) -> binder/planner (names, types, plan with index selection) -> executor
//
// Reads run against Session::read_view(); writes (INSERT/UPDATE/DELETE/DDL) are evaluated inside
// Session::write() against the newest state and become one CommandRecord — one log record — each;
// on a Connection, all writes of a transaction become one CommandRecord (connection.h).
// Time travel (AS OF POSITION/TIMESTAMP, FOR SYSTEM_TIME ...) picks the position per table reference.
//
// Parsed statements are cached by text (statement_cache.h), so a repeated statement is parsed once.
//
// Thread-safety: an Engine may be shared by threads; apart from its internally synchronised
// statement cache it is immutable after construction.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "io/clock.h"
#include "kernel/value.h"
#include "sql/session.h"
#include "sql/statement_cache.h"

namespace kmb::sql {

struct EngineOptions {
  std::uint32_t expression_depth_max = 200;
  std::uint64_t result_rows_max = 10'000'000;
  std::uint64_t statement_size_max_bytes = 1 << 20;
  // WITH RECURSIVE: iterations of the recursive step before the query fails.
  std::uint64_t recursion_iterations_max = 10'000;
  // Bytes one statement may hold in intermediate buffers at once: sorts, hash join builds,
  // aggregate and DISTINCT tables, set operations, recursive CTE work tables, window partitions,
  // cached subquery rows. 0 = unlimited. Exceeding it is resource_exhausted.
  std::uint64_t intermediate_memory_max_bytes = 1ULL << 30;
  // Running time of one statement, in milliseconds; 0 = unlimited. Exceeding it is
  // resource_exhausted. Needs `clock`.
  std::uint64_t query_time_max_ms = 0;
  // The time source for query_time_max_ms (not owned; must outlive the engine).
  io::Clock* clock = nullptr;
  // Parsed statements kept for reuse (0 disables the cache), the longest text worth keeping, and
  // the text all entries may hold together (bounding the ASTs' memory, which grows with it).
  std::uint64_t statement_cache_entries_max = 512;
  std::uint64_t statement_cache_text_max_bytes = 4096;
  std::uint64_t statement_cache_total_text_max_bytes = 256 * 1024;
  // Answer primary-key point reads by one lookup, without planning (point_read.h). Off only to
  // compare the two paths.
  bool point_reads = true;
};

// Per-statement controls for Engine::execute.
struct ExecutionControl {
  // When another thread sets *cancelled to true, the statement stops with `aborted` soon after
  // (within QueryGuard::check_interval_rows rows of work). Must outlive the call.
  const std::atomic<bool>* cancelled = nullptr;
  // Overrides EngineOptions::query_time_max_ms for this statement (0 = unlimited).
  std::optional<std::uint64_t> query_time_max_ms;
  // Rows of work between checks of the time limit and the flag (0: QueryGuard's default, 1024);
  // smaller for statements that must give up quickly (the server's inline reads).
  std::uint64_t check_interval_rows = 0;
};

struct QueryResult {
  std::vector<std::string> columns;
  std::vector<kernel::Type> types;  // one per column; Type::null when unknown (all NULL)
  std::vector<kernel::Row> rows;
  std::uint64_t rows_affected = 0;            // INSERT/UPDATE/DELETE
  std::optional<kernel::Position> position;   // the log position of a committed write
  std::string tag;                            // "SELECT 3", "INSERT 2", "CREATE TABLE", ...
};

class Connection;

class Engine {
 public:
  explicit Engine(const EngineOptions& options = {});

  // Executes one statement (a trailing ';' is allowed). Parameters bind to $1, $2, ...
  // Errors: invalid_argument for syntax ("syntax error at line 2, column 7: ..."), unknown names,
  // type errors and constraint violations; resource_exhausted for limits (rows, memory, time);
  // aborted when cancelled through `control`; other codes from the session. A failed or
  // cancelled statement writes nothing.
  Result<QueryResult> execute(Session& session, std::string_view sql, std::span<const kernel::Value> parameters,
                              const AuditContext& audit, const ExecutionControl& control = {}) const;

  // execute() for a caller that must not hold a thread while a write becomes durable: a write
  // goes through Session::write_deferred, and the result is returned as soon as it is applied.
  // Contract, for every statement (reads, writes that change nothing, DDL alike): when the result
  // is OK, `on_durable` is called exactly once — possibly inline before this returns, possibly
  // later on another thread — with OK once whatever the statement wrote is durable (at once for
  // statements that wrote nothing), or with the error that lost the write; the caller must not
  // report success before on_durable(OK). When the result is an error, `on_durable` is never
  // called and nothing was written. `on_durable` must be short and must not throw (session.h).
  Result<QueryResult> execute_deferred(Session& session, std::string_view sql,
                                       std::span<const kernel::Value> parameters, const AuditContext& audit,
                                       const ExecutionControl& control, std::function<void(Status)> on_durable) const;

  // Executes one statement on a connection (connection.h): BEGIN / START TRANSACTION, COMMIT / END,
  // ROLLBACK, and the statements of an open transaction; outside a transaction, as above.
  Result<QueryResult> execute(Connection& connection, std::string_view sql, std::span<const kernel::Value> parameters,
                              const AuditContext& audit, const ExecutionControl& control = {}) const;

  // Splits a script into statements (respecting quotes and comments) without executing them.
  static Result<std::vector<std::string>> split_statements(std::string_view script);

  StatementCacheStats statement_cache_stats() const { return statement_cache_->stats(); }

  // Whether `sql` is one read-only statement (SELECT or EXPLAIN), which writes nothing whatever
  // it returns. Parses through the statement cache, so asking before execute() costs one parse
  // at most; false for text that does not parse or is too long (execute() reports why).
  bool is_read_only(std::string_view sql) const;

 private:
  // The statement parsed from `sql`, from the cache when it was parsed before.
  Result<std::shared_ptr<const Statement>> parse(std::string_view sql) const;
  // execute() and execute_deferred(): an empty `on_durable` writes synchronously.
  Result<QueryResult> execute_statement(Session& session, std::string_view sql,
                                        std::span<const kernel::Value> parameters, const AuditContext& audit,
                                        const ExecutionControl& control, std::function<void(Status)> on_durable) const;

  EngineOptions options_;
  std::unique_ptr<StatementCache> statement_cache_;  // never null
};

}  // namespace kmb::sql
