// Client: the C++ client of a Kimberlite server (docs/protocol.md). One Client = one authenticated
// connection (TCP, optionally TLS) whose tenant and role come from the API key.
//
//   auto client = kmb::client::Client::connect("db.example:7447", api_key);
//   auto result = (*client)->execute("SELECT name FROM patients WHERE id = $1", params);
//
// Every call has a deadline (CallOptions::timeout_ms, default ClientOptions::call_timeout_ms) and
// ends with a definite result: the response, the server's error, or aborted ("deadline exceeded")
// — never a hang and never an endless retry. A broken connection is reopened on the next call
// (before anything is sent, so no request runs twice). append() is the one call retried
// automatically after it may have been sent: it carries an idempotency key, so the server commits
// it at most once (bounded attempts with exponential backoff, within the call's deadline).
//
// Subscriptions use credit-based flow control: the server pushes at most as many events as the
// client has granted; Subscription::grant() grants more.
//
// Thread-safety: a Client is thread-safe; calls are serialised on its one connection (use a
// ClientPool for parallelism). A Subscription must not outlive its Client.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "client/connection.h"
#include "client/transport.h"
#include "io/clock.h"
#include "kernel/value.h"
#include "protocol/messages.h"

namespace kmb::client {

// The server's default port (docs/server.md).
inline constexpr std::uint16_t default_port = 7447;

struct RetryOptions {
  std::uint32_t attempts_max = 5;  // including the first
  std::uint64_t backoff_initial_ms = 20;
  std::uint64_t backoff_max_ms = 1'000;
};

struct ClientOptions {
  TlsOptions tls;
  std::uint64_t connect_timeout_ms = 5'000;  // TCP + TLS + handshake
  std::uint64_t call_timeout_ms = 30'000;    // default deadline of each call
  std::uint32_t frame_body_size_max_bytes = protocol::frame_body_size_max_default_bytes;
  RetryOptions append_retry;
  std::string client_name = "kimberlite-cpp/0.1.0";
  // Time source for deadlines; nullptr = the real clock. Must outlive the Client.
  io::Clock* clock = nullptr;
  // Opens the byte stream; nullptr = connect_tcp. Tests substitute fakes.
  std::function<Result<std::unique_ptr<Transport>>(const std::string& host, std::uint16_t port,
                                                   std::uint64_t deadline_ns)>
      connector;
  // Waits between retries; nullptr = really sleep. Tests substitute a recorder.
  std::function<void(std::uint64_t milliseconds)> sleep;
};

struct CallOptions {
  std::uint64_t timeout_ms = 0;  // 0 = ClientOptions::call_timeout_ms
};

// Who acts and why; recorded with every write in the tenant's log.
struct Audit {
  std::string actor;
  std::string reason;
};

struct Event {
  std::uint64_t offset = 0;
  Bytes payload;
};

// "host:port", "host" (default port), "[v6]:port" or "[v6]". invalid_argument otherwise.
Result<std::pair<std::string, std::uint16_t>> parse_address(std::string_view address);

class Client;

class Subscription {
 public:
  ~Subscription();
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;

  std::uint64_t id() const { return id_; }
  // Offset of the next event poll() will return.
  std::uint64_t next_offset() const { return next_offset_; }
  // Credits granted and not yet used by the server.
  std::uint64_t credits_outstanding() const { return credits_outstanding_; }

  // Events that arrived, waiting up to `wait_ms` for the first; empty if none came in time (with
  // no credits outstanding none will come). Errors: the server's reason once it closed the
  // subscription; aborted when the connection was lost (subscribe again from next_offset()).
  // The wait holds the Client's connection: other calls on the same Client wait behind it, so keep
  // `wait_ms` short or give subscriptions a Client of their own.
  Result<std::vector<Event>> poll(std::uint64_t wait_ms);
  // Lets the server push `credits` more events.
  Status grant(std::uint32_t credits, CallOptions options = {});
  // Ends the subscription (also done, best effort, by the destructor).
  Status close(CallOptions options = {});

