// Engine::execute on a Connection: transaction control and the statements of an open transaction
// (connection.h describes the semantics, sql/transaction/transaction.h the mechanism).
#include "sql/connection.h"
#include "sql/engine.h"
#include "sql/engine_internal.h"
#include "sql/parser/parser.h"

namespace kmb::sql {

namespace {

std::string_view control_name(TransactionStatement::Kind kind) {
  switch (kind) {
    case TransactionStatement::Kind::begin:
      return "BEGIN";
    case TransactionStatement::Kind::commit:
      return "COMMIT";
    case TransactionStatement::Kind::rollback:
      return "ROLLBACK";
  }
  KMB_UNREACHABLE();
}

Status no_transaction(TransactionStatement::Kind kind) {
  return invalid_argument(std::string(control_name(kind)) + ": there is no transaction in progress");
}

QueryResult tag_only(std::string tag) {
  QueryResult result;
  result.tag = std::move(tag);
  return result;
}

}  // namespace

namespace internal {

Status transaction_outside_connection(const TransactionStatement& statement) {
  if (statement.kind == TransactionStatement::Kind::begin) {
    return invalid_argument(
        "BEGIN needs a connection: this interface runs every statement on its own (autocommit); open a connection "
        "(Tenant::connect()) to run a transaction");
  }
  return no_transaction(statement.kind);
}

}  // namespace internal

namespace {

// A statement other than transaction control, inside an open (not failed) transaction.
Result<QueryResult> execute_in_transaction(Transaction& transaction, Session& session, const Statement& statement,
                                           std::string_view sql, std::span<const kernel::Value> parameters,
                                           const EngineOptions& options, QueryGuard* guard) {
  if (internal::is_ddl_statement(statement)) {
    return invalid_argument(
        "CREATE, DROP and ALTER are not supported inside a transaction; run them outside BEGIN ... COMMIT");
  }
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<projection::ReadView> base, session.read_view());
  const TransactionReadView view = transaction.view(*base);
  const PlannerContext context{view,    parameters, options.result_rows_max,         {},
                               nullptr, true,       options.recursion_iterations_max, nullptr,
                               0,       guard};
  if (internal::is_read_statement(statement)) {
    return internal::run_read_statement(statement, context, options.point_reads);
  }
  KMB_ASSIGN_OR_RETURN(internal::PlannedWrite write, internal::plan_write_statement(statement, context));
  KMB_TRY(transaction.add_write(*base, sql, std::move(write.commands)));
  write.commands.clear();
  return internal::write_result(std::move(write), std::nullopt);
}

}  // namespace

Result<QueryResult> Engine::execute(Connection& connection, std::string_view sql,
                                    std::span<const kernel::Value> parameters, const AuditContext& audit,
                                    const ExecutionControl& control) const {
  std::optional<Transaction>& transaction = connection.transaction_;
  if (sql.size() > options_.statement_size_max_bytes) {
    Status status = resource_exhausted("statement is " + std::to_string(sql.size()) + " bytes; the limit is " +
                                       std::to_string(options_.statement_size_max_bytes));
    if (transaction && !transaction->failed()) transaction->fail(status);
    return status;
  }
  Result<std::shared_ptr<const Statement>> parsed = parse(sql);
  if (!parsed.ok()) {
    if (transaction && !transaction->failed()) transaction->fail(parsed.status());
    return parsed.status();
  }
  const Statement& statement = **parsed;
  if (const auto* control = std::get_if<TransactionStatement>(&statement.node)) {
    switch (control->kind) {
      case TransactionStatement::Kind::begin: {
        if (transaction) {
          return invalid_argument("BEGIN: a transaction is already in progress; COMMIT or ROLLBACK it first");
        }
        KMB_ASSIGN_OR_RETURN(std::unique_ptr<projection::ReadView> view, connection.session_.read_view());
        transaction.emplace(view->position(), connection.limits_);
        return tag_only("BEGIN");
      }
      case TransactionStatement::Kind::rollback:
        if (!transaction) return no_transaction(control->kind);
        transaction.reset();
        return tag_only("ROLLBACK");
      case TransactionStatement::Kind::commit:
        break;
    }
    if (!transaction) return no_transaction(control->kind);
    const Transaction ending = std::move(*transaction);
    transaction.reset();  // whatever happens next, the transaction is over
    if (ending.failed()) {
      return aborted("the transaction was rolled back because a statement in it failed: " + ending.failure().message());
    }
    QueryResult result = tag_only("COMMIT");
    if (!ending.has_writes()) return result;
    Result<CommitResult> commit = connection.session_.write(
        [&ending](const projection::ReadView& latest) { return ending.commit_record(latest); }, audit);
    if (!commit.ok()) {
      if (commit.status().code() == StatusCode::aborted) return commit.status();
      return Status(commit.status().code(),
                    "COMMIT failed and the transaction was rolled back: " + commit.status().message());
    }
    result.position = commit->position;
    return result;
  }
  if (transaction && transaction->failed()) {
    return aborted("current transaction is aborted, commands ignored until end of transaction block");
  }
  if (Status usable = internal::check_execution_control(options_, control); !usable.ok()) {
    if (transaction) transaction->fail(usable);
    return usable;
  }
  // Declared before any plan: plans hold reservations against it until they are destroyed.
  QueryGuard guard(internal::query_limits(options_, control));
  if (!transaction) {
    return internal::execute_autocommit(connection.session_, statement, sql, parameters, audit, options_, &guard);
  }
  Result<QueryResult> result =
      execute_in_transaction(*transaction, connection.session_, statement, sql, parameters, options_, &guard);
  if (!result.ok()) transaction->fail(result.status());
  return result;
}

}  // namespace kmb::sql
