// The client against the real server, in process, over real sockets: SQL with parameters, audit and
// time travel, catalog calls, roles, administration, API keys, verification, TLS and the pool.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <thread>

#include "client/client.h"
#include "client/pool.h"
#include "client/server_fixture_test_support.h"
#include "db/database.h"
#include "io/clock.h"
#include "io/posix_storage.h"
#include "server/api_keys.h"
#include "server/metrics.h"
#include "server/server.h"

namespace kmb::client {
namespace {

using kernel::Value;

class EndToEnd : public testing::ServerFixture {
 protected:
  EndToEnd() : ServerFixture("client-e2e") {}

  void SetUp() override {
    if (!starts_its_own_server_) start();
  }
  bool starts_its_own_server_ = false;
};

TEST_F(EndToEnd, SqlWithParametersAuditAndTimeTravel) {
  std::unique_ptr<Client> client = connect(writer_key_);
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(client->session().tenant_id, 1u);
  EXPECT_EQ(client->session().role, protocol::Role::writer);

  ASSERT_TRUE(client->execute("CREATE TABLE patients (id BIGINT PRIMARY KEY, name TEXT NOT NULL, born DATE)").ok());
  Value first[] = {Value::integer(1), Value::text("Ada"), Value::date(-1)};
  Result<protocol::ExecuteResponse> inserted =
      client->execute("INSERT INTO patients VALUES ($1, $2, $3)", first, Audit{"dr.smith", "admission"});
  ASSERT_TRUE(inserted.ok()) << inserted.status().to_string();
  EXPECT_EQ(inserted->rows_affected, 1u);
  ASSERT_TRUE(inserted->position.has_value());
  const std::uint64_t after_first = *inserted->position;

  Value second[] = {Value::integer(2), Value::text("Grace"), Value::null()};
  ASSERT_TRUE(client->execute("INSERT INTO patients VALUES ($1, $2, $3)", second, Audit{"dr.smith", "admission"}).ok());

  Result<protocol::ExecuteResponse> now = client->query("SELECT id, name, born FROM patients ORDER BY id");
  ASSERT_TRUE(now.ok()) << now.status().to_string();
  EXPECT_EQ(now->columns, (std::vector<std::string>{"id", "name", "born"}));
  EXPECT_EQ(now->types, (std::vector<kernel::Type>{kernel::Type::bigint, kernel::Type::text, kernel::Type::date}));
  ASSERT_EQ(now->rows.size(), 2u);
  EXPECT_EQ(now->rows[0][1], Value::text("Ada"));
  EXPECT_EQ(now->rows[0][2], Value::date(-1));
  EXPECT_TRUE(now->rows[1][2].is_null());
  EXPECT_EQ(now->tag, "SELECT 2");

  Result<protocol::ExecuteResponse> then =
      client->query_as_of("SELECT name FROM patients", protocol::AsOf{protocol::AsOfKind::position, after_first});
  ASSERT_TRUE(then.ok()) << then.status().to_string();
  ASSERT_EQ(then->rows.size(), 1u);
  EXPECT_EQ(then->rows[0][0], Value::text("Ada"));

  Result<protocol::ExecuteResponse> bad = client->query("SELEC 1");
  EXPECT_EQ(bad.status().code(), StatusCode::invalid_argument);
  EXPECT_TRUE(client->ping().ok());  // an error leaves the connection usable
}

TEST_F(EndToEnd, CatalogCalls) {
  std::unique_ptr<Client> client = connect(writer_key_);
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->execute("CREATE TABLE visits (id BIGINT PRIMARY KEY, patient BIGINT, note TEXT)").ok());
  Result<protocol::ListTablesResponse> tables = client->list_tables();
  ASSERT_TRUE(tables.ok()) << tables.status().to_string();
  ASSERT_EQ(tables->tables.size(), 1u);
  EXPECT_EQ(tables->tables[0].name, "visits");
  EXPECT_EQ(tables->tables[0].column_count, 3u);
  Result<protocol::DescribeTableResponse> visits = client->describe_table("visits");
  ASSERT_TRUE(visits.ok()) << visits.status().to_string();
  ASSERT_EQ(visits->columns.size(), 3u);
  EXPECT_TRUE(visits->columns[0].primary_key);
  EXPECT_EQ(visits->columns[2].type, kernel::Type::text);
  EXPECT_EQ(client->describe_table("nope").status().code(), StatusCode::not_found);
}

TEST_F(EndToEnd, KeysDecideTenantAndRole) {
  Result<std::unique_ptr<Client>> nobody = Client::connect(address(), "kmb_not_a_key");
  ASSERT_FALSE(nobody.ok());
  EXPECT_EQ(nobody.status().code(), StatusCode::invalid_argument);
  EXPECT_NE(nobody.status().message().find("authentication failed"), std::string::npos);

  std::unique_ptr<Client> reader = connect(reader_key_);
  ASSERT_NE(reader, nullptr);
  Result<protocol::ExecuteResponse> write = reader->execute("CREATE TABLE t (id BIGINT PRIMARY KEY)");
  EXPECT_FALSE(write.ok());
  EXPECT_TRUE(reader->query("SELECT 1").ok());
  EXPECT_FALSE(reader->list_tenants().ok());  // administration needs the admin role
}

TEST_F(EndToEnd, ApiKeyLifecycle) {
  std::unique_ptr<Client> admin = connect(admin_key_);
  ASSERT_NE(admin, nullptr);
  Result<protocol::ApiKeyCreateResponse> created = admin->create_api_key(1, protocol::Role::reader, "dashboard");
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  EXPECT_EQ(created->key.label, "dashboard");
  std::unique_ptr<Client> dashboard = connect(created->secret);
  ASSERT_NE(dashboard, nullptr);
  EXPECT_EQ(dashboard->session().role, protocol::Role::reader);

  Result<protocol::ApiKeyRotateResponse> rotated = admin->rotate_api_key(created->key.key_id);
  ASSERT_TRUE(rotated.ok()) << rotated.status().to_string();
  EXPECT_NE(rotated->key.key_id, created->key.key_id);
  EXPECT_FALSE(Client::connect(address(), created->secret).ok());  // the old secret is revoked
  EXPECT_NE(connect(rotated->secret), nullptr);

  Result<protocol::ApiKeyInfo> revoked = admin->revoke_api_key(rotated->key.key_id);
  ASSERT_TRUE(revoked.ok()) << revoked.status().to_string();
  EXPECT_TRUE(revoked->revoked);
  EXPECT_FALSE(Client::connect(address(), rotated->secret).ok());
  Result<std::vector<protocol::ApiKeyInfo>> keys = admin->list_api_keys(1);
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->size(), 5u);  // three from setup, the created one and its rotation
}

