// The Kimberlite peer: the embedded engine (db::Database) on real files. Every write is one record
// of the tenant's hash-chained log carrying its actor and reason; a 1000-row batch is one
// multi-row INSERT statement, hence one record. Past states and history come from the log itself
// (AS OF POSITION, FOR SYSTEM_TIME ALL); verification is log::verify_partition over the whole log.
#include <algorithm>
#include <array>
#include <string>

#include "peer.h"
#include "db/database.h"
#include "io/posix_storage.h"
#include "log/verify.h"

namespace kmb::bench {
namespace {

constexpr std::uint64_t tenant_id = 1;

const sql::AuditContext& bench_audit() {
  static const sql::AuditContext audit{bench_actor, bench_reason, 1};
  return audit;
}

class KimberliteSession final : public Session {
 public:
  KimberliteSession(db::Tenant& tenant, const std::string& past_select) : tenant_(tenant), past_select_(past_select) {}

  Status insert_one(std::int64_t id) override {
    kernel::Value parameters[] = {kernel::Value::integer(id), kernel::Value::text("owner"), kernel::Value::integer(1)};
    return tenant_.execute("INSERT INTO accounts VALUES ($1, $2, $3)", parameters, bench_audit()).status();
  }

  Status insert_batch(std::int64_t first_id) override {
    return tenant_.execute(kimberlite_batch_insert_sql(first_id, 1), {}, bench_audit()).status();
  }

  Status read_current(std::int64_t id) override {
    kernel::Value parameters[] = {kernel::Value::integer(id)};
    return check_balance(tenant_.execute("SELECT owner, balance FROM accounts WHERE id = $1", parameters),
                         balance_current);
  }

  Status read_past(std::int64_t id) override {
    kernel::Value parameters[] = {kernel::Value::integer(id)};
    return check_balance(tenant_.execute(past_select_, parameters), balance_loaded);
  }

  Status read_history(std::int64_t id) override {
    kernel::Value parameters[] = {kernel::Value::integer(id)};
    Result<sql::QueryResult> result = tenant_.execute(
        "SELECT id, owner, balance, _position, _timestamp, _actor, _reason, _operation "
        "FROM accounts FOR SYSTEM_TIME ALL WHERE id = $1",
        parameters);
    if (!result.ok()) return result.status();
    if (result->rows.size() != versions_per_loaded_row) return internal_error("expected 3 versions");
    return Status();
  }

 private:
  db::Tenant& tenant_;
  const std::string& past_select_;
};

class KimberlitePeer final : public Peer {
 public:
  KimberlitePeer(std::string directory, std::unique_ptr<db::Database> database, db::Tenant& tenant)
      : directory_(std::move(directory)), database_(std::move(database)), tenant_(tenant) {}

  std::string name() const override { return "Kimberlite"; }
  std::string version() const override { return "embedded (this tree)"; }

  Status load(std::int64_t rows) override {
    KMB_TRY(tenant_.execute("CREATE TABLE accounts (id BIGINT PRIMARY KEY, owner TEXT NOT NULL, balance BIGINT)", {},
                            bench_audit())
                .status());
    for (std::int64_t first = 0; first < rows; first += batch_rows) {
      KMB_TRY(tenant_.execute(kimberlite_batch_insert_sql(first, balance_loaded), {}, bench_audit()).status());
    }
    KMB_ASSIGN_OR_RETURN(
        std::uint64_t past,
        kimberlite_load_updates(rows, [&](const std::string& sql, std::span<const kernel::Value> parameters)
                                          -> Result<std::optional<std::uint64_t>> {
          KMB_ASSIGN_OR_RETURN(sql::QueryResult result, tenant_.execute(sql, parameters, bench_audit()));
          return result.position;
        }));
    past_select_ = "SELECT owner, balance FROM accounts AS OF POSITION " + std::to_string(past) + " WHERE id = $1";
    return Status();
  }

  Result<std::unique_ptr<Session>> connect() override {
    return std::unique_ptr<Session>(std::make_unique<KimberliteSession>(tenant_, past_select_));
  }

  Result<VerifyOutcome> verify() override {
    io::PosixStorage storage;
    Result<log::VerifyReport> report =
        log::verify_partition(storage, directory_ + "/tenants/" + std::to_string(tenant_id) + "/log");
    if (!report.ok()) return report.status();
    if (!report->intact()) return corruption("verify: " + report->problem->reason);
    VerifyOutcome outcome;
    outcome.detail = "log::verify_partition: " + std::to_string(report->record_count) + " records, " +
                     std::to_string(report->byte_count) + " bytes (CRC32C + SHA-256 chain of every record)";
    return outcome;
  }

 private:
  std::string directory_;
  std::unique_ptr<db::Database> database_;
  db::Tenant& tenant_;
  std::string past_select_;
};

}  // namespace

std::string kimberlite_batch_insert_sql(std::int64_t first_id, std::int64_t balance) {
  std::string sql = "INSERT INTO accounts VALUES ";
  sql.reserve(batch_rows * 32);
  for (std::int64_t id = first_id; id < first_id + batch_rows; id++) {
    if (id != first_id) sql += ", ";
    // Appended piece by piece: g++ 12 warns (-Wrestrict, falsely) on chains of operator+.
    sql += '(';
    sql += std::to_string(id);
    sql += ", 'owner ";
    sql += std::to_string(id);
    sql += "', ";
    sql += std::to_string(balance);
    sql += ')';
  }
  return sql;
}

Result<std::uint64_t> kimberlite_load_updates(std::int64_t rows, const KimberliteExecute& execute) {
  std::optional<std::uint64_t> first_position;
  for (const char* assignment : {"balance = 200", "balance = balance + 1"}) {
    const std::string sql = std::string("UPDATE accounts SET ") + assignment + " WHERE id >= $1 AND id < $2";
    for (std::int64_t first = 0; first < rows; first += kimberlite_update_rows) {
      const kernel::Value range[] = {kernel::Value::integer(first),
                                     kernel::Value::integer(std::min(rows, first + kimberlite_update_rows))};
      KMB_ASSIGN_OR_RETURN(std::optional<std::uint64_t> position, execute(sql, range));
      if (!position) return internal_error("an update of the load wrote nothing");
      if (!first_position) first_position = position;
    }
  }
  if (!first_position || *first_position == 0) return internal_error("the load wrote no updates");
  return *first_position - 1;
}

Result<std::unique_ptr<Peer>> make_kimberlite_peer(const std::string& directory) {
  Result<std::unique_ptr<db::Database>> database = db::Database::open(directory);
  if (!database.ok()) return database.status();
  Result<db::Tenant*> tenant = (*database)->tenant(tenant_id);
  if (!tenant.ok()) return tenant.status();
  return std::unique_ptr<Peer>(std::make_unique<KimberlitePeer>(directory, std::move(database).value(), **tenant));
}

}  // namespace kmb::bench
