// SqlTarget: what the SQL shell and `kimberlite sql` run statements against — a tenant of a local
// data directory (TenantSqlTarget, here) or a server over the network (RemoteSqlTarget,
// remote_sql.h). The shell does not care which.
//
// Thread-safety: a target is used by one thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "db/database.h"
#include "sql/connection.h"
#include "sql/engine.h"

namespace kmb::cli {

class SqlTarget {
 public:
  virtual ~SqlTarget() = default;
  virtual Result<sql::QueryResult> execute(std::string_view statement, const sql::AuditContext& audit) = 0;
  // Names of the live tables, sorted case-insensitively.
  virtual Result<std::vector<std::string>> table_names() = 0;
  // The table as CREATE TABLE (and CREATE INDEX) statements; not_found if there is no such table.
  virtual Result<std::string> table_schema(std::string_view table) = 0;
  // The target's transaction state (BEGIN ... COMMIT spans execute() calls where supported).
  virtual bool in_transaction() const { return false; }
  virtual bool transaction_failed() const { return false; }
  // Rolls back a transaction left open; true if there was one.
  virtual bool rollback() { return false; }
};

// Statements run on one connection of the tenant (sql/connection.h), so transactions work.
class TenantSqlTarget final : public SqlTarget {
 public:
  explicit TenantSqlTarget(db::Tenant& tenant) : tenant_(tenant), connection_(tenant.connect()) {}
  Result<sql::QueryResult> execute(std::string_view statement, const sql::AuditContext& audit) override;
  Result<std::vector<std::string>> table_names() override;
  Result<std::string> table_schema(std::string_view table) override;
  bool in_transaction() const override { return connection_->in_transaction(); }
  bool transaction_failed() const override { return connection_->transaction_failed(); }
  bool rollback() override { return connection_->rollback(); }

 private:
  db::Tenant& tenant_;
  std::unique_ptr<sql::Connection> connection_;
};

}  // namespace kmb::cli