TEST_F(EndToEnd, VerifyChainAndServerInfo) {
  std::unique_ptr<Client> client = connect(writer_key_);
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->execute("CREATE TABLE t (id BIGINT PRIMARY KEY)").ok());
  ASSERT_TRUE(client->execute("INSERT INTO t VALUES (1), (2)").ok());
  Result<protocol::VerifyChainResponse> verified = client->verify_chain();
  ASSERT_TRUE(verified.ok()) << verified.status().to_string();
  EXPECT_TRUE(verified->intact) << verified->problem;
  EXPECT_EQ(verified->tenant_id, 1u);
  EXPECT_GE(verified->record_count, 2u);
  EXPECT_EQ(verified->head_hash.size(), 64u);
  Result<protocol::ServerInfoResponse> info = client->server_info();
  ASSERT_TRUE(info.ok()) << info.status().to_string();
  EXPECT_EQ(info->server_version, "test");
  EXPECT_FALSE(info->tls);
  EXPECT_GE(info->connection_count, 1u);
}

TEST_F(EndToEnd, PoolServesConcurrentWriters) {
  {
    std::unique_ptr<Client> setup = connect(writer_key_);
    ASSERT_NE(setup, nullptr);
    ASSERT_TRUE(setup->execute("CREATE TABLE counters (id BIGINT PRIMARY KEY, thread BIGINT)").ok());
  }
  PoolOptions options;
  options.size_max = 3;
  Result<std::unique_ptr<ClientPool>> pool = ClientPool::create(address(), writer_key_, options);
  ASSERT_TRUE(pool.ok());
  constexpr int threads_count = 6;
  constexpr int rows_per_thread = 20;
  std::vector<std::thread> threads;
  std::atomic<int> failures = 0;
  for (int t = 0; t < threads_count; t++) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < rows_per_thread; i++) {
        Result<ClientPool::Lease> lease = (*pool)->acquire();
        if (!lease.ok()) {
          failures++;
          continue;
        }
        Value row[] = {Value::integer(t * 1000 + i), Value::integer(t)};
        if (!(*lease)->execute("INSERT INTO counters VALUES ($1, $2)", row).ok()) failures++;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_LE((*pool)->open_count(), 3u);
  Result<ClientPool::Lease> lease = (*pool)->acquire();
  ASSERT_TRUE(lease.ok());
  Result<protocol::ExecuteResponse> count = (*lease)->query("SELECT COUNT(*) FROM counters");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(count->rows[0][0].as_int(), threads_count * rows_per_thread);
}

