// Kimberlite embedded C++ API.
//
//   #include <kimberlite/kimberlite.h>
//
//   auto db = kimberlite::Database::open("./data");            // Result<std::unique_ptr<Database>>
//   kimberlite::Tenant* clinic = db.value()->tenant(1).value();
//   kimberlite::AuditContext audit{"dr.smith", "annual check-up"};
//   clinic->execute("CREATE TABLE patients (id BIGINT PRIMARY KEY, name TEXT NOT NULL)");
//   kimberlite::Value params[] = {kimberlite::Value::integer(7), kimberlite::Value::text("Ada")};
//   clinic->execute("INSERT INTO patients VALUES ($1, $2)", params, audit);
//   auto result = clinic->execute("SELECT name FROM patients AS OF POSITION 1 WHERE id = $1", params);
//   for (const kimberlite::Row& row : result->rows) std::cout << row[0].as_string() << "\n";
//
//   std::unique_ptr<kimberlite::Connection> connection = clinic->connect();   // for transactions
//   connection->execute("BEGIN");
//   connection->execute("UPDATE accounts SET balance = balance - 10 WHERE id = 1", {}, audit);
//   connection->execute("UPDATE accounts SET balance = balance + 10 WHERE id = 2", {}, audit);
//   connection->execute("COMMIT", {}, audit);  // one log record; `aborted` on a conflict: retry
//
// Every call returns a Status or Result<T>: check ok(), read status().to_string() for the message.
// Every write is one record in the tenant's hash-chained log, carrying the actor and reason of its
// AuditContext and a timestamp chosen by the database. Database and Tenant are thread-safe.
#pragma once

#include "db/database.h"
#include "kimberlite/common.h"
#include "sql/engine.h"

namespace kimberlite {

using Position = kmb::kernel::Position;

using AuditContext = kmb::sql::AuditContext;
using QueryResult = kmb::sql::QueryResult;
using Connection = kmb::sql::Connection;

using Database = kmb::db::Database;
using DatabaseOptions = kmb::db::DatabaseOptions;
using Tenant = kmb::db::Tenant;
using TenantInfo = kmb::db::TenantInfo;
using TenantConfig = kmb::db::TenantConfig;
using TenantQuotas = kmb::db::TenantQuotas;

// Encryption at rest: set DatabaseOptions::master_key to encrypt tenants created from then on
// (Database::open(dir) also finds KIMBERLITE_MASTER_KEY or DIR/master.key by itself).
using MasterKeyProvider = kmb::db::MasterKeyProvider;
using kmb::db::create_master_key_file;
using kmb::db::load_master_key_file;
using kmb::db::master_key_from_environment;

// Text of any value as Kimberlite prints it ("NULL", "2024-01-15", ...).
inline std::string to_string(const Value& value) { return kmb::kernel::to_display(value); }

}  // namespace kimberlite
