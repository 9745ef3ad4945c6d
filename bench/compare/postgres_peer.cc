// The PostgreSQL peer: "the traditional database + audit table". An AFTER ROW trigger writes every
// change of `accounts` to `audit_log` with its actor and reason (columns the application sets on
// every write) and a SHA-256 hash chain (pgcrypto digest): each entry's hash covers the previous
// entry's hash and the entry's content. The chain head lives in a one-row table that the trigger
// locks (SELECT ... FOR UPDATE) until commit — a linear chain needs one writer at a time. Past
// states and history are reconstructed from audit_log through an index on (table, row, seq);
// verification recomputes every hash in SQL and compares it with the stored one.
//
// Durability as configured by scripts/bench-compare.sh: fsync=on, synchronous_commit=on.
#include <libpq-fe.h>

#include <string>

#include "peer.h"

namespace kmb::bench {
namespace {

constexpr const char* schema_sql = R"sql(
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE TABLE accounts (
  id bigint PRIMARY KEY, owner text NOT NULL, balance bigint,
  modified_by text NOT NULL, modified_reason text NOT NULL);
CREATE TABLE audit_log (
  seq bigint PRIMARY KEY, table_name text NOT NULL, operation text NOT NULL, row_id bigint NOT NULL,
  row_data jsonb NOT NULL, actor text NOT NULL, reason text NOT NULL, changed_at timestamptz NOT NULL,
  prev_hash bytea NOT NULL, hash bytea NOT NULL);
CREATE INDEX audit_log_row ON audit_log (table_name, row_id, seq);
CREATE TABLE audit_head (id int PRIMARY KEY, seq bigint NOT NULL, hash bytea NOT NULL);
INSERT INTO audit_head VALUES (1, 0, decode(repeat('00', 32), 'hex'));
CREATE FUNCTION audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r accounts;
  s bigint;
  prev bytea;
  next bytea;
  ts timestamptz := clock_timestamp();
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  SELECT seq, hash INTO s, prev FROM audit_head WHERE id = 1 FOR UPDATE;
  s := s + 1;
  next := digest(prev || convert_to(s || '|' || TG_TABLE_NAME || '|' || TG_OP || '|' || r.id || '|' ||
                 to_jsonb(r)::text || '|' || r.modified_by || '|' || r.modified_reason || '|' || ts, 'UTF8'),
                 'sha256');
  INSERT INTO audit_log VALUES (s, TG_TABLE_NAME, TG_OP, r.id, to_jsonb(r), r.modified_by, r.modified_reason, ts,
                                prev, next);
  UPDATE audit_head SET seq = s, hash = next WHERE id = 1;
  RETURN NULL;
END $$;
CREATE TRIGGER accounts_audit AFTER INSERT OR UPDATE OR DELETE ON accounts
  FOR EACH ROW EXECUTE FUNCTION audit_change();
)sql";

// Recomputes every entry's hash from its predecessor's stored hash and its content, in seq order.
constexpr const char* verify_sql = R"sql(
SELECT count(*),
       count(*) FILTER (WHERE hash IS DISTINCT FROM expected OR prev_hash IS DISTINCT FROM prev_expected)
FROM (SELECT hash, prev_hash, prev_expected,
             digest(prev_expected || convert_to(seq || '|' || table_name || '|' || operation || '|' || row_id ||
                    '|' || row_data::text || '|' || actor || '|' || reason || '|' || changed_at, 'UTF8'),
                    'sha256') AS expected
      FROM (SELECT *, coalesce(lag(hash) OVER (ORDER BY seq), decode(repeat('00', 32), 'hex')) AS prev_expected
            FROM audit_log) chained) checked
)sql";

