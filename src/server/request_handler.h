// RequestHandler: what the server does with one decoded request, independent of sockets, framing
// and threads (connection.h does those). It authenticates the handshake, enforces the key's role
// and tenant on every request, runs SQL through the database's group-committed write path and
// answers admin requests — returning either the response message or an Error message.
//
// Tenant isolation: a request's tenant is always the authenticated key's tenant. The only requests
// that name a tenant (tenant_*, api_key_*, verify_chain with a tenant id) need the admin role when
// that tenant is not the key's own; every refusal is written to the system audit log
// (ApiKeyStore::audit_denied) before the Error is returned. Admin keys are operator keys: they may
// administer every tenant (docs/server.md), but their SQL still runs in their own tenant.
//
// Revocation is immediate: handle() re-checks the key before every request.
//
// Deferred acknowledgement: given a DeferredCompletion, handle() runs an Execute outside a
// transaction through Engine::execute_deferred and returns at once, marked `deferred`; the
// completion receives the final answer once the write is durable (or the error that lost it),
// usually on the tenant log's flusher thread. No thread waits for an fdatasync per request.
// Everything else (transactions, streams, admin requests) answers synchronously as before.
//
// Thread-safety: thread-safe; handle() may run on many worker threads at once (SQL writes of many
// connections then share the tenant's group commit).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "db/database.h"
#include "io/clock.h"
#include "protocol/messages.h"
#include "server/api_keys.h"
#include "server/metrics.h"
#include "server/sql_connections.h"
#include "server/stream_service.h"
#include "sql/engine.h"

namespace kmb::server {

// The authenticated identity of a connection (from its Hello).
struct Principal {
  std::string key_id;
  std::uint64_t tenant_id = 0;
  Role role = Role::reader;
  std::uint64_t connection_id = 0;  // the network connection (its transaction: sql_connections.h)
};

struct HandlerOptions {
  std::string server_version;
  std::uint32_t frame_body_size_max_bytes = protocol::frame_body_size_max_default_bytes;
  bool tls = false;
  std::vector<std::string> regions;
};

// The observable outcome of one request, for metrics and logs.
struct HandledRequest {
  protocol::Message response;
  StatusCode code = StatusCode::ok;
  std::uint64_t tenant_id = 0;
  // Streams: run on the connection's strand right after the response is queued (a subscription
  // pushes nothing before its SubscribeResponse). Empty for most requests.
  std::function<void()> after_queued;
  // Set when handle() took its DeferredCompletion: `response` is empty and meaningless, and the
  // completion is called exactly once — possibly before handle() returns, possibly on another
  // thread — with the request's final outcome (after_queued is never set for those).
  bool deferred = false;
};

// Receives the final outcome of a deferred request. It runs on whatever thread confirmed
// durability (the tenant log's flusher, or the worker itself): it must be short (post the work
// to the connection) and must not throw.
using DeferredCompletion = std::function<void(HandledRequest)>;

class RequestHandler {
 public:
  // All references must outlive the handler. `storage` is the one the database's files live on
  // (verify_chain reads the tenant's segments through it).
  RequestHandler(db::Database& database, ApiKeyStore& keys, Metrics& metrics, io::Storage& storage, io::Clock& clock,
                 HandlerOptions options);
  // Waits for outstanding deferred completions (wait_for_deferred).
  ~RequestHandler();

  // The handshake: version negotiation and key authentication. On success `principal` is set.
  HandledRequest hello(const protocol::Hello& hello, std::uint64_t session_id, Principal& principal);

