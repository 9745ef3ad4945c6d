// The Kimberlite network peer: a real server (src/server) started in this process on 127.0.0.1,
// port chosen by the kernel, over a data directory prepared exactly as `kimberlite init` prepares
// one (cli::initialize_data_directory: master key file, tenant 1 — hence encrypted at rest — and
// an admin key), plus a writer key for the sessions. Every operation goes through the C++ client
// over loopback TCP, one Client (one connection) per Session, with the same SQL text, actor and
// reason as the embedded peer (kimberlite_peer.cc); the difference between the two columns is
// therefore the protocol, the sockets, the server's threads and encryption at rest.
// Verification is the protocol's VerifyChain call, which runs log::verify_partition on the server.
#include <cstdio>
#include <string>
#include <thread>

#include "cli/server_runtime.h"
#include "client/client.h"
#include "peer.h"
#include "server/server.h"

namespace kmb::bench {
namespace {

const client::Audit& bench_audit() {
  static const client::Audit audit{bench_actor, bench_reason};
  return audit;
}

// The load's statements (1000-row INSERTs, 50,000-row UPDATEs) can outlast the client's default
// 30 s deadline on a busy machine.
constexpr std::uint64_t load_call_timeout_ms = 600'000;

Result<std::unique_ptr<client::Client>> connect_client(std::uint16_t port, const std::string& key) {
  client::ClientOptions options;
  options.client_name = "kimberlite-bench-compare";
  options.call_timeout_ms = load_call_timeout_ms;
  return client::Client::connect("127.0.0.1:" + std::to_string(port), key, options);
}

class NetworkSession final : public Session {
 public:
  NetworkSession(std::unique_ptr<client::Client> client, const std::string& past_select)
      : client_(std::move(client)), past_select_(past_select) {}

  Status insert_one(std::int64_t id) override {
    kernel::Value parameters[] = {kernel::Value::integer(id), kernel::Value::text("owner"), kernel::Value::integer(1)};
    return client_->execute("INSERT INTO accounts VALUES ($1, $2, $3)", parameters, bench_audit()).status();
  }

  Status insert_batch(std::int64_t first_id) override {
    return client_->execute(kimberlite_batch_insert_sql(first_id, 1), {}, bench_audit()).status();
  }

  Status read_current(std::int64_t id) override {
    kernel::Value parameters[] = {kernel::Value::integer(id)};
    return check_balance(client_->query("SELECT owner, balance FROM accounts WHERE id = $1", parameters),
                         balance_current);
  }

  Status read_past(std::int64_t id) override {
    kernel::Value parameters[] = {kernel::Value::integer(id)};
    return check_balance(client_->query(past_select_, parameters), balance_loaded);
  }

  Status read_history(std::int64_t id) override {
    kernel::Value parameters[] = {kernel::Value::integer(id)};
    Result<protocol::ExecuteResponse> result = client_->query(
        "SELECT id, owner, balance, _position, _timestamp, _actor, _reason, _operation "
        "FROM accounts FOR SYSTEM_TIME ALL WHERE id = $1",
        parameters);
    if (!result.ok()) return result.status();
    if (result->rows.size() != versions_per_loaded_row) return internal_error("expected 3 versions");
    return Status();
  }

 private:
  std::unique_ptr<client::Client> client_;
  const std::string& past_select_;
};

class NetworkPeer final : public Peer {
 public:
  // Takes the serving state and a started (listening) server; serves it on a thread of its own.
  NetworkPeer(std::unique_ptr<cli::ServingState> serving, std::unique_ptr<server::Server> server, std::string admin_key,
              std::string writer_key)
      : serving_(std::move(serving)),
        server_(std::move(server)),
        admin_key_(std::move(admin_key)),
        writer_key_(std::move(writer_key)),
        thread_([this] { run_status_ = server_->run(); }) {}

  ~NetworkPeer() override {
    // Sessions (and their connections) are gone by now (peer.h); the server drains and stops, and
    // then the Database closes (it syncs and checkpoints) when serving_ is destroyed.
    server_->stop();
    thread_.join();
    if (!run_status_.ok()) std::fprintf(stderr, "Kimberlite (network) server: %s\n", run_status_.to_string().c_str());
  }

