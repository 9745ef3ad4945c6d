#include "client/client.h"

#include <cctype>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <thread>

#include "crypto/random.h"

namespace kmb::client {

using protocol::Message;

namespace {

constexpr std::uint64_t nanos_per_ms = 1'000'000;
constexpr std::size_t idempotency_key_size_bytes = 16;
// The destructor's unsubscribe waits at most this long.
constexpr std::uint64_t subscription_close_timeout_ms = 1'000;

Result<std::uint16_t> parse_port(std::string_view text, std::string_view address) {
  unsigned value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value > 65535) {
    return invalid_argument("bad port in address '" + std::string(address) + "'");
  }
  return static_cast<std::uint16_t>(value);
}

}  // namespace

Result<std::pair<std::string, std::uint16_t>> parse_address(std::string_view address) {
  std::string_view host = address;
  std::string_view port;
  if (!address.empty() && address.front() == '[') {
    std::size_t close = address.find(']');
    if (close == std::string_view::npos)
      return invalid_argument("unclosed '[' in address '" + std::string(address) + "'");
    host = address.substr(1, close - 1);
    std::string_view rest = address.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return invalid_argument("expected ':port' after ']' in '" + std::string(address) + "'");
      port = rest.substr(1);
      if (port.empty()) return invalid_argument("empty port in address '" + std::string(address) + "'");
    }
  } else {
    std::size_t colon = address.rfind(':');
    if (colon != std::string_view::npos) {
      if (address.find(':') != colon) {
        return invalid_argument("IPv6 addresses need brackets: '[" + std::string(address) + "]'");
      }
      host = address.substr(0, colon);
      port = address.substr(colon + 1);
      if (port.empty()) return invalid_argument("empty port in address '" + std::string(address) + "'");
    }
  }
  if (host.empty()) return invalid_argument("empty host in address '" + std::string(address) + "'");
  std::uint16_t port_number = default_port;
  if (!port.empty()) {
    KMB_ASSIGN_OR_RETURN(port_number, parse_port(port, address));
  }
  return std::make_pair(std::string(host), port_number);
}

// ---- Client ------------------------------------------------------------------------------------

Client::Client(Token, std::string host, std::uint16_t port, std::string api_key, ClientOptions options)
    : host_(std::move(host)), port_(port), api_key_(std::move(api_key)), options_(std::move(options)) {
  if (options_.clock == nullptr) owned_clock_ = std::make_unique<io::RealClock>();
  clock_ = options_.clock != nullptr ? options_.clock : owned_clock_.get();
}

Client::~Client() {
  std::lock_guard lock(mutex_);
  if (connection_) connection_->close();
}

Result<std::unique_ptr<Client>> Client::connect(std::string_view address, std::string api_key, ClientOptions options) {
  KMB_ASSIGN_OR_RETURN(auto host_port, parse_address(address));
  if (api_key.empty()) return invalid_argument("an API key is required");
  auto client =
      std::make_unique<Client>(Token{}, host_port.first, host_port.second, std::move(api_key), std::move(options));
  std::lock_guard lock(client->mutex_);
  KMB_TRY(client->ensure_connected_locked(client->clock_->monotonic_ns() +
                                          client->options_.connect_timeout_ms * nanos_per_ms));
  return client;
}

protocol::HelloResponse Client::session() {
  std::lock_guard lock(mutex_);
  return connection_ ? connection_->session() : protocol::HelloResponse{};
}

bool Client::connected() {
  std::lock_guard lock(mutex_);
  return connection_ != nullptr && !connection_->broken();
}

std::uint64_t Client::deadline_ns(CallOptions options) const {
  std::uint64_t timeout_ms = options.timeout_ms != 0 ? options.timeout_ms : options_.call_timeout_ms;
  return clock_->monotonic_ns() + timeout_ms * nanos_per_ms;
}

void Client::sleep_ms(std::uint64_t milliseconds) {
  if (options_.sleep) {
    options_.sleep(milliseconds);
  } else {
    std::this_thread::sleep_for(std::chrono::milliseconds(milliseconds));
  }
}

