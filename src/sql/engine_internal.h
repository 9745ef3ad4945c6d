// The engine's statement steps, shared by Engine::execute (autocommit, engine.cc) and
// Engine::execute on a Connection (transactions, engine_connection.cc). Internal to src/sql.
//
// Thread-safety: pure functions over a planner context used by one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kernel/command.h"
#include "sql/engine.h"
#include "sql/execution/query_guard.h"
#include "sql/parser/statement.h"
#include "sql/planner/planner_context.h"

namespace kmb::sql::internal {

// The commands of one write statement, planned and evaluated against a view, and what to report.
struct PlannedWrite {
  std::vector<kernel::Command> commands;
  std::uint64_t rows = 0;
  std::string tag;                       // "INSERT 2", "CREATE TABLE", ...
  std::optional<QueryResult> returning;  // RETURNING's columns and rows
};

bool is_ddl_statement(const Statement& statement);
bool is_read_statement(const Statement& statement);  // SELECT or EXPLAIN

// BEGIN/COMMIT/ROLLBACK run without a Connection (autocommit): the error saying so.
Status transaction_outside_connection(const TransactionStatement& statement);

// Whether `control` can be honoured with `options` (a time limit needs a clock).
Status check_execution_control(const EngineOptions& options, const ExecutionControl& control);
// The memory, time and cancellation limits of one statement.
QueryLimits query_limits(const EngineOptions& options, const ExecutionControl& control);

// One parsed statement on its own (autocommit): reads use Session::read_view(), writes are one
// Session::write() each. `guard` (may be null: no limits) must outlive the call.
// With `on_durable` (Engine::execute_deferred) a write goes through Session::write_deferred
// instead, and a statement that succeeds without one calls on_durable(OK) before returning: on
// success it is called exactly once, on an error never.
Result<QueryResult> execute_autocommit(Session& session, const Statement& statement, std::string_view sql,
                                       std::span<const kernel::Value> parameters, const AuditContext& audit,
                                       const EngineOptions& options, QueryGuard* guard,
                                       std::function<void(Status)> on_durable = {});

// SELECT or EXPLAIN against context.view; with `point_reads`, a primary-key point read is answered
// by one lookup (point_read.h). Inside a transaction context.view records the reads either way.
Result<QueryResult> run_read_statement(const Statement& statement, const PlannerContext& context, bool point_reads);
// INSERT, UPDATE, DELETE or DDL against context.view; nothing is committed.
Result<PlannedWrite> plan_write_statement(const Statement& statement, const PlannerContext& context);
// The result of a write: RETURNING rows, counts, tag, and the position when something was logged.
QueryResult write_result(PlannedWrite write, std::optional<kernel::Position> position);

}  // namespace kmb::sql::internal
