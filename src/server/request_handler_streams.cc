// RequestHandler's stream and subscription requests: roles and tenants are decided here, the work
// is done by StreamService (stream_service.h).
#include <fmt/format.h>

#include "server/request_handler.h"
#include "server/session_scopes.h"

namespace kmb::server {

namespace {

// As request_handler.cc's: the key id's first 16 hex digits, recorded as the client id.
std::uint64_t client_id_of_key(std::string_view key_id) {
  std::uint64_t value = 0;
  for (char c : key_id.substr(0, 16)) {
    const int digit = c >= '0' && c <= '9' ? c - '0' : (c >= 'a' && c <= 'f' ? c - 'a' + 10 : 0);
    value = value * 16 + static_cast<std::uint64_t>(digit);
  }
  return value;
}

sql::AuditContext audit_of(const Principal& principal, const std::string& actor, const std::string& reason) {
  return sql::AuditContext{actor.empty() ? "key:" + principal.key_id : actor, reason,
                           client_id_of_key(principal.key_id)};
}

}  // namespace

std::optional<Result<protocol::Message>> RequestHandler::dispatch_stream(const Principal& principal,
                                                                         const protocol::Message& request,
                                                                         const std::shared_ptr<PushTarget>& push,
                                                                         std::function<void()>& after_queued) {
  using Response = Result<protocol::Message>;
  auto wrap = [](auto result) -> Response {
    if (!result.ok()) return result.status();
    return protocol::Message(std::move(result).value());
  };
  const bool is_stream_request = std::holds_alternative<protocol::CreateStream>(request) ||
                                 std::holds_alternative<protocol::AppendEvents>(request) ||
                                 std::holds_alternative<protocol::ReadEvents>(request) ||
                                 std::holds_alternative<protocol::Subscribe>(request) ||
                                 std::holds_alternative<protocol::SubscriptionCredit>(request) ||
                                 std::holds_alternative<protocol::Unsubscribe>(request);
  if (!is_stream_request) return std::nullopt;

  // Credits and unsubscribing concern only this connection's subscriptions.
  const std::uint64_t connection_id = push != nullptr ? push->connection_id : 0;
  if (const auto* credit = std::get_if<protocol::SubscriptionCredit>(&request)) {
    return wrap(streams_.grant(connection_id, *credit));
  }
  if (const auto* unsubscribe = std::get_if<protocol::Unsubscribe>(&request)) {
    return wrap(streams_.unsubscribe(connection_id, *unsubscribe));
  }

  // Every stream lives in the key's own tenant: a stream name never reaches another tenant.
  Result<db::Tenant*> tenant = open_tenant(principal.tenant_id);
  if (!tenant.ok()) return Response(tenant.status());
  sql::Session& session = (*tenant)->session();
  std::optional<ReadOnlySession> read_only;
  sql::Session* writer = &session;
  if (principal.role == Role::reader) {
    read_only.emplace(session, "a reader key may not write");
    writer = &*read_only;
  }

  if (const auto* create = std::get_if<protocol::CreateStream>(&request)) {
    return wrap(streams_.create_stream(*writer, *create, audit_of(principal, create->actor, create->reason)));
  }
  if (const auto* append = std::get_if<protocol::AppendEvents>(&request)) {
    // Refused before the idempotency map is consulted: a reader never hears of an append.
    if (principal.role == Role::reader)
      return Response(failed_precondition("permission denied: a reader key may not write"));
    const std::uint64_t started_ns = clock_.monotonic_ns();
    Result<protocol::AppendEventsResponse> appended =
        streams_.append(principal.tenant_id, *writer, *append, audit_of(principal, append->actor, append->reason));
    if (appended.ok() && !appended->duplicate) {
      metrics_.commit_finished(principal.tenant_id, appended->event_count, clock_.monotonic_ns() - started_ns);
    }
    return wrap(std::move(appended));
  }
  if (const auto* read = std::get_if<protocol::ReadEvents>(&request)) {
    return wrap(streams_.read(session, *read));
  }
  const auto& subscribe = std::get<protocol::Subscribe>(request);
  Result<protocol::SubscribeResponse> subscribed = streams_.subscribe(session, subscribe, push);
  if (subscribed.ok()) {
    const std::uint64_t subscription_id = subscribed->subscription_id;
    after_queued = [this, connection_id, subscription_id] { streams_.activate(connection_id, subscription_id); };
  }
  return wrap(std::move(subscribed));
}

}  // namespace kmb::server