Status Client::ensure_connected_locked(std::uint64_t deadline_ns) {
  // A pooled or long-idle connection may have been closed by the server; notice that before
  // sending, when reconnecting is still free of any doubt about the request.
  if (connection_ != nullptr && connection_->take_ready_input().ok()) return Status::ok_status();
  if (connection_ != nullptr) connection_->close();
  connection_.reset();
  // Subscriptions live on a connection; their owners see the generation change.
  subscriptions_.clear();
  std::uint64_t connect_deadline_ns =
      std::min(deadline_ns, clock_->monotonic_ns() + options_.connect_timeout_ms * nanos_per_ms);
  Result<std::unique_ptr<Transport>> transport =
      options_.connector ? options_.connector(host_, port_, connect_deadline_ns)
                         : connect_tcp(host_, port_, options_.tls, *clock_, connect_deadline_ns);
  if (!transport.ok()) return transport.status();
  KMB_ASSIGN_OR_RETURN(connection_, Connection::open(std::move(transport).value(), api_key_, options_.client_name,
                                                     options_.frame_body_size_max_bytes, *clock_, connect_deadline_ns));
  generation_++;
  return Status::ok_status();
}

Result<Message> Client::call_locked(const Message& request, std::uint64_t deadline_ns, bool* retryable) {
  KMB_TRY(ensure_connected_locked(deadline_ns));
  Result<Message> response = connection_->call(request, deadline_ns);
  route_pushes_locked();
  if (!response.ok()) return response.status();
  if (auto* error = std::get_if<protocol::Error>(&*response)) {
    if (retryable != nullptr) *retryable = error->retryable;
    return protocol::status_from_error(*error);
  }
  return response;
}

template <typename Response>
Result<Response> Client::call(const Message& request, CallOptions options) {
  std::lock_guard lock(mutex_);
  KMB_ASSIGN_OR_RETURN(Message response, call_locked(request, deadline_ns(options), nullptr));
  return std::get<Response>(std::move(response));
}

void Client::route_pushes_locked() {
  if (connection_ == nullptr) return;
  while (std::optional<Message> push = connection_->take_push()) {
    if (auto* events = std::get_if<protocol::SubscriptionEvents>(&*push)) {
      auto found = subscriptions_.find(events->subscription_id);
      if (found == subscriptions_.end()) continue;  // already unsubscribed
      for (std::size_t i = 0; i < events->events.size(); i++) {
        found->second.events.push_back(Event{events->first_offset + i, std::move(events->events[i])});
      }
    } else if (auto* closed = std::get_if<protocol::SubscriptionClosed>(&*push)) {
      auto found = subscriptions_.find(closed->subscription_id);
      if (found == subscriptions_.end()) continue;
      StatusCode code = closed->code == StatusCode::ok ? StatusCode::aborted : closed->code;
      found->second.closed = Status(code, "subscription closed by the server: " + closed->message);
    }
  }
}

namespace {

// Whether `sql` ends a transaction (COMMIT, END, ROLLBACK, ABORT): the server's transaction is
// over after such a statement even when it fails.
bool ends_transaction(std::string_view sql) {
  std::size_t at = sql.find_first_not_of(" \t\r\n");
  if (at == std::string_view::npos) return false;
  std::string word;
  while (at < sql.size() && std::isalpha(static_cast<unsigned char>(sql[at]))) {
    word += static_cast<char>(std::toupper(static_cast<unsigned char>(sql[at++])));
  }
  return word == "COMMIT" || word == "END" || word == "ROLLBACK" || word == "ABORT";
}

}  // namespace

bool Client::in_transaction() {
  std::lock_guard lock(mutex_);
  return transaction_generation_.has_value();
}

Result<protocol::ExecuteResponse> Client::execute(std::string_view sql, std::span<const kernel::Value> parameters,
                                                  const Audit& audit, CallOptions options) {
  protocol::Execute request;
  request.sql = std::string(sql);
  request.parameters.assign(parameters.begin(), parameters.end());
  request.actor = audit.actor;
  request.reason = audit.reason;
  std::lock_guard lock(mutex_);
  const std::uint64_t deadline = deadline_ns(options);
  if (transaction_generation_.has_value()) {
    KMB_TRY(ensure_connected_locked(deadline));
    if (generation_ != *transaction_generation_) {
      transaction_generation_.reset();
      return aborted(
          "the connection to the server was lost inside a transaction; the server rolled the transaction back "
          "and nothing of it was committed: retry the transaction");
    }
  }
  Result<Message> response = call_locked(request, deadline, nullptr);
  if (!response.ok()) {
    if (ends_transaction(sql)) transaction_generation_.reset();
    return response.status();
  }
  auto executed = std::get<protocol::ExecuteResponse>(std::move(response).value());
  if (executed.tag == "BEGIN") {
    transaction_generation_ = generation_;
  } else if (executed.tag == "COMMIT" || executed.tag == "ROLLBACK") {
    transaction_generation_.reset();
  }
  return executed;
}

