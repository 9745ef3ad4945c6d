// The embedded API end to end: open a database, write with an audit context, read the present and
// the past, and read the audit trail. Run: build/bin/kimberlite-embedded-example DIR
#include <kimberlite/kimberlite.h>

#include <iostream>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: kimberlite-embedded-example DIR\n";
    return 2;
  }
  auto database = kimberlite::Database::open(argv[1]);
  if (!database.ok()) {
    std::cerr << database.status().to_string() << "\n";
    return 3;
  }
  kimberlite::Tenant* clinic = database.value()->tenant(1).value();
  kimberlite::AuditContext nurse{"nurse.jones", "admission"};
  kimberlite::AuditContext doctor{"dr.smith", "diagnosis"};
  auto check = [](const kimberlite::Result<kimberlite::QueryResult>& result) {
    if (!result.ok()) {
      std::cerr << "error: " << result.status().to_string() << "\n";
      std::exit(1);
    }
    return result.value();
  };
  check(clinic->execute("CREATE TABLE IF NOT EXISTS patients (id BIGINT PRIMARY KEY, name TEXT NOT NULL, status TEXT)",
                        {}, nurse));
  kimberlite::Value admit[] = {kimberlite::Value::integer(7), kimberlite::Value::text("Ada"),
                               kimberlite::Value::text("admitted")};
  kimberlite::QueryResult inserted = check(clinic->execute("INSERT INTO patients VALUES ($1, $2, $3)", admit, nurse));
  kimberlite::Value update[] = {kimberlite::Value::text("diagnosed"), kimberlite::Value::integer(7)};
  check(clinic->execute("UPDATE patients SET status = $1 WHERE id = $2", update, doctor));

  kimberlite::QueryResult now = check(clinic->execute("SELECT name, status FROM patients WHERE id = 7"));
  std::string past_sql = "SELECT name, status FROM patients AS OF POSITION " + std::to_string(*inserted.position) +
                         " WHERE id = 7";
  kimberlite::QueryResult past = check(clinic->execute(past_sql));
  std::cout << "now:  " << now.rows[0][0].as_string() << " is " << now.rows[0][1].as_string() << "\n";
  std::cout << "then: " << past.rows[0][0].as_string() << " was " << past.rows[0][1].as_string() << "\n";
  kimberlite::QueryResult audit =
      check(clinic->execute("SELECT position, actor, reason, operation FROM kmb_audit ORDER BY position"));
  for (const kimberlite::Row& row : audit.rows) {
    std::cout << "audit: " << kimberlite::to_string(row[0]) << " " << row[1].as_string() << " (" << row[2].as_string()
              << ") " << row[3].as_string() << "\n";
  }
  return now.rows[0][1].as_string() == "diagnosed" && past.rows[0][1].as_string() == "admitted" ? 0 : 1;
}