TEST_F(EndToEnd, ReconnectsAfterTheServerRestarts) {
  std::unique_ptr<Client> client = connect(writer_key_);
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->ping().ok());
  // While stopped, the connection is gone and there is no server to reconnect to.
  restart_server([&] { EXPECT_FALSE(client->ping().ok()); });
  EXPECT_TRUE(client->ping().ok());
}

// A transaction lives on one server connection: its statements see each other, COMMIT makes them
// one record, and a connection lost in the middle ends it — the client then says so (aborted)
// instead of running the next statement outside the transaction.
TEST_F(EndToEnd, TransactionsOverTheNetwork) {
  std::unique_ptr<Client> client = connect(writer_key_);
  std::unique_ptr<Client> other = connect(writer_key_);
  ASSERT_NE(client, nullptr);
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(client->execute("CREATE TABLE tx (id BIGINT PRIMARY KEY)").ok());
  ASSERT_TRUE(client->execute("BEGIN").ok());
  EXPECT_TRUE(client->in_transaction());
  ASSERT_TRUE(client->execute("INSERT INTO tx VALUES (1)").ok());
  ASSERT_TRUE(client->execute("INSERT INTO tx VALUES (2)").ok());
  EXPECT_EQ(client->query("SELECT count(*) FROM tx")->rows.at(0).at(0).as_int(), 2);
  EXPECT_EQ(other->query("SELECT count(*) FROM tx")->rows.at(0).at(0).as_int(), 0);
  Result<protocol::ExecuteResponse> committed = client->execute("COMMIT");
  ASSERT_TRUE(committed.ok()) << committed.status().to_string();
  EXPECT_FALSE(client->in_transaction());
  EXPECT_EQ(other->query("SELECT count(*) FROM tx")->rows.at(0).at(0).as_int(), 2);

  ASSERT_TRUE(client->execute("BEGIN").ok());
  ASSERT_TRUE(client->execute("INSERT INTO tx VALUES (3)").ok());
  restart_server();
  EXPECT_EQ(client->execute("INSERT INTO tx VALUES (4)").status().code(), StatusCode::aborted);
  EXPECT_FALSE(client->in_transaction());
  EXPECT_EQ(client->query("SELECT count(*) FROM tx")->rows.at(0).at(0).as_int(), 2);  // 3 and 4 never committed
}

TEST_F(EndToEnd, TenantAdministration) {
  std::unique_ptr<Client> admin = connect(admin_key_);
  ASSERT_NE(admin, nullptr);
  protocol::TenantConfig config{"lab", "", protocol::TenantQuotas{0, 100, 0}};
  Result<protocol::TenantInfo> created = admin->create_tenant(2, config);
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  EXPECT_EQ(created->tenant_id, 2u);
  EXPECT_EQ(created->name, "lab");
  EXPECT_EQ(created->quotas.records_per_second, 100u);
  EXPECT_EQ(admin->create_tenant(2, config).status().code(), StatusCode::already_exists);

  Result<std::vector<protocol::TenantInfo>> tenants = admin->list_tenants();
  ASSERT_TRUE(tenants.ok()) << tenants.status().to_string();
  EXPECT_EQ(tenants->size(), 2u);

  Result<protocol::TenantInfo> quotas = admin->set_quotas(2, protocol::TenantQuotas{1ULL << 30, 0, 0});
  ASSERT_TRUE(quotas.ok()) << quotas.status().to_string();
  EXPECT_EQ(quotas->quotas.storage_bytes_max, 1ULL << 30);

  // Seal the admin's own tenant: its writes are refused until it is unsealed.
  std::unique_ptr<Client> writer = connect(writer_key_);
  ASSERT_NE(writer, nullptr);
  Result<protocol::TenantInfo> sealed = admin->seal_tenant(1, Audit{"legal", "litigation hold"});
  ASSERT_TRUE(sealed.ok()) << sealed.status().to_string();
  EXPECT_TRUE(sealed->sealed);
  EXPECT_EQ(writer->execute("CREATE TABLE t (id BIGINT PRIMARY KEY)").status().code(), StatusCode::failed_precondition);
  EXPECT_TRUE(writer->query("SELECT 1").ok());
  Result<protocol::TenantInfo> unsealed = admin->unseal_tenant(1, Audit{"legal", "hold released"});
  ASSERT_TRUE(unsealed.ok()) << unsealed.status().to_string();
  EXPECT_FALSE(unsealed->sealed);
  EXPECT_TRUE(writer->execute("CREATE TABLE t (id BIGINT PRIMARY KEY)").ok());
  Result<protocol::TenantInfo> info = admin->tenant_info(1);
  ASSERT_TRUE(info.ok());
  EXPECT_GE(info->record_count, 1u);
  EXPECT_EQ(admin->tenant_info(99).status().code(), StatusCode::not_found);
}