Result<protocol::ExecuteResponse> Client::query(std::string_view sql, std::span<const kernel::Value> parameters,
                                                CallOptions options) {
  return execute(sql, parameters, Audit{}, options);
}

Result<protocol::ExecuteResponse> Client::query_as_of(std::string_view sql, protocol::AsOf as_of,
                                                      std::span<const kernel::Value> parameters, CallOptions options) {
  protocol::Execute request;
  request.sql = std::string(sql);
  request.parameters.assign(parameters.begin(), parameters.end());
  request.as_of = as_of;
  return call<protocol::ExecuteResponse>(request, options);
}

Result<protocol::ListTablesResponse> Client::list_tables(CallOptions options) {
  return call<protocol::ListTablesResponse>(protocol::ListTables{}, options);
}

Result<protocol::DescribeTableResponse> Client::describe_table(std::string_view table, CallOptions options) {
  return call<protocol::DescribeTableResponse>(protocol::DescribeTable{std::string(table)}, options);
}

Result<protocol::CreateStreamResponse> Client::create_stream(std::string_view stream, bool if_not_exists,
                                                             const Audit& audit, CallOptions options) {
  return call<protocol::CreateStreamResponse>(
      protocol::CreateStream{std::string(stream), if_not_exists, audit.actor, audit.reason}, options);
}

Result<protocol::AppendEventsResponse> Client::append(std::string_view stream, std::vector<Bytes> events,
                                                      std::optional<std::uint64_t> expected_offset, const Audit& audit,
                                                      CallOptions options) {
  protocol::AppendEvents request;
  request.stream = std::string(stream);
  request.expected_offset = expected_offset;
  request.idempotency_key.resize(idempotency_key_size_bytes);
  KMB_TRY(crypto::random_bytes(request.idempotency_key));
  request.events = std::move(events);
  request.actor = audit.actor;
  request.reason = audit.reason;
  const Message message = std::move(request);

  const std::uint64_t deadline = deadline_ns(options);
  const std::uint32_t attempts_max = std::max<std::uint32_t>(1, options_.append_retry.attempts_max);
  std::uint64_t backoff_ms = options_.append_retry.backoff_initial_ms;
  Status last;
  for (std::uint32_t attempt = 1;; attempt++) {
    bool retryable = false;
    {
      std::lock_guard lock(mutex_);
      Result<Message> response = call_locked(message, deadline, &retryable);
      if (response.ok()) return std::get<protocol::AppendEventsResponse>(std::move(response).value());
      last = response.status();
    }
    // Safe to resend: the idempotency key makes a second commit impossible. io_error means the
    // connection failed (the append may or may not have committed); `retryable` is the server's word.
    bool transient = retryable || last.code() == StatusCode::io_error;
    std::uint64_t now_ns = clock_->monotonic_ns();
    if (!transient || attempt >= attempts_max || now_ns >= deadline) break;
    std::uint64_t wait_ms = std::min(backoff_ms, (deadline - now_ns) / nanos_per_ms);
    sleep_ms(wait_ms);
    backoff_ms = std::min(backoff_ms * 2, options_.append_retry.backoff_max_ms);
  }
  return last.with_context("append to '" + std::string(stream) + "'");
}

Result<protocol::ReadEventsResponse> Client::read_events(std::string_view stream, std::uint64_t from_offset,
                                                         std::uint32_t count_max, CallOptions options) {
  protocol::ReadEvents request;
  request.stream = std::string(stream);
  request.from_offset = from_offset;
  request.count_max = count_max;
  return call<protocol::ReadEventsResponse>(request, options);
}

