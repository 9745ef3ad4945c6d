// The network client end to end: connect with an API key, write with an actor and a reason, read
// the present and the past, look at the catalog and verify the tenant's hash chain.
// Run against a server: build/bin/kimberlite-client-example HOST:PORT API_KEY
#include <kimberlite/client.h>

#include <cstdlib>
#include <iostream>

namespace {

template <typename T>
T check(kimberlite::Result<T> result, const char* what) {
  if (!result.ok()) {
    std::cerr << what << ": " << result.status().to_string() << "\n";
    std::exit(1);
  }
  return std::move(result).value();
}

void print(const kimberlite::QueryResponse& response) {
  for (const kimberlite::Row& row : response.rows) {
    for (std::size_t i = 0; i < row.size(); i++) std::cout << (i ? " | " : "") << kimberlite::to_display(row[i]);
    std::cout << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: kimberlite-client-example HOST:PORT API_KEY\n";
    return 2;
  }
  kimberlite::ClientOptions options;
  options.call_timeout_ms = 10'000;  // every call ends by then, with an answer or an error
  auto client = check(kimberlite::Client::connect(argv[1], argv[2], options), "connect");
  std::cout << "connected to tenant " << client->session().tenant_id << " as "
            << kimberlite::role_name(client->session().role) << "\n";

  kimberlite::Audit nurse{"nurse.jones", "admission"};
  check(client->execute("CREATE TABLE IF NOT EXISTS patients (id BIGINT PRIMARY KEY, name TEXT NOT NULL, status TEXT)",
                        {}, nurse),
        "create table");
  kimberlite::Value admit[] = {kimberlite::Value::integer(7), kimberlite::Value::text("Ada"),
                               kimberlite::Value::text("admitted")};
  auto admitted = check(client->execute("INSERT INTO patients VALUES ($1, $2, $3)", admit, nurse), "insert");
  std::cout << admitted.tag << " at log position " << admitted.position.value_or(0) << "\n";

  kimberlite::Value discharge[] = {kimberlite::Value::integer(7)};
  check(
      client->execute("UPDATE patients SET status = 'discharged' WHERE id = $1", discharge, {"dr.smith", "recovered"}),
      "update");

  std::cout << "now:\n";
  print(check(client->query("SELECT id, name, status FROM patients"), "query"));
  std::cout << "as of position " << admitted.position.value_or(0) << ":\n";
  print(check(client->query_as_of("SELECT id, name, status FROM patients",
                                  {kimberlite::AsOfKind::position, admitted.position.value_or(0)}),
              "query as of"));

  for (const auto& table : check(client->list_tables(), "list tables").tables) {
    std::cout << "table " << table.name << " (" << table.column_count << " columns)\n";
  }
  auto verified = check(client->verify_chain(), "verify");
  std::cout << "chain " << (verified.intact ? "intact" : "BROKEN") << ": " << verified.record_count << " records, head "
            << verified.head_hash << "\n";
  return verified.intact ? 0 : 1;
}
