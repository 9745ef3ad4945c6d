// ClientPool: a bounded set of Clients (connections) to one server shared by many threads. A
// thread leases a Client for a while and returns it by destroying the Lease. Connections open
// lazily, up to `size_max`; when all are leased, acquire() waits up to its timeout and then fails
// with aborted — a definite answer instead of an unbounded queue.
//
// Thread-safety: thread-safe. A Lease is used by one thread at a time and must not outlive the pool.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "client/client.h"

namespace kmb::client {

struct PoolOptions {
  ClientOptions client;
  std::uint32_t size_max = 8;
  std::uint64_t acquire_timeout_ms = 5'000;
};

class ClientPool {
 public:
  class Lease {
   public:
    Lease(Lease&& other) noexcept : pool_(other.pool_), client_(std::move(other.client_)) { other.pool_ = nullptr; }
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();
    Client& operator*() const { return *client_; }
    Client* operator->() const { return client_.get(); }

   private:
    friend class ClientPool;
    Lease(ClientPool* pool, std::unique_ptr<Client> client) : pool_(pool), client_(std::move(client)) {}
    ClientPool* pool_;
    std::unique_ptr<Client> client_;
  };

  // Validates the address; connects nothing yet.
  static Result<std::unique_ptr<ClientPool>> create(std::string address, std::string api_key, PoolOptions options);

  // An idle Client, a newly connected one if fewer than size_max exist, or — after waiting up to
  // acquire_timeout_ms — aborted. Connection errors of a new Client are returned as they are.
  Result<Lease> acquire();

  std::uint32_t open_count();  // connections that exist (idle + leased)
  std::uint32_t idle_count();

  ClientPool(std::string address, std::string api_key, PoolOptions options);

 private:
  void give_back(std::unique_ptr<Client> client);

  std::string address_;
  std::string api_key_;
  PoolOptions options_;
  std::mutex mutex_;
  std::condition_variable idle_available_;
  std::vector<std::unique_ptr<Client>> idle_;
  std::uint32_t open_count_ = 0;  // idle + leased + being connected
};

}  // namespace kmb::client
