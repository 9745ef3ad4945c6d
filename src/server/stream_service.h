// StreamService: the server side of event streams — create, append (optimistic concurrency and
// idempotency keys), read, and credit-based subscriptions — over a tenant's sql::Session.
//
// Writes go through Session::write, i.e. the tenant's one write path: the kernel validates them,
// a sealed tenant refuses them, quotas admit them, and the record (actor, reason, client id) is
// hash-chained in the tenant's log like any SQL write. Reads use the tenant's read view, so only
// durable events are ever returned or pushed.
//
// Idempotency: per tenant, the last `idempotency_keys_per_tenant_max` keys map to the response of
// the append that used them; a retry gets that response with `duplicate = true` and writes
// nothing. The key is also written into the append's record (its statement text, so it is covered
// by the hash chain), and the map of a tenant is rebuilt from its audit trail on first use after a
// restart: a retry that straddles a server restart is still recognized. Concurrent attempts with
// one key are serialized (the second waits for the first's outcome).
//
// Subscriptions: one pusher thread serves every subscription of the server. It is woken by appends
// made through this service and otherwise polls the tenants' read views every `poll_interval_ms`
// (so events written by other paths — embedded use, SQL — are pushed within that interval), with
// one read view per tenant per pass. It never pushes more events than the subscription has
// credits, and pushes nothing for a subscription before its SubscribeResponse was queued
// (activate()). Polling instead of a commit notification from src/db keeps the database layer
// unchanged; the price is up to poll_interval_ms of latency for events appended outside the server.
//
// Thread-safety: thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>

#include "base/status.h"
#include "db/database.h"
#include "protocol/messages.h"
#include "sql/session.h"

namespace kmb::server {

// How pushes reach one connection.
struct PushTarget {
  std::uint64_t connection_id = 0;
  // Queues an encoded push frame on the connection; thread-safe. false once the connection is
  // closed (its subscriptions then end).
  std::function<bool(Bytes frame)> push;
};

struct StreamServiceOptions {
  std::uint32_t frame_body_size_max_bytes = protocol::frame_body_size_max_default_bytes;
  std::size_t idempotency_keys_per_tenant_max = 10'000;
  std::uint64_t poll_interval_ms = 5;
  std::size_t subscriptions_per_connection_max = 64;
  std::uint32_t push_events_max = 1'000;    // per SubscriptionEvents frame
  std::uint32_t push_bytes_max = 1u << 20;  // of event data per SubscriptionEvents frame
};

class StreamService {
 public:
  explicit StreamService(StreamServiceOptions options);
  ~StreamService();  // ends the pusher thread
  StreamService(const StreamService&) = delete;
  StreamService& operator=(const StreamService&) = delete;

  // `session` is the tenant's (possibly read-only) session; `tenant_id` scopes idempotency keys.
  Result<protocol::CreateStreamResponse> create_stream(sql::Session& session, const protocol::CreateStream& request,
                                                       const sql::AuditContext& audit);
  Result<protocol::AppendEventsResponse> append(std::uint64_t tenant_id, sql::Session& session,
                                                const protocol::AppendEvents& request, const sql::AuditContext& audit);
  Result<protocol::ReadEventsResponse> read(sql::Session& session, const protocol::ReadEvents& request);

  // Registers an inactive subscription; activate(connection, id) once its response is queued.
  Result<protocol::SubscribeResponse> subscribe(sql::Session& session, const protocol::Subscribe& request,
                                                std::shared_ptr<PushTarget> target);
  void activate(std::uint64_t connection_id, std::uint64_t subscription_id);
  Result<protocol::SubscriptionCreditResponse> grant(std::uint64_t connection_id,
                                                     const protocol::SubscriptionCredit& request);
  Result<protocol::UnsubscribeResponse> unsubscribe(std::uint64_t connection_id, const protocol::Unsubscribe& request);
  // Drops the connection's subscriptions (nothing is pushed to it any more).
  void connection_closed(std::uint64_t connection_id);

  // Ends every subscription with SubscriptionClosed(aborted) and stops the pusher. Idempotent.
  void shutdown();

 private:
  struct IdempotencyCache {
    std::mutex mutex;
    std::condition_variable settled;  // an in-flight attempt finished
    bool loaded = false;              // rebuilt from the audit trail
    std::unordered_map<std::string, protocol::AppendEventsResponse> responses;
    std::deque<std::string> order;  // oldest first, for eviction
    std::set<std::string> in_flight;
  };
  struct Subscription {
    sql::Session* session = nullptr;
    std::string stream;
    std::uint64_t next_offset = 0;
    std::uint64_t credits = 0;
    bool active = false;
    std::shared_ptr<PushTarget> target;
  };
  using SubscriptionKey = std::pair<std::uint64_t, std::uint64_t>;  // connection id, subscription id
  // A subscription's state when a push pass began.
  struct Work {
    SubscriptionKey key;
    sql::Session* session = nullptr;
    std::string stream;
    std::uint64_t next_offset = 0;
    std::uint64_t credits = 0;
  };

  std::shared_ptr<IdempotencyCache> cache_for(std::uint64_t tenant_id);
  Status load_cache_locked(IdempotencyCache& cache, sql::Session& session);
  void remember_locked(IdempotencyCache& cache, const std::string& key, const protocol::AppendEventsResponse& response);
  Result<protocol::AppendEventsResponse> append_once(sql::Session& session, const protocol::AppendEvents& request,
                                                     const sql::AuditContext& audit);
  // New events: the pusher looks now instead of at its next poll.
  void wake_pusher();
  void run_pusher();
  // One pass over the subscriptions; true if anything was pushed (another pass may push more).
  bool push_pass();
  // Reads and pushes the next events of one subscription; true if it pushed any.
  bool push_one(const Work& item, const Result<std::unique_ptr<projection::ReadView>>& view);
  void close_subscription_locked(const SubscriptionKey& key, const Status& why);

  const StreamServiceOptions options_;

  std::mutex caches_mutex_;
  std::map<std::uint64_t, std::shared_ptr<IdempotencyCache>> caches_;

  std::mutex mutex_;  // guards everything below
  std::condition_variable wake_;
  bool wake_requested_ = false;
  bool stopping_ = false;
  std::uint64_t next_subscription_id_ = 1;
  std::map<SubscriptionKey, Subscription> subscriptions_;
  std::thread pusher_;
};

}  // namespace kmb::server
