// The network side of the SQL commands: `kimberlite sql|repl --address HOST:PORT --api-key K`
// run statements on a server through the C++ client (include/kimberlite/client.h). The tenant is
// the API key's; nothing in the request names it.
//
// Thread-safety: for the CLI's main thread.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "base/status.h"
#include "cli/sql_target.h"
#include "client/client.h"

namespace kmb::cli {

// Environment variable read when --api-key is not given (keeps keys out of shell history).
inline constexpr std::string_view api_key_environment_variable = "KIMBERLITE_API_KEY";

struct RemoteArguments {
  std::string address;
  std::string api_key;
  std::string tls_ca;    // --tls-ca: verify the server with this CA (implies TLS)
  std::string tls_cert;  // --tls-cert/--tls-key: client certificate (implies TLS)
  std::string tls_key;
  bool tls = false;  // --tls: TLS with the system's CAs
};

// Registers --address (unless `with_address` is false), --api-key and the TLS flags.
void add_remote_options(CLI::App& command, RemoteArguments& arguments, bool with_address = true);

// Connects and authenticates (the key from --api-key or KIMBERLITE_API_KEY).
Result<std::unique_ptr<client::Client>> connect_remote(const RemoteArguments& arguments);
// The API key (--api-key, else KIMBERLITE_API_KEY) and the TLS options the flags ask for.
Result<std::string> resolve_api_key(const RemoteArguments& arguments);
client::TlsOptions tls_options(const RemoteArguments& arguments);

// A data directory (or a file in it) that a running server has open is locked; `status` with the
// way out added when that is why it failed, else `status` unchanged.
Status with_server_hint(Status status);

class RemoteSqlTarget final : public SqlTarget {
 public:
  explicit RemoteSqlTarget(client::Client& client) : client_(client) {}
  Result<sql::QueryResult> execute(std::string_view statement, const sql::AuditContext& audit) override;
  Result<std::vector<std::string>> table_names() override;
  Result<std::string> table_schema(std::string_view table) override;
  // Transactions run on the client's one server connection (docs/server.md).
  bool in_transaction() const override { return client_.in_transaction(); }
  bool rollback() override;

 private:
  client::Client& client_;
};

}  // namespace kmb::cli