 private:
  friend class Client;
  Subscription(Client& client, std::uint64_t id, std::uint64_t generation, std::uint64_t from_offset,
               std::uint64_t credits);
  Client& client_;
  std::uint64_t id_;
  std::uint64_t generation_;  // the connection it lives on
  std::uint64_t next_offset_;
  std::uint64_t credits_outstanding_;
  bool closed_ = false;
};

class Client {
 public:
  // Connects and authenticates. Errors: io_error/aborted (network, deadline), the server's refusal
  // (e.g. invalid_argument "authentication failed"), invalid_argument for a bad address or TLS file.
  static Result<std::unique_ptr<Client>> connect(std::string_view address, std::string api_key,
                                                 ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // The authenticated session (tenant, role, key id, server version).
  protocol::HelloResponse session();

  // SQL. Parameters bind to $1, $2, ...; `audit` is recorded with writes.
  Result<protocol::ExecuteResponse> execute(std::string_view sql, std::span<const kernel::Value> parameters = {},
                                            const Audit& audit = {}, CallOptions options = {});
  // Whether a transaction (BEGIN ... COMMIT/ROLLBACK) is open on this client's connection. The
  // statements of a transaction run on one server connection; if it is lost, the server rolls the
  // transaction back and the next execute() fails with `aborted` ("... retry the transaction")
  // instead of running outside it.
  bool in_transaction();
  // A read at the newest state (the same as execute, without audit).
  Result<protocol::ExecuteResponse> query(std::string_view sql, std::span<const kernel::Value> parameters = {},
                                          CallOptions options = {});
  // A read of the state as of a log position or a commit time.
  Result<protocol::ExecuteResponse> query_as_of(std::string_view sql, protocol::AsOf as_of,
                                                std::span<const kernel::Value> parameters = {},
                                                CallOptions options = {});
  Result<protocol::ListTablesResponse> list_tables(CallOptions options = {});
  Result<protocol::DescribeTableResponse> describe_table(std::string_view table, CallOptions options = {});

  // Streams.
  Result<protocol::CreateStreamResponse> create_stream(std::string_view stream, bool if_not_exists = false,
                                                       const Audit& audit = {}, CallOptions options = {});
  // Appends atomically; `expected_offset` (the stream's event count) makes it conditional. Retried
  // with one idempotency key on connection loss and retryable errors; `duplicate` in the response
  // tells that an earlier attempt had already committed it.
  Result<protocol::AppendEventsResponse> append(std::string_view stream, std::vector<Bytes> events,
                                                std::optional<std::uint64_t> expected_offset = std::nullopt,
                                                const Audit& audit = {}, CallOptions options = {});
  Result<protocol::ReadEventsResponse> read_events(std::string_view stream, std::uint64_t from_offset,
                                                   std::uint32_t count_max = 1'000, CallOptions options = {});
  Result<std::unique_ptr<Subscription>> subscribe(std::string_view stream, std::uint64_t from_offset,
                                                  std::uint32_t initial_credits, CallOptions options = {});

  // Tenant administration (admin keys).
  Result<protocol::TenantInfo> create_tenant(std::uint64_t tenant_id, const protocol::TenantConfig& config,
                                             CallOptions options = {});
  Result<std::vector<protocol::TenantInfo>> list_tenants(CallOptions options = {});
  Result<protocol::TenantInfo> tenant_info(std::uint64_t tenant_id, CallOptions options = {});
  Result<protocol::TenantInfo> seal_tenant(std::uint64_t tenant_id, const Audit& audit, CallOptions options = {});
  Result<protocol::TenantInfo> unseal_tenant(std::uint64_t tenant_id, const Audit& audit, CallOptions options = {});
  Result<protocol::TenantInfo> set_quotas(std::uint64_t tenant_id, const protocol::TenantQuotas& quotas,
                                          CallOptions options = {});

  // API-key administration (admin keys).
  Result<protocol::ApiKeyCreateResponse> create_api_key(std::uint64_t tenant_id, protocol::Role role,
                                                        std::string_view label, CallOptions options = {});
  Result<protocol::ApiKeyInfo> revoke_api_key(std::string_view key_id, CallOptions options = {});
  Result<protocol::ApiKeyRotateResponse> rotate_api_key(std::string_view key_id, CallOptions options = {});
  Result<std::vector<protocol::ApiKeyInfo>> list_api_keys(std::optional<std::uint64_t> tenant_id = std::nullopt,
                                                          CallOptions options = {});

  // Operations.
  Result<protocol::VerifyChainResponse> verify_chain(std::optional<std::uint64_t> tenant_id = std::nullopt,
                                                     CallOptions options = {});
  Result<protocol::ServerInfoResponse> server_info(CallOptions options = {});
  Status ping(CallOptions options = {});

  // False once the connection broke (the next call reconnects).
  bool connected();

  struct Token {};
  Client(Token, std::string host, std::uint16_t port, std::string api_key, ClientOptions options);

 private:
  friend class Subscription;

  // One request/response exchange: reconnects first if needed, converts the server's Error into
  // its Status. `retryable` (optional) receives the Error's flag.
  template <typename Response>
  Result<Response> call(const protocol::Message& request, CallOptions options);
  Result<protocol::Message> call_locked(const protocol::Message& request, std::uint64_t deadline_ns, bool* retryable);
  Status ensure_connected_locked(std::uint64_t deadline_ns);
  std::uint64_t deadline_ns(CallOptions options) const;
  // Moves the connection's queued pushes into the per-subscription buffers.
  void route_pushes_locked();
  void sleep_ms(std::uint64_t milliseconds);

  std::string host_;
  std::uint16_t port_;
  std::string api_key_;
  ClientOptions options_;
  std::unique_ptr<io::Clock> owned_clock_;
  io::Clock* clock_;

  std::mutex mutex_;
  std::unique_ptr<Connection> connection_;
  std::uint64_t generation_ = 0;  // incremented by every (re)connect
  // The connection generation a transaction (BEGIN ... COMMIT) is open on; the server rolls it back
  // when that connection ends, so a statement after a reconnect must not run as if inside it.
  std::optional<std::uint64_t> transaction_generation_;
  struct SubscriptionBuffer {
    std::deque<Event> events;
    std::optional<Status> closed;  // set when the server closed it
  };
  std::map<std::uint64_t, SubscriptionBuffer> subscriptions_;
};

}  // namespace kmb::client
