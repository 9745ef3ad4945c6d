// A GoogleTest fixture for the client's end-to-end tests: the real server in this process, over
// real sockets, serving a data directory with tenant 1 ("clinic") and an admin, a writer and a
// reader key of it, on a free local port, from a thread of its own.
//
// Thread-safety: test-only; the fixture's methods run on the test's thread.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "client/client.h"
#include "db/database.h"
#include "io/clock.h"
#include "io/posix_storage.h"
#include "server/api_keys.h"
#include "server/metrics.h"
#include "server/server.h"

namespace kmb::client::testing {

class ServerFixture : public ::testing::Test {
 protected:
  // `group` names the directory under the build tree that holds one data directory per test (ctest
  // runs the cases in parallel).
  explicit ServerFixture(const std::string& group)
      : directory_(std::filesystem::path(KMB_BINARY_DIR) / group /
                   ::testing::UnitTest::GetInstance()->current_test_info()->name()) {
    std::filesystem::remove_all(directory_);
    std::filesystem::create_directories(directory_);
  }

  void TearDown() override { stop(); }

  // Opens the database and serves it; on the first start creates tenant 1 and its three keys.
  void start(server::ServerOptions options = {}, const db::DatabaseOptions& database_options = {}) {
    auto database = db::Database::open(storage_, clock_, directory_.string(), database_options);
    ASSERT_TRUE(database.ok()) << database.status().to_string();
    database_ = std::move(database).value();
    auto keys = server::ApiKeyStore::open(storage_, clock_, directory_.string(), true);
    ASSERT_TRUE(keys.ok()) << keys.status().to_string();
    keys_ = std::move(keys).value();
    if (admin_key_.empty()) {
      db::TenantConfig clinic;
      clinic.name = "clinic";
      auto tenant = database_->create_tenant(1, clinic);
      ASSERT_TRUE(tenant.ok()) << tenant.status().to_string();
      server::KeyActor actor{"test", "setup"};
      admin_key_ = keys_->create(1, server::Role::admin, "admin", actor)->key;
      writer_key_ = keys_->create(1, server::Role::writer, "writer", actor)->key;
      reader_key_ = keys_->create(1, server::Role::reader, "reader", actor)->key;
    }
    options.listen_port = 0;
    serve(std::move(options));
  }

  // Stops the server, then closes the key store and the database.
  void stop() {
    stop_server();
    keys_.reset();
    database_.reset();
  }

  // Stops the server (every connection ends) and starts it again on the same port, over the same
  // open database. `between` runs while no server is listening.
  void restart_server(const std::function<void()>& between = {}) {
    const std::uint16_t port = server_->port();
    stop_server();
    if (between) between();
    server::ServerOptions options;
    options.listen_port = port;
    serve(std::move(options));
  }

  std::string address() const { return "127.0.0.1:" + std::to_string(server_->port()); }

  std::unique_ptr<Client> connect(const std::string& key, ClientOptions options = {}) {
    options.call_timeout_ms = 10'000;
    Result<std::unique_ptr<Client>> client = Client::connect(address(), key, options);
    EXPECT_TRUE(client.ok()) << client.status().to_string();
    return client.ok() ? std::move(client).value() : nullptr;
  }

  io::PosixStorage storage_;
  io::RealClock clock_;
  std::filesystem::path directory_;
  std::unique_ptr<db::Database> database_;
  std::unique_ptr<server::ApiKeyStore> keys_;
  server::Metrics metrics_;
  std::unique_ptr<server::Server> server_;
  std::thread thread_;
  Status run_status_;
  std::string admin_key_;
  std::string writer_key_;
  std::string reader_key_;

 private:
  void serve(server::ServerOptions options) {
    options.handle_signals = false;
    options.worker_threads = 4;
    options.server_version = "test";
    auto server = server::Server::start(options, *database_, *keys_, metrics_, storage_, clock_);
    ASSERT_TRUE(server.ok()) << server.status().to_string();
    server_ = std::move(server).value();
    thread_ = std::thread([this] { run_status_ = server_->run(); });
  }

  void stop_server() {
    if (!server_) return;
    server_->stop();
    thread_.join();
    EXPECT_TRUE(run_status_.ok()) << run_status_.to_string();
    server_.reset();
  }
};

}  // namespace kmb::client::testing