Result<std::unique_ptr<Subscription>> Client::subscribe(std::string_view stream, std::uint64_t from_offset,
                                                        std::uint32_t initial_credits, CallOptions options) {
  std::lock_guard lock(mutex_);
  KMB_ASSIGN_OR_RETURN(Message response,
                       call_locked(protocol::Subscribe{std::string(stream), from_offset, initial_credits},
                                   deadline_ns(options), nullptr));
  auto& subscribed = std::get<protocol::SubscribeResponse>(response);
  // Pushes for this id can only follow the response, so the buffer exists before any arrives.
  subscriptions_[subscribed.subscription_id];
  route_pushes_locked();
  return std::unique_ptr<Subscription>(
      new Subscription(*this, subscribed.subscription_id, generation_, from_offset, initial_credits));
}

Result<protocol::TenantInfo> Client::create_tenant(std::uint64_t tenant_id, const protocol::TenantConfig& config,
                                                   CallOptions options) {
  KMB_ASSIGN_OR_RETURN(auto response,
                       call<protocol::TenantCreateResponse>(protocol::TenantCreate{tenant_id, config}, options));
  return response.tenant;
}

Result<std::vector<protocol::TenantInfo>> Client::list_tenants(CallOptions options) {
  KMB_ASSIGN_OR_RETURN(auto response, call<protocol::TenantListResponse>(protocol::TenantList{}, options));
  return std::move(response.tenants);
}

Result<protocol::TenantInfo> Client::tenant_info(std::uint64_t tenant_id, CallOptions options) {
  KMB_ASSIGN_OR_RETURN(auto response,
                       call<protocol::TenantInfoResponse>(protocol::TenantInfoRequest{tenant_id}, options));
  return response.tenant;
}

Result<protocol::TenantInfo> Client::seal_tenant(std::uint64_t tenant_id, const Audit& audit, CallOptions options) {
  KMB_ASSIGN_OR_RETURN(auto response, call<protocol::TenantSealResponse>(
                                          protocol::TenantSeal{tenant_id, audit.actor, audit.reason}, options));
  return response.tenant;
}

Result<protocol::TenantInfo> Client::unseal_tenant(std::uint64_t tenant_id, const Audit& audit, CallOptions options) {
  KMB_ASSIGN_OR_RETURN(auto response, call<protocol::TenantUnsealResponse>(
                                          protocol::TenantUnseal{tenant_id, audit.actor, audit.reason}, options));
  return response.tenant;
}

Result<protocol::TenantInfo> Client::set_quotas(std::uint64_t tenant_id, const protocol::TenantQuotas& quotas,
                                                CallOptions options) {
  KMB_ASSIGN_OR_RETURN(auto response,
                       call<protocol::TenantSetQuotasResponse>(protocol::TenantSetQuotas{tenant_id, quotas}, options));
  return response.tenant;
}

Result<protocol::ApiKeyCreateResponse> Client::create_api_key(std::uint64_t tenant_id, protocol::Role role,
                                                              std::string_view label, CallOptions options) {
  return call<protocol::ApiKeyCreateResponse>(protocol::ApiKeyCreate{tenant_id, role, std::string(label)}, options);
}

Result<protocol::ApiKeyInfo> Client::revoke_api_key(std::string_view key_id, CallOptions options) {
  KMB_ASSIGN_OR_RETURN(auto response,
                       call<protocol::ApiKeyRevokeResponse>(protocol::ApiKeyRevoke{std::string(key_id)}, options));
  return response.key;
}

Result<protocol::ApiKeyRotateResponse> Client::rotate_api_key(std::string_view key_id, CallOptions options) {
  return call<protocol::ApiKeyRotateResponse>(protocol::ApiKeyRotate{std::string(key_id)}, options);
}

Result<std::vector<protocol::ApiKeyInfo>> Client::list_api_keys(std::optional<std::uint64_t> tenant_id,
                                                                CallOptions options) {
  KMB_ASSIGN_OR_RETURN(auto response, call<protocol::ApiKeyListResponse>(protocol::ApiKeyList{tenant_id}, options));
  return std::move(response.keys);
}