TEST_F(EndToEnd, QueryAsOfTimestamp) {
  std::unique_ptr<Client> client = connect(writer_key_);
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->execute("CREATE TABLE t (id BIGINT PRIMARY KEY)").ok());
  ASSERT_TRUE(client->execute("INSERT INTO t VALUES (1)").ok());
  const std::uint64_t between_ns = clock_.realtime_ns();
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_TRUE(client->execute("INSERT INTO t VALUES (2)").ok());
  Result<protocol::ExecuteResponse> then =
      client->query_as_of("SELECT COUNT(*) FROM t", protocol::AsOf{protocol::AsOfKind::timestamp, between_ns});
  ASSERT_TRUE(then.ok()) << then.status().to_string();
  EXPECT_EQ(then->rows[0][0].as_int(), 1);
  Result<protocol::ExecuteResponse> write =
      client->query_as_of("INSERT INTO t VALUES (3)", protocol::AsOf{protocol::AsOfKind::timestamp, between_ns});
  EXPECT_FALSE(write.ok());  // the past is read-only
}

// Certificates made with the openssl tool: a self-signed server certificate for localhost (its
// own CA) and a self-signed client certificate the server trusts for mutual TLS.
class EndToEndTls : public EndToEnd {
 protected:
  void SetUp() override {
    starts_its_own_server_ = true;
    // One directory per test: ctest runs the cases in parallel.
    certificates_ = std::filesystem::path(KMB_BINARY_DIR) / "client-e2e-certificates" /
                    ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::create_directories(certificates_);
    make_certificate("server", "/CN=localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1");
    make_certificate("client", "/CN=e2e-client", "subjectAltName=DNS:e2e-client");
    make_certificate("stranger", "/CN=localhost", "subjectAltName=DNS:localhost");
    server::ServerOptions options;
    options.tls_certificate_file = path("server.pem");
    options.tls_private_key_file = path("server.key");
    options.tls_client_ca_file = path("client.pem");
    start(options);
  }

  void make_certificate(const std::string& name, const std::string& subject, const std::string& extension) {
    std::string command = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj '" +
                          subject + "' -addext '" + extension + "' -keyout '" + path(name + ".key") + "' -out '" +
                          path(name + ".pem") + "' >/dev/null 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }

  std::string path(const std::string& file) const { return (certificates_ / file).string(); }

  ClientOptions tls_options() const {
    ClientOptions options;
    options.tls.enabled = true;
    options.tls.ca_file = path("server.pem");
    options.tls.certificate_file = path("client.pem");
    options.tls.private_key_file = path("client.key");
    options.connect_timeout_ms = 5'000;
    return options;
  }

  std::filesystem::path certificates_;
};

TEST_F(EndToEndTls, MutualTlsRoundTrip) {
  std::unique_ptr<Client> client = connect(writer_key_, tls_options());
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->execute("CREATE TABLE t (id BIGINT PRIMARY KEY)").ok());
  Result<protocol::ServerInfoResponse> info = client->server_info();
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info->tls);
}

TEST_F(EndToEndTls, UntrustedServerCertificateIsRefused) {
  ClientOptions options = tls_options();
  options.tls.ca_file = path("stranger.pem");
  Result<std::unique_ptr<Client>> client = Client::connect(address(), writer_key_, options);
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().code(), StatusCode::io_error);
  EXPECT_NE(client.status().message().find("TLS handshake"), std::string::npos) << client.status().message();
}

TEST_F(EndToEndTls, ServerNameMustMatchTheCertificate) {
  ClientOptions options = tls_options();
  options.tls.server_name = "db.example";
  EXPECT_FALSE(Client::connect(address(), writer_key_, options).ok());
}

TEST_F(EndToEndTls, ClientWithoutCertificateIsRefused) {
  ClientOptions options = tls_options();
  options.tls.certificate_file.clear();
  options.tls.private_key_file.clear();
  Result<std::unique_ptr<Client>> client = Client::connect(address(), writer_key_, options);
  EXPECT_FALSE(client.ok());
}

TEST_F(EndToEndTls, PlainClientCannotTalkToATlsServer) {
  ClientOptions options;
  options.connect_timeout_ms = 2'000;
  Result<std::unique_ptr<Client>> client = Client::connect(address(), writer_key_, options);
  EXPECT_FALSE(client.ok());
}

}  // namespace
}  // namespace kmb::client
