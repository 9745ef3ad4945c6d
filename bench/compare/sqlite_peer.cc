// The SQLite peer: WAL journal, synchronous=FULL, one connection per session, with AFTER triggers
// writing every change of `accounts` (and the actor and reason the application stores on the row)
// to `audit_log`. SQLite has no SHA-256 in its SQL, so this audit table has no hash chain:
// tampering is not evident, and "verification" is only PRAGMA integrity_check (the b-trees are
// well formed), which the report says.
#include <sqlite3.h>

#include <string>

#include "peer.h"

namespace kmb::bench {
namespace {

constexpr const char* schema_sql = R"sql(
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY, owner TEXT NOT NULL, balance INTEGER,
  modified_by TEXT NOT NULL, modified_reason TEXT NOT NULL);
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY, table_name TEXT NOT NULL, operation TEXT NOT NULL, row_id INTEGER NOT NULL,
  owner TEXT, balance INTEGER, actor TEXT NOT NULL, reason TEXT NOT NULL, changed_at TEXT NOT NULL);
CREATE INDEX audit_log_row ON audit_log (table_name, row_id, seq);
CREATE TRIGGER accounts_insert AFTER INSERT ON accounts BEGIN
  INSERT INTO audit_log (table_name, operation, row_id, owner, balance, actor, reason, changed_at)
  VALUES ('accounts', 'INSERT', NEW.id, NEW.owner, NEW.balance, NEW.modified_by, NEW.modified_reason,
          strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
CREATE TRIGGER accounts_update AFTER UPDATE ON accounts BEGIN
  INSERT INTO audit_log (table_name, operation, row_id, owner, balance, actor, reason, changed_at)
  VALUES ('accounts', 'UPDATE', NEW.id, NEW.owner, NEW.balance, NEW.modified_by, NEW.modified_reason,
          strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
CREATE TRIGGER accounts_delete AFTER DELETE ON accounts BEGIN
  INSERT INTO audit_log (table_name, operation, row_id, owner, balance, actor, reason, changed_at)
  VALUES ('accounts', 'DELETE', OLD.id, OLD.owner, OLD.balance, OLD.modified_by, OLD.modified_reason,
          strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
)sql";

// Owns one prepared statement.
class Statement {
 public:
  Statement() = default;
  ~Statement() { sqlite3_finalize(statement_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  sqlite3_stmt** out() { return &statement_; }
  sqlite3_stmt* get() const { return statement_; }

 private:
  sqlite3_stmt* statement_ = nullptr;
};

// Owns one connection.
class Connection {
 public:
  Connection() = default;
  ~Connection() { sqlite3_close(db_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  sqlite3** out() { return &db_; }
  sqlite3* get() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

Status sqlite_error(sqlite3* db) { return internal_error(std::string("sqlite: ") + sqlite3_errmsg(db)); }

Status run(sqlite3* db, const char* sql) {
  return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK ? Status() : sqlite_error(db);
}

Result<std::unique_ptr<Connection>> open_connection(const std::string& path) {
  auto connection = std::make_unique<Connection>();
  if (sqlite3_open(path.c_str(), connection->out()) != SQLITE_OK) return sqlite_error(connection->get());
  // Writers wait for each other instead of failing with SQLITE_BUSY.
  sqlite3_busy_timeout(connection->get(), 60'000);
  KMB_TRY(run(connection->get(), "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"));
  return connection;
}

class SqliteSession final : public Session {
 public:
  SqliteSession(std::unique_ptr<Connection> connection, std::int64_t past_seq)
      : connection_(std::move(connection)), past_seq_(past_seq) {}

  Status prepare() {
    const std::pair<Statement*, const char*> statements[] = {
        {&insert_, "INSERT INTO accounts VALUES (?, 'owner', 1, ?, ?)"},
        {&read_current_, "SELECT owner, balance FROM accounts WHERE id = ?"},
        {&read_past_,
         "SELECT operation, balance FROM audit_log WHERE table_name = 'accounts' AND row_id = ? AND seq <= ? "
         "ORDER BY seq DESC LIMIT 1"},
        {&read_history_,
         "SELECT seq, operation, owner, balance, actor, reason, changed_at FROM audit_log "
         "WHERE table_name = 'accounts' AND row_id = ? ORDER BY seq"},
    };
    for (const auto& [statement, sql] : statements) {
      if (sqlite3_prepare_v2(db(), sql, -1, statement->out(), nullptr) != SQLITE_OK) return sqlite_error(db());
    }
    return Status();
  }

  Status insert_one(std::int64_t id) override { return insert(id); }

  Status insert_batch(std::int64_t first_id) override {
    KMB_TRY(run(db(), "BEGIN IMMEDIATE"));
    for (std::int64_t id = first_id; id < first_id + batch_rows; id++) {
      Status status = insert(id);
      if (!status.ok()) {
        (void)run(db(), "ROLLBACK");
        return status;
      }
    }
    return run(db(), "COMMIT");
  }

  Status read_current(std::int64_t id) override {
    sqlite3_bind_int64(read_current_.get(), 1, id);
    return check_one(read_current_.get(), balance_current);
  }

  Status read_past(std::int64_t id) override {
    sqlite3_bind_int64(read_past_.get(), 1, id);
    sqlite3_bind_int64(read_past_.get(), 2, past_seq_);
    return check_one(read_past_.get(), balance_loaded);
  }

  Status read_history(std::int64_t id) override {
    sqlite3_stmt* statement = read_history_.get();
    sqlite3_bind_int64(statement, 1, id);
    std::int64_t versions = 0;
    int code = SQLITE_ROW;
    while ((code = sqlite3_step(statement)) == SQLITE_ROW) versions++;
    sqlite3_reset(statement);
    if (code != SQLITE_DONE) return sqlite_error(db());
    if (versions != versions_per_loaded_row) return internal_error("expected 3 versions");
    return Status();
  }

 private:
  sqlite3* db() const { return connection_->get(); }

  Status insert(std::int64_t id) {
    sqlite3_stmt* statement = insert_.get();
    sqlite3_bind_int64(statement, 1, id);
    sqlite3_bind_text(statement, 2, bench_actor, -1, SQLITE_STATIC);
    sqlite3_bind_text(statement, 3, bench_reason, -1, SQLITE_STATIC);
    int code = sqlite3_step(statement);
    sqlite3_reset(statement);
    return code == SQLITE_DONE ? Status() : sqlite_error(db());
  }

  Status check_one(sqlite3_stmt* statement, std::int64_t expected) {
    int code = sqlite3_step(statement);
    if (code != SQLITE_ROW) {
      sqlite3_reset(statement);
      return code == SQLITE_DONE ? internal_error("row not found") : sqlite_error(db());
    }
    std::int64_t balance = sqlite3_column_int64(statement, 1);
    sqlite3_reset(statement);
    return balance == expected ? Status() : internal_error("unexpected balance");
  }

  std::unique_ptr<Connection> connection_;
  std::int64_t past_seq_;
  Statement insert_;
  Statement read_current_;
  Statement read_past_;
  Statement read_history_;
};

class SqlitePeer final : public Peer {
 public:
  SqlitePeer(std::string path, std::unique_ptr<Connection> admin) : path_(std::move(path)), admin_(std::move(admin)) {}

  std::string name() const override { return "SQLite+trigger"; }
  std::string version() const override { return std::string("SQLite ") + sqlite3_libversion(); }

  Status load(std::int64_t rows) override {
    sqlite3* db = admin_->get();
    KMB_TRY(run(db, schema_sql));
    std::string values = std::string("'owner', ") + std::to_string(balance_loaded) + ", '" + bench_actor + "', '" + bench_reason + "'";
    for (std::int64_t first = 0; first < rows; first += batch_rows) {
      std::string sql = "INSERT INTO accounts VALUES ";
      for (std::int64_t id = first; id < first + batch_rows; id++) {
        sql += id == first ? "(" : ", (";
        sql += std::to_string(id);
        sql += ", ";
        sql += values;
        sql += ')';
      }
      KMB_TRY(run(db, sql.c_str()));
    }
    Statement head;
    if (sqlite3_prepare_v2(db, "SELECT max(seq) FROM audit_log", -1, head.out(), nullptr) != SQLITE_OK ||
        sqlite3_step(head.get()) != SQLITE_ROW) {
      return sqlite_error(db);
    }
    past_seq_ = sqlite3_column_int64(head.get(), 0);  // the audit entry of the last insert
    std::string limit = std::to_string(rows);
    KMB_TRY(run(db, ("UPDATE accounts SET balance = 200 WHERE id < " + limit).c_str()));
    KMB_TRY(run(db, ("UPDATE accounts SET balance = balance + 1 WHERE id < " + limit).c_str()));
    return run(db, "ANALYZE");
  }

  Result<std::unique_ptr<Session>> connect() override {
    KMB_ASSIGN_OR_RETURN(std::unique_ptr<Connection> connection, open_connection(path_));
    auto session = std::make_unique<SqliteSession>(std::move(connection), past_seq_);
    KMB_TRY(session->prepare());
    return std::unique_ptr<Session>(std::move(session));
  }

  Result<VerifyOutcome> verify() override {
    sqlite3* db = admin_->get();
    Statement check;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, check.out(), nullptr) != SQLITE_OK) {
      return sqlite_error(db);
    }
    if (sqlite3_step(check.get()) != SQLITE_ROW) return sqlite_error(db);
    std::string verdict = reinterpret_cast<const char*>(sqlite3_column_text(check.get(), 0));
    if (verdict != "ok") return corruption("sqlite: integrity_check: " + verdict);
    VerifyOutcome outcome;
    outcome.detail = "PRAGMA integrity_check (b-tree structure only: no hash chain, tampering is not evident)";
    return outcome;
  }

 private:
  std::string path_;
  std::unique_ptr<Connection> admin_;
  std::int64_t past_seq_ = 0;
};

}  // namespace

Result<std::unique_ptr<Peer>> make_sqlite_peer(const std::string& directory) {
  std::string path = directory + "/bench.db";
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<Connection> admin, open_connection(path));
  return std::unique_ptr<Peer>(std::make_unique<SqlitePeer>(path, std::move(admin)));
}

}  // namespace kmb::bench
