#include "client/pool.h"

#include <chrono>

namespace kmb::client {

ClientPool::ClientPool(std::string address, std::string api_key, PoolOptions options)
    : address_(std::move(address)), api_key_(std::move(api_key)), options_(std::move(options)) {}

Result<std::unique_ptr<ClientPool>> ClientPool::create(std::string address, std::string api_key, PoolOptions options) {
  KMB_TRY(parse_address(address).status());
  if (options.size_max == 0) return invalid_argument("a connection pool needs size_max >= 1");
  return std::make_unique<ClientPool>(std::move(address), std::move(api_key), std::move(options));
}

ClientPool::Lease::~Lease() {
  if (pool_ != nullptr && client_ != nullptr) pool_->give_back(std::move(client_));
}

void ClientPool::give_back(std::unique_ptr<Client> client) {
  {
    std::lock_guard lock(mutex_);
    if (client->connected()) {
      idle_.push_back(std::move(client));
    } else {
      open_count_--;  // a broken connection is not worth keeping: the slot opens a fresh one
    }
  }
  idle_available_.notify_one();
}

Result<ClientPool::Lease> ClientPool::acquire() {
  std::unique_lock lock(mutex_);
  bool ready = idle_available_.wait_for(lock, std::chrono::milliseconds(options_.acquire_timeout_ms),
                                        [&] { return !idle_.empty() || open_count_ < options_.size_max; });
  if (!ready) {
    return aborted("connection pool: all " + std::to_string(options_.size_max) + " connections busy for " +
                   std::to_string(options_.acquire_timeout_ms) + " ms");
  }
  if (!idle_.empty()) {
    std::unique_ptr<Client> client = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(client));
  }
  open_count_++;  // reserve the slot, then connect without holding the lock
  lock.unlock();
  Result<std::unique_ptr<Client>> client = Client::connect(address_, api_key_, options_.client);
  if (!client.ok()) {
    {
      std::lock_guard relock(mutex_);
      open_count_--;
    }
    idle_available_.notify_one();
    return client.status();
  }
  return Lease(this, std::move(client).value());
}

std::uint32_t ClientPool::open_count() {
  std::lock_guard lock(mutex_);
  return open_count_;
}

std::uint32_t ClientPool::idle_count() {
  std::lock_guard lock(mutex_);
  return static_cast<std::uint32_t>(idle_.size());
}

}  // namespace kmb::client
