#include "cli/remote_sql.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

namespace kmb::cli {

void add_remote_options(CLI::App& command, RemoteArguments& arguments, bool with_address) {
  if (with_address) {
    command.add_option("--address", arguments.address, "server address HOST:PORT (default port 7447)");
  }
  command.add_option("--api-key", arguments.api_key, "API key (default: $KIMBERLITE_API_KEY)");
  command.add_flag("--tls", arguments.tls, "connect with TLS (server verified with the system's CAs)");
  command.add_option("--tls-ca", arguments.tls_ca, "PEM CA to verify the server with (implies --tls)");
  command.add_option("--tls-cert", arguments.tls_cert, "PEM client certificate (implies --tls)");
  command.add_option("--tls-key", arguments.tls_key, "PEM key of --tls-cert");
}

Result<std::string> resolve_api_key(const RemoteArguments& arguments) {
  std::string key = arguments.api_key;
  if (key.empty()) {
    // The key may come from the environment, to keep it out of shell history and process lists.
    const std::string variable(api_key_environment_variable);
    const char* from_environment = std::getenv(variable.c_str());  // os-access-ok: see above
    if (from_environment != nullptr) key = from_environment;
  }
  if (key.empty()) return invalid_argument("no API key: pass --api-key or set KIMBERLITE_API_KEY");
  return key;
}

client::TlsOptions tls_options(const RemoteArguments& arguments) {
  client::TlsOptions tls;
  tls.enabled = arguments.tls || !arguments.tls_ca.empty() || !arguments.tls_cert.empty();
  tls.ca_file = arguments.tls_ca;
  tls.certificate_file = arguments.tls_cert;
  tls.private_key_file = arguments.tls_key;
  return tls;
}

Result<std::unique_ptr<client::Client>> connect_remote(const RemoteArguments& arguments) {
  KMB_ASSIGN_OR_RETURN(std::string key, resolve_api_key(arguments));
  client::ClientOptions options;
  options.tls = tls_options(arguments);
  options.client_name = "kimberlite-cli";
  return client::Client::connect(arguments.address, key, options);
}

bool RemoteSqlTarget::rollback() {
  if (!client_.in_transaction()) return false;
  (void)client_.execute("ROLLBACK");  // closing the connection would roll it back as well
  return true;
}

Result<sql::QueryResult> RemoteSqlTarget::execute(std::string_view statement, const sql::AuditContext& audit) {
  KMB_ASSIGN_OR_RETURN(protocol::ExecuteResponse response,
                       client_.execute(statement, {}, client::Audit{audit.actor, audit.reason}));
  sql::QueryResult result;
  result.columns = std::move(response.columns);
  result.types = std::move(response.types);
  result.rows = std::move(response.rows);
  result.rows_affected = response.rows_affected;
  result.position = response.position;
  result.tag = std::move(response.tag);
  return result;
}

Result<std::vector<std::string>> RemoteSqlTarget::table_names() {
  KMB_ASSIGN_OR_RETURN(protocol::ListTablesResponse response, client_.list_tables());
  std::vector<std::string> names;
  for (const protocol::TableSummary& table : response.tables) names.push_back(table.name);
  std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                        [](char x, char y) { return std::tolower(x) < std::tolower(y); });
  });
  return names;
}

// The same shape as schema_text.h's describe_table, from what the protocol carries (it has no
// column defaults or DECIMAL precision, so those are not shown).
Result<std::string> RemoteSqlTarget::table_schema(std::string_view table) {
  KMB_ASSIGN_OR_RETURN(protocol::DescribeTableResponse response, client_.describe_table(table));
  std::vector<std::string> lines;
  std::vector<std::string> key;
  for (const protocol::ColumnInfo& column : response.columns) {
    std::string line = fmt::format("  {} {}", column.name, kernel::type_name(column.type));
    if (column.not_null && !column.primary_key) line += " NOT NULL";
    if (column.unique) line += " UNIQUE";
    if (column.primary_key) key.push_back(column.name);
    lines.push_back(std::move(line));
  }
  if (!key.empty()) lines.push_back(fmt::format("  PRIMARY KEY ({})", fmt::join(key, ", ")));
  std::string text = fmt::format("CREATE TABLE {} (\n", response.table);
  for (std::size_t i = 0; i < lines.size(); i++) text += lines[i] + (i + 1 < lines.size() ? ",\n" : "\n");
  text += ");\n";
  for (const protocol::IndexInfo& index : response.indexes) {
    text += fmt::format("CREATE {}INDEX {} ON {} ({});\n", index.unique ? "UNIQUE " : "", index.name, response.table,
                        fmt::join(index.columns, ", "));
  }
  return text;
}

Status with_server_hint(Status status) {
  if (status.code() == StatusCode::failed_precondition &&
      status.message().find("already locked") != std::string::npos) {
    return failed_precondition(status.message() + " (a running server holds it: use --address with an admin key)");
  }
  return status;
}

}  // namespace kmb::cli