Result<protocol::VerifyChainResponse> Client::verify_chain(std::optional<std::uint64_t> tenant_id,
                                                           CallOptions options) {
  return call<protocol::VerifyChainResponse>(protocol::VerifyChain{tenant_id}, options);
}

Result<protocol::ServerInfoResponse> Client::server_info(CallOptions options) {
  return call<protocol::ServerInfoResponse>(protocol::ServerInfo{}, options);
}

Status Client::ping(CallOptions options) {
  const std::uint64_t nonce = clock_->monotonic_ns();
  KMB_ASSIGN_OR_RETURN(auto response, call<protocol::PingResponse>(protocol::Ping{nonce}, options));
  if (response.nonce != nonce) return invalid_argument("ping: the server echoed a different nonce");
  return Status::ok_status();
}

// ---- Subscription ------------------------------------------------------------------------------

Subscription::Subscription(Client& client, std::uint64_t id, std::uint64_t generation, std::uint64_t from_offset,
                           std::uint64_t credits)
    : client_(client), id_(id), generation_(generation), next_offset_(from_offset), credits_outstanding_(credits) {}

Subscription::~Subscription() {
  // Best effort: the server also drops the subscription with the connection.
  Status ignored = close(CallOptions{subscription_close_timeout_ms});
  (void)ignored;
}

Result<std::vector<Event>> Subscription::poll(std::uint64_t wait_ms) {
  if (closed_) return failed_precondition("subscription " + std::to_string(id_) + " is closed");
  std::lock_guard lock(client_.mutex_);
  auto lost = [&] {
    return aborted("subscription " + std::to_string(id_) + ": connection lost; subscribe again from offset " +
                   std::to_string(next_offset_));
  };
  if (client_.generation_ != generation_ || client_.connection_ == nullptr) return lost();
  const std::uint64_t deadline_ns = client_.clock_->monotonic_ns() + wait_ms * nanos_per_ms;
  client_.route_pushes_locked();
  auto found = client_.subscriptions_.find(id_);
  if (found == client_.subscriptions_.end()) return lost();
  Client::SubscriptionBuffer& buffer = found->second;
  while (buffer.events.empty() && !buffer.closed.has_value()) {
    if (client_.clock_->monotonic_ns() >= deadline_ns) break;
    Status waited = client_.connection_->wait_for_push(deadline_ns);
    client_.route_pushes_locked();
    if (!waited.ok()) return lost();
  }
  if (buffer.events.empty() && buffer.closed.has_value()) {
    Status closed = *buffer.closed;
    closed_ = true;
    client_.subscriptions_.erase(found);
    return closed;
  }
  std::vector<Event> events(std::make_move_iterator(buffer.events.begin()),
                            std::make_move_iterator(buffer.events.end()));
  buffer.events.clear();
  next_offset_ += events.size();
  credits_outstanding_ -= std::min<std::uint64_t>(credits_outstanding_, events.size());
  return events;
}

Status Subscription::grant(std::uint32_t credits, CallOptions options) {
  if (closed_) return failed_precondition("subscription " + std::to_string(id_) + " is closed");
  std::lock_guard lock(client_.mutex_);
  // Never let call_locked() reconnect: the new connection would not know this subscription.
  if (client_.generation_ != generation_ || client_.connection_ == nullptr ||
      !client_.connection_->take_ready_input().ok()) {
    return aborted("subscription " + std::to_string(id_) + ": connection lost");
  }
  Result<Message> response =
      client_.call_locked(protocol::SubscriptionCredit{id_, credits}, client_.deadline_ns(options), nullptr);
  if (!response.ok()) return response.status();
  credits_outstanding_ += credits;
  return Status::ok_status();
}

Status Subscription::close(CallOptions options) {
  if (closed_) return Status::ok_status();
  closed_ = true;
  std::lock_guard lock(client_.mutex_);
  if (client_.generation_ != generation_ || client_.connection_ == nullptr ||
      !client_.connection_->take_ready_input().ok()) {
    return Status::ok_status();  // the subscription died with its connection
  }
  client_.subscriptions_.erase(id_);
  Result<Message> response = client_.call_locked(protocol::Unsubscribe{id_}, client_.deadline_ns(options), nullptr);
  return response.ok() ? Status::ok_status() : response.status();
}

}  // namespace kmb::client