  std::string name() const override { return "Kimberlite (network)"; }
  std::string version() const override {
    return "server in process, C++ client over loopback TCP (no TLS), one connection per session; tenant encrypted "
           "at rest (as `kimberlite init` creates it)";
  }

  Status load(std::int64_t rows) override {
    KMB_ASSIGN_OR_RETURN(std::unique_ptr<client::Client> client, connect_client(server_->port(), writer_key_));
    KMB_TRY(client
                ->execute("CREATE TABLE accounts (id BIGINT PRIMARY KEY, owner TEXT NOT NULL, balance BIGINT)", {},
                          bench_audit())
                .status());
    for (std::int64_t first = 0; first < rows; first += batch_rows) {
      KMB_TRY(client->execute(kimberlite_batch_insert_sql(first, balance_loaded), {}, bench_audit()).status());
    }
    KMB_ASSIGN_OR_RETURN(
        std::uint64_t past,
        kimberlite_load_updates(rows, [&](const std::string& sql, std::span<const kernel::Value> parameters)
                                          -> Result<std::optional<std::uint64_t>> {
          KMB_ASSIGN_OR_RETURN(protocol::ExecuteResponse response, client->execute(sql, parameters, bench_audit()));
          return response.position;
        }));
    past_select_ = "SELECT owner, balance FROM accounts AS OF POSITION " + std::to_string(past) + " WHERE id = $1";
    return Status();
  }

  Result<std::unique_ptr<Session>> connect() override {
    KMB_ASSIGN_OR_RETURN(std::unique_ptr<client::Client> client, connect_client(server_->port(), writer_key_));
    return std::unique_ptr<Session>(std::make_unique<NetworkSession>(std::move(client), past_select_));
  }

  Result<VerifyOutcome> verify() override {
    if (!admin_) {
      KMB_ASSIGN_OR_RETURN(admin_, connect_client(server_->port(), admin_key_));
    }
    KMB_ASSIGN_OR_RETURN(protocol::VerifyChainResponse report, admin_->verify_chain(cli::initial_tenant_id));
    if (!report.intact) return corruption("verify_chain: " + report.problem);
    VerifyOutcome outcome;
    outcome.detail =
        "VerifyChain over the protocol (log::verify_partition on the server): " + std::to_string(report.record_count) +
        " records, " + std::to_string(report.byte_count) + " bytes (CRC32C + SHA-256 chain of every record)";
    return outcome;
  }

 private:
  std::unique_ptr<cli::ServingState> serving_;
  std::unique_ptr<server::Server> server_;
  std::string admin_key_;
  std::string writer_key_;
  std::string past_select_;
  std::unique_ptr<client::Client> admin_;  // verify()'s connection, opened on first use
  Status run_status_;
  std::thread thread_;  // last: starts serving once everything above is constructed
};

}  // namespace

Result<std::unique_ptr<Peer>> make_kimberlite_network_peer(const std::string& directory) {
  KMB_ASSIGN_OR_RETURN(cli::InitResult init, cli::initialize_data_directory(directory, "bench"));
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<cli::ServingState> serving, cli::open_for_serving(directory));
  KMB_ASSIGN_OR_RETURN(server::CreatedKey writer,
                       serving->keys->create(cli::initial_tenant_id, server::Role::writer, "bench writer",
                                             server::KeyActor{"bench", "kimberlite-bench-compare sessions"}));
  server::ServerOptions options;
  options.listen_host = "127.0.0.1";
  options.listen_port = 0;
  options.handle_signals = false;
  options.server_version = "bench";
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<server::Server> server,
                       server::Server::start(options, *serving->database, *serving->keys, serving->metrics,
                                             serving->storage, serving->clock));
  return std::unique_ptr<Peer>(
      std::make_unique<NetworkPeer>(std::move(serving), std::move(server), init.admin_key.key, writer.key));
}

}  // namespace kmb::bench