std::string batch_insert_sql(std::int64_t first_id, std::int64_t balance) {
  std::string sql = "INSERT INTO accounts VALUES ";
  for (std::int64_t id = first_id; id < first_id + batch_rows; id++) {
    if (id != first_id) sql += ", ";
    // Appended piece by piece: g++ 12 warns (-Wrestrict, falsely) on chains of operator+.
    sql += '(';
    sql += std::to_string(id);
    sql += ", 'owner ";
    sql += std::to_string(id);
    sql += "', ";
    sql += std::to_string(balance);
    sql += ", '";
    sql += bench_actor;
    sql += "', '";
    sql += bench_reason;
    sql += "')";
  }
  return sql;
}

// Owns one connection.
class Connection {
 public:
  explicit Connection(PGconn* connection) : connection_(connection) {}
  ~Connection() { PQfinish(connection_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  PGconn* get() const { return connection_; }

 private:
  PGconn* connection_;
};

// Owns one result; ok() when its status is one of the successful ones.
class Reply {
 public:
  explicit Reply(PGresult* result) : result_(result) {}
  ~Reply() { PQclear(result_); }
  Reply(const Reply&) = delete;
  Reply& operator=(const Reply&) = delete;
  Status status(PGconn* connection) const {
    ExecStatusType code = PQresultStatus(result_);
    if (code == PGRES_COMMAND_OK || code == PGRES_TUPLES_OK) return Status();
    return internal_error(std::string("postgres: ") + PQerrorMessage(connection));
  }
  int rows() const { return PQntuples(result_); }
  std::string text(int row, int column) const { return PQgetvalue(result_, row, column); }

 private:
  PGresult* result_;
};

Result<std::unique_ptr<Connection>> open_connection(const std::string& conninfo) {
  auto connection = std::make_unique<Connection>(PQconnectdb(conninfo.c_str()));
  if (PQstatus(connection->get()) != CONNECTION_OK) {
    return failed_precondition(std::string("postgres: ") + PQerrorMessage(connection->get()));
  }
  return connection;
}

Status run(PGconn* connection, const char* sql) { return Reply(PQexec(connection, sql)).status(connection); }

class PostgresSession final : public Session {
 public:
  PostgresSession(std::unique_ptr<Connection> connection, std::int64_t past_seq)
      : connection_(std::move(connection)), past_seq_(std::to_string(past_seq)) {}

  Status prepare() {
    PGconn* c = connection_->get();
    const char* statements[][2] = {
        {"insert_one", "INSERT INTO accounts VALUES ($1, 'owner', 1, $2, $3)"},
        {"read_current", "SELECT owner, balance FROM accounts WHERE id = $1"},
        {"read_past",
         "SELECT operation, (row_data->>'balance')::bigint FROM audit_log "
         "WHERE table_name = 'accounts' AND row_id = $1 AND seq <= $2 ORDER BY seq DESC LIMIT 1"},
        {"read_history",
         "SELECT seq, operation, row_data, actor, reason, changed_at FROM audit_log "
         "WHERE table_name = 'accounts' AND row_id = $1 ORDER BY seq"},
    };
    for (const auto& [name, sql] : statements) {
      KMB_TRY(Reply(PQprepare(c, name, sql, 0, nullptr)).status(c));
    }
    return Status();
  }

  Status insert_one(std::int64_t id) override {
    std::string id_text = std::to_string(id);
    const char* values[] = {id_text.c_str(), bench_actor, bench_reason};
    return execute("insert_one", 3, values).status(connection_->get());
  }

  Status insert_batch(std::int64_t first_id) override {
    return run(connection_->get(), batch_insert_sql(first_id, 1).c_str());
  }

  Status read_current(std::int64_t id) override {
    std::string id_text = std::to_string(id);
    const char* values[] = {id_text.c_str()};
    return check_one(execute("read_current", 1, values), 1, balance_current);
  }

  Status read_past(std::int64_t id) override {
    std::string id_text = std::to_string(id);
    const char* values[] = {id_text.c_str(), past_seq_.c_str()};
    Reply reply = execute("read_past", 2, values);
    KMB_TRY(check_one(reply, 1, balance_loaded));
    if (reply.text(0, 0) == "DELETE") return internal_error("row deleted in the past");
    return Status();
  }

  Status read_history(std::int64_t id) override {
    std::string id_text = std::to_string(id);
    const char* values[] = {id_text.c_str()};
    Reply reply = execute("read_history", 1, values);
    KMB_TRY(reply.status(connection_->get()));
    if (reply.rows() != versions_per_loaded_row) return internal_error("expected 3 versions");
    return Status();
  }

 private:
  Reply execute(const char* name, int count, const char* const* values) {
    return Reply(PQexecPrepared(connection_->get(), name, count, values, nullptr, nullptr, 0));
  }

  Status check_one(const Reply& reply, int balance_column, std::int64_t expected) {
    KMB_TRY(reply.status(connection_->get()));
    if (reply.rows() != 1) return internal_error("expected 1 row");
    if (std::stoll(reply.text(0, balance_column)) != expected) return internal_error("unexpected balance");
    return Status();
  }

  std::unique_ptr<Connection> connection_;
  std::string past_seq_;
};

class PostgresPeer final : public Peer {
 public:
  PostgresPeer(std::string conninfo, std::unique_ptr<Connection> admin)
      : conninfo_(std::move(conninfo)), admin_(std::move(admin)) {}

  std::string name() const override { return "PostgreSQL+trigger"; }
  std::string version() const override {
    Reply reply(PQexec(admin_->get(), "SELECT version()"));
    return reply.status(admin_->get()).ok() && reply.rows() == 1 ? reply.text(0, 0) : "unknown";
  }

  Status load(std::int64_t rows) override {
    PGconn* c = admin_->get();
    KMB_TRY(run(c, schema_sql));
    for (std::int64_t first = 0; first < rows; first += batch_rows) {
      KMB_TRY(run(c, batch_insert_sql(first, balance_loaded).c_str()));
    }
    Reply head(PQexec(c, "SELECT seq FROM audit_head"));
    KMB_TRY(head.status(c));
    past_seq_ = std::stoll(head.text(0, 0));
    // The updates run in 1000-row transactions: one transaction updating every row would make each
    // trigger call walk the chain head's ever longer list of dead versions (quadratic load time).
    for (const char* set : {"balance = 200", "balance = balance + 1"}) {
      for (std::int64_t first = 0; first < rows; first += batch_rows) {
        std::string sql = "UPDATE accounts SET ";
        sql += set;
        sql += " WHERE id >= ";
        sql += std::to_string(first);
        sql += " AND id < ";
        sql += std::to_string(first + batch_rows);
        KMB_TRY(run(c, sql.c_str()));
      }
    }
    return run(c, "VACUUM ANALYZE");
  }

  Result<std::unique_ptr<Session>> connect() override {
    KMB_ASSIGN_OR_RETURN(std::unique_ptr<Connection> connection, open_connection(conninfo_));
    auto session = std::make_unique<PostgresSession>(std::move(connection), past_seq_);
    KMB_TRY(session->prepare());
    return std::unique_ptr<Session>(std::move(session));
  }

  Result<VerifyOutcome> verify() override {
    PGconn* c = admin_->get();
    Reply reply(PQexec(c, verify_sql));
    KMB_TRY(reply.status(c));
    if (reply.text(0, 1) != "0") return corruption("postgres: " + reply.text(0, 1) + " audit entries fail the chain");
    VerifyOutcome outcome;
    outcome.changes = std::stoull(reply.text(0, 0));
    outcome.detail = "SQL recomputing the SHA-256 chain of " + reply.text(0, 0) + " audit_log rows";
    return outcome;
  }

 private:
  std::string conninfo_;
  std::unique_ptr<Connection> admin_;
  std::int64_t past_seq_ = 0;
};

}  // namespace

Result<std::unique_ptr<Peer>> make_postgres_peer(const std::string& conninfo) {
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<Connection> admin, open_connection(conninfo));
  KMB_TRY(run(admin->get(), "SET client_min_messages = warning"));
  return std::unique_ptr<Peer>(std::make_unique<PostgresPeer>(conninfo, std::move(admin)));
}

}  // namespace kmb::bench