  // One request after a successful handshake.
  // `push` is the connection's push hook (subscriptions); without one, Subscribe is refused.
  // With `complete`, an Execute outside a transaction may be answered through it instead, once
  // durable (HandledRequest::deferred); without, every request is answered synchronously.
  HandledRequest handle(const Principal& principal, const protocol::Message& request, const std::string& peer,
                        const std::shared_ptr<PushTarget>& push = nullptr, DeferredCompletion complete = nullptr);
  // Blocks until every deferred completion handed out has been called. The server calls it after
  // its workers stopped and before the objects the completions refer to are destroyed. Thread-safe.
  void wait_for_deferred();
  // A fast path for the connection's I/O thread, which saves the hop to a worker and back (two
  // thread wake-ups, most of a point read's latency over loopback). Only requests that neither
  // write nor wait are attempted: Ping, and an Execute of a read-only statement (SELECT, EXPLAIN)
  // outside a transaction, on a tenant that is already open, under a time limit of
  // inline_read_time_max_ms. Returns nullopt when the request is not of that kind or gave up (too
  // slow, too big, a revoked key, an exception): then handle() it on a worker as usual. A read
  // that gave up has changed nothing, so running it again there is harmless.
  std::optional<HandledRequest> try_handle_inline(const Principal& principal, const protocol::Message& request);
  // How long an inline read may hold the I/O thread (every other connection of that thread waits
  // meanwhile) before it gives up and moves to a worker.
  static constexpr std::uint64_t inline_read_time_max_ms = 1;
  static constexpr std::uint64_t inline_read_check_interval_rows = 8;  // rows of work between budget checks
  // A network connection closed: its subscriptions end and its open transaction is rolled back.
  // Thread-safe.
  void connection_closed(std::uint64_t connection_id) {
    streams_.connection_closed(connection_id);
    sql_connections_.erase(connection_id);
  }
  // Server shutdown: ends every subscription (subscription_closed, aborted); later subscribes fail.
  void shutdown_streams() { streams_.shutdown(); }

  void set_connection_count_source(std::function<std::uint64_t()> source) { connection_count_ = std::move(source); }

 private:
  // ok, or the Error to answer with after auditing the refusal.
  Status authorize(const Principal& principal, std::uint64_t requested_tenant_id, bool needs_admin,
                   std::string_view operation, const std::string& peer);
  // A DeferredCompletion offered to a request; `taken` once the request will answer through it.
  struct Deferral {
    DeferredCompletion complete;
    bool taken = false;
  };
  // When `deferral` is taken, the message returned is a placeholder: the completion answers.
  Result<protocol::Message> dispatch(const Principal& principal, const protocol::Message& request,
                                     const std::string& peer, const std::shared_ptr<PushTarget>& push,
                                     std::function<void()>& after_queued, Deferral* deferral);
  // Stream and subscription requests (stream_service.h); nullopt for any other request.
  std::optional<Result<protocol::Message>> dispatch_stream(const Principal& principal, const protocol::Message& request,
                                                           const std::shared_ptr<PushTarget>& push,
                                                           std::function<void()>& after_queued);
  Result<protocol::Message> execute(const Principal& principal, const protocol::Execute& request,
                                    Deferral* deferral = nullptr);
  // One statement on its own (no transaction open on the connection): reader and AS OF scopes.
  // With `on_durable`, through Engine::execute_deferred (its contract applies).
  Result<sql::QueryResult> execute_autocommit(db::Tenant& tenant, const Principal& principal,
                                              const protocol::Execute& request, const sql::AuditContext& audit,
                                              const sql::ExecutionControl& control = {},
                                              std::function<void(Status)> on_durable = nullptr);
  // execute() outside a transaction with a deferral: hands the answer to deferral.complete once
  // durable. Errors before anything was written are returned (and the deferral is not taken).
  Result<protocol::Message> execute_deferred(db::Tenant& tenant, const Principal& principal,
                                             const protocol::Execute& request, const sql::AuditContext& audit,
                                             std::uint64_t started_ns, Deferral& deferral);
  void deferred_finished();
  Result<protocol::Message> list_tables(const Principal& principal);
  Result<protocol::Message> describe_table(const Principal& principal, const protocol::DescribeTable& request);
  Result<protocol::Message> verify_chain(std::uint64_t tenant_id);
  Result<protocol::Message> server_info();
  Result<protocol::TenantInfo> tenant_info(std::uint64_t tenant_id);
  Result<db::Tenant*> open_tenant(std::uint64_t tenant_id);

  db::Database& database_;
  ApiKeyStore& keys_;
  Metrics& metrics_;
  io::Storage& storage_;
  io::Clock& clock_;
  HandlerOptions options_;
  sql::Engine engine_;
  std::uint64_t started_ns_ = 0;
  std::function<std::uint64_t()> connection_count_;
  SqlConnections sql_connections_;  // transactions between Execute requests
  // Deferred completions handed out and not yet called (wait_for_deferred).
  std::mutex deferred_mutex_;
  std::condition_variable deferred_idle_;
  std::uint64_t deferred_pending_ = 0;
  StreamService streams_;  // last: its pusher thread stops before the rest is destroyed
};

protocol::Role to_protocol_role(Role role);
Role from_protocol_role(protocol::Role role);
protocol::ApiKeyInfo to_protocol_key(const ApiKeyInfo& key);

}  // namespace kmb::server
