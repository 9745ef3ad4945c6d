// Connection: one client's conversation with a tenant — the place where a transaction lives
// between statements. Statements run one at a time; outside a transaction each is its own
// (autocommit) commit, as with Engine::execute(Session&, ...).
//
//   BEGIN | START TRANSACTION        opens a transaction (snapshot: the newest durable position)
//   COMMIT | END                     commits all its writes as ONE log record, or fails with
//                                    `aborted` ("could not serialize ...; retry the transaction")
//   ROLLBACK | ABORT                 discards it
//
// Semantics (transaction.h has the mechanism): reads see the snapshot plus the transaction's own
// writes; time travel works (positions up to the snapshot); COMMIT is serializable — it fails if
// anything the transaction read or wrote changed after its snapshot, so no update is lost. After a
// statement error the transaction is failed: other statements get "current transaction is aborted,
// commands ignored until end of transaction block" and COMMIT rolls back (and says so, `aborted`).
// BEGIN inside a transaction and COMMIT/ROLLBACK outside one are errors (invalid_argument) that
// leave the connection's state as it was. DDL inside a transaction is refused (and fails it).
// Destroying a connection with an open transaction rolls it back.
//
// Thread-safety: one thread at a time. Many connections may share a tenant (and an Engine).
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "base/status.h"
#include "kernel/value.h"
#include "sql/engine.h"
#include "sql/session.h"
#include "sql/transaction/transaction.h"

namespace kmb::sql {

class Connection {
 public:
  // `engine` and `session` must outlive the connection.
  Connection(const Engine& engine, Session& session, const TransactionLimits& limits = {})
      : engine_(engine), session_(session), limits_(limits) {}
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Executes one statement (see Engine::execute).
  Result<QueryResult> execute(std::string_view sql, std::span<const kernel::Value> parameters = {},
                              const AuditContext& audit = {}) {
    return engine_.execute(*this, sql, parameters, audit);
  }

  bool in_transaction() const { return transaction_.has_value(); }
  bool transaction_failed() const { return transaction_.has_value() && transaction_->failed(); }
  // Ends an open transaction without committing anything; false when none was open.
  bool rollback() {
    const bool open = transaction_.has_value();
    transaction_.reset();
    return open;
  }

 private:
  friend class Engine;

  const Engine& engine_;
  Session& session_;
  TransactionLimits limits_;
  std::optional<Transaction> transaction_;
};

}  // namespace kmb::sql
