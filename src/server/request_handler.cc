#include "server/request_handler.h"

#include <fmt/format.h>

#include <exception>
#include <optional>
#include <utility>

#include "log/data_directory.h"
#include "log/verify.h"
#include "server/session_scopes.h"

namespace kmb::server {

namespace {

protocol::TenantQuotas to_protocol_quotas(const db::TenantQuotas& quotas) {
  return protocol::TenantQuotas{quotas.storage_bytes_max, quotas.records_per_second, quotas.bytes_per_second};
}

db::TenantQuotas from_protocol_quotas(const protocol::TenantQuotas& quotas) {
  return db::TenantQuotas{quotas.storage_bytes_max, quotas.records_per_second, quotas.bytes_per_second};
}

protocol::TenantInfo to_protocol_tenant(const db::TenantInfo& info) {
  protocol::TenantInfo out;
  out.tenant_id = info.tenant_id;
  out.name = info.name;
  out.region = info.region;
  out.quotas = to_protocol_quotas(info.quotas);
  out.sealed = info.sealed;
  out.record_count = info.record_count;
  out.log_bytes = info.log_bytes;
  out.head_hash = info.head_hash;
  out.recovery = info.recovery;
  return out;
}

// The key id's first 16 hex digits as a number: the client id stored in every record the key
// writes, so the log itself says which key wrote what.
std::uint64_t client_id_of(std::string_view key_id) {
  std::uint64_t value = 0;
  for (char c : key_id.substr(0, 16)) {
    const int digit = c >= '0' && c <= '9' ? c - '0' : (c >= 'a' && c <= 'f' ? c - 'a' + 10 : 0);
    value = value * 16 + static_cast<std::uint64_t>(digit);
  }
  return value;
}

protocol::Error to_error(const Status& status) {
  return protocol::error_from_status(status);
}

// The engine runs with the server's clock, so that a statement can be given a time limit (the
// I/O thread's inline reads); without a limit (the default) the clock is never read.
sql::EngineOptions engine_options(io::Clock& clock) {
  sql::EngineOptions options;
  options.clock = &clock;
  return options;
}

sql::AuditContext audit_context(const Principal& principal, const protocol::Execute& request) {
  sql::AuditContext audit;
  audit.actor = request.actor.empty() ? "key:" + principal.key_id : request.actor;
  audit.reason = request.reason;
  audit.client_id = client_id_of(principal.key_id);
  return audit;
}

protocol::Message to_execute_response(sql::QueryResult result) {
  protocol::ExecuteResponse response;
  response.columns = std::move(result.columns);
  response.types = std::move(result.types);
  response.rows = std::move(result.rows);
  response.rows_affected = result.rows_affected;
  response.position = result.position;
  response.tag = std::move(result.tag);
  return protocol::Message(std::move(response));
}

// The two halves of an Execute acknowledged from durability: the statement's result, from the
// worker that ran it, and the durability outcome, from the tenant's log (usually its flusher
// thread). They arrive in either order; whichever comes second answers, so the client hears of
// success only once the write is durable, and hears the error that lost it otherwise.
// Thread-safety: thread-safe; shared by the worker and the durability callback.
class DeferredAnswer {
 public:
  // `finished` runs once, after the completion was called or the answer cancelled.
  DeferredAnswer(DeferredCompletion complete, Metrics& metrics, io::Clock& clock, std::uint64_t tenant_id,
                 std::uint64_t started_ns, std::function<void()> finished)
      : complete_(std::move(complete)),
        metrics_(metrics),
        clock_(clock),
        tenant_id_(tenant_id),
        started_ns_(started_ns),
        finished_(std::move(finished)) {
    KMB_ASSERT(complete_ != nullptr);
  }

  void result_ready(sql::QueryResult result) {
    std::unique_lock<std::mutex> lock(mutex_);
    KMB_ASSERT(!cancelled_);
    KMB_ASSERT(!result_.has_value());
    result_ = std::move(result);
    deliver_if_complete(lock);
  }

  void durable(Status status) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (cancelled_) return;
    KMB_ASSERT(!durable_.has_value());
    durable_ = std::move(status);
    deliver_if_complete(lock);
  }

  // The statement produced no result (an error, so nothing was written, or an exception): the
  // worker answers it synchronously, and a durability outcome arriving anyway is dropped.
  void cancel() {
    std::unique_lock<std::mutex> lock(mutex_);
    KMB_ASSERT(!result_.has_value());
    KMB_ASSERT(!cancelled_);
    cancelled_ = true;
    complete_ = nullptr;  // Lets go of the connection now, not whenever a late callback runs.
    lock.unlock();
    finished_();
  }

 private:
  void deliver_if_complete(std::unique_lock<std::mutex>& lock) {
    if (!result_.has_value() || !durable_.has_value()) return;
    HandledRequest handled;
    handled.tenant_id = tenant_id_;
    if (durable_->ok()) {
      if (result_->position.has_value()) {  // a committed write, durable now
        metrics_.commit_finished(tenant_id_, result_->rows_affected, clock_.monotonic_ns() - started_ns_);
      }
      handled.response = to_execute_response(std::move(*result_));
    } else {
      handled.code = durable_->code();
      handled.response = to_error(*durable_);
    }
    DeferredCompletion complete = std::move(complete_);
    complete_ = nullptr;
    lock.unlock();
    complete(std::move(handled));
    finished_();
  }

  std::mutex mutex_;
  DeferredCompletion complete_;
  Metrics& metrics_;
  io::Clock& clock_;
  const std::uint64_t tenant_id_;
  const std::uint64_t started_ns_;
  std::function<void()> finished_;
  std::optional<sql::QueryResult> result_;
  std::optional<Status> durable_;
  bool cancelled_ = false;
};

}  // namespace

protocol::Role to_protocol_role(Role role) {
  return static_cast<protocol::Role>(static_cast<std::uint8_t>(role));
}
Role from_protocol_role(protocol::Role role) {
  return static_cast<Role>(static_cast<std::uint8_t>(role));
}

protocol::ApiKeyInfo to_protocol_key(const ApiKeyInfo& key) {
  protocol::ApiKeyInfo out;
  out.key_id = key.id;
  out.tenant_id = key.tenant_id;
  out.role = to_protocol_role(key.role);
  out.label = key.label;
  out.created_at_ns = key.created_ns;
  out.revoked = key.revoked;
  return out;
}

RequestHandler::RequestHandler(db::Database& database, ApiKeyStore& keys, Metrics& metrics, io::Storage& storage,
                               io::Clock& clock, HandlerOptions options)
    : database_(database),
      keys_(keys),
      metrics_(metrics),
      storage_(storage),
      clock_(clock),
      options_(std::move(options)),
      engine_(engine_options(clock)),
      started_ns_(clock.monotonic_ns()),
      streams_(StreamServiceOptions{.frame_body_size_max_bytes = options_.frame_body_size_max_bytes}) {}

HandledRequest RequestHandler::hello(const protocol::Hello& hello, std::uint64_t session_id, Principal& principal) {
  HandledRequest handled;
  if (hello.version_min > protocol::protocol_version_max || hello.version_max < protocol::protocol_version_min ||
      hello.version_min > hello.version_max) {
    handled.code = StatusCode::unsupported;
    handled.response = to_error(
        unsupported(fmt::format("no common protocol version: client speaks {}..{}, server {}..{}", hello.version_min,
                                hello.version_max, protocol::protocol_version_min, protocol::protocol_version_max)));
    return handled;
  }
  Result<ApiKeyInfo> key = keys_.authenticate(hello.api_key);
  if (!key.ok()) {
    metrics_.authentication_failed();
    handled.code = key.status().code();
    handled.response = to_error(key.status());
    return handled;
  }
  principal.key_id = key->id;
  principal.tenant_id = key->tenant_id;
  principal.role = key->role;
  principal.connection_id = session_id;
  protocol::HelloResponse response;
  response.version = std::min(hello.version_max, protocol::protocol_version_max);
  response.tenant_id = key->tenant_id;
  response.role = to_protocol_role(key->role);
  response.key_id = key->id;
  response.server_version = options_.server_version;
  response.frame_body_size_max_bytes = options_.frame_body_size_max_bytes;
  response.session_id = session_id;
  handled.tenant_id = key->tenant_id;
  handled.response = std::move(response);
  return handled;
}

RequestHandler::~RequestHandler() {
  wait_for_deferred();
}

void RequestHandler::wait_for_deferred() {
  std::unique_lock<std::mutex> lock(deferred_mutex_);
  deferred_idle_.wait(lock, [&] { return deferred_pending_ == 0; });
}

void RequestHandler::deferred_finished() {
  std::lock_guard<std::mutex> lock(deferred_mutex_);
  KMB_ASSERT(deferred_pending_ > 0);
  deferred_pending_--;
  if (deferred_pending_ == 0) deferred_idle_.notify_all();
}

HandledRequest RequestHandler::handle(const Principal& principal, const protocol::Message& request,
                                      const std::string& peer, const std::shared_ptr<PushTarget>& push,
                                      DeferredCompletion complete) {
  HandledRequest handled;
  handled.tenant_id = principal.tenant_id;
  std::optional<Deferral> deferral;
  if (complete != nullptr) deferral.emplace(Deferral{std::move(complete)});
  // Revocation and rotation take effect on the very next request of every open connection.
  Result<ApiKeyInfo> current = keys_.check(principal.key_id);
  Result<protocol::Message> response = internal_error("request not dispatched");
  if (!current.ok()) {
    response = current.status();
  } else {
    // A worker thread must survive anything one request does: an exception escaping here would
    // end the process, and every other client's session with it.
    try {
      response = dispatch(principal, request, peer, push, handled.after_queued, deferral ? &*deferral : nullptr);
    } catch (const std::exception& exception) {
      response = internal_error(std::string("unexpected exception: ") + exception.what());
    }
  }
  if (deferral.has_value() && deferral->taken) {
    handled.deferred = true;  // The completion answers.
    return handled;
  }
  if (response.ok()) {
    handled.response = std::move(response).value();
  } else {
    handled.code = response.status().code();
    handled.response = to_error(response.status());
  }
  return handled;
}

std::optional<HandledRequest> RequestHandler::try_handle_inline(const Principal& principal,
                                                                const protocol::Message& request) {
  const auto* ping = std::get_if<protocol::Ping>(&request);
  const auto* execute_request = std::get_if<protocol::Execute>(&request);
  if (ping == nullptr && execute_request == nullptr) return std::nullopt;
  if (execute_request != nullptr) {
    if (!engine_.is_read_only(execute_request->sql)) return std::nullopt;
    // Inside a transaction the statement belongs to the connection's conversation, whose mutex a
    // worker may hold; conservatively, any conversation of this connection sends it there.
    if (sql_connections_.find(principal.connection_id) != nullptr) return std::nullopt;
  }
  // A revoked key gets its refusal from handle(), the one place that answers it.
  if (!keys_.check(principal.key_id).ok()) return std::nullopt;
  HandledRequest handled;
  handled.tenant_id = principal.tenant_id;
  if (ping != nullptr) {
    handled.response = protocol::Message(protocol::PingResponse{ping->nonce});
    return handled;
  }
  // Opening a tenant reads its files: that is a worker's job.
  db::Tenant* tenant = database_.tenant_if_open(principal.tenant_id);
  if (tenant == nullptr) return std::nullopt;
  sql::ExecutionControl control;
  control.query_time_max_ms = inline_read_time_max_ms;
  // The event loop must not be held for long: check the budget every few rows of work (a large
  // result gives up quickly and goes to a worker), not every QueryGuard default interval.
  control.check_interval_rows = inline_read_check_interval_rows;
  Result<sql::QueryResult> result = internal_error("statement not run");
  try {
    result =
        execute_autocommit(*tenant, principal, *execute_request, audit_context(principal, *execute_request), control);
  } catch (const std::exception&) {
    return std::nullopt;  // handle() runs it again and reports the exception
  }
  if (!result.ok()) {
    // Over the inline time (or memory) limit: a worker runs it with the server's own limits.
    if (result.status().code() == StatusCode::resource_exhausted) return std::nullopt;
    handled.code = result.status().code();
    handled.response = to_error(result.status());
    return handled;
  }
  handled.response = to_execute_response(std::move(result).value());
  return handled;
}

Status RequestHandler::authorize(const Principal& principal, std::uint64_t requested_tenant_id, bool needs_admin,
                                 std::string_view operation, const std::string& peer) {
  if (principal.role == Role::admin) return Status::ok_status();
  const bool other_tenant = requested_tenant_id != principal.tenant_id;
  if (!needs_admin && !other_tenant) return Status::ok_status();
  const std::string why =
      other_tenant
          ? fmt::format("a key of tenant {} may not access tenant {}", principal.tenant_id, requested_tenant_id)
          : fmt::format("{} needs an admin key (this key is {})", operation, role_name(principal.role));
  metrics_.access_denied(principal.tenant_id);
  // The refusal is durable in the audit trail before the client hears of it.
  KMB_TRY(keys_.audit_denied(principal.key_id, principal.tenant_id, requested_tenant_id, operation, peer, why)
              .with_context("recording a refused request"));
  return failed_precondition("permission denied: " + why);
}

Result<db::Tenant*> RequestHandler::open_tenant(std::uint64_t tenant_id) {
  Result<db::Tenant*> tenant = database_.tenant(tenant_id, /*create=*/false);
  if (!tenant.ok() && tenant.status().code() == StatusCode::not_found) {
    return not_found(fmt::format("tenant {} does not exist", tenant_id));
  }
  return tenant;
}

Result<protocol::TenantInfo> RequestHandler::tenant_info(std::uint64_t tenant_id) {
  KMB_ASSIGN_OR_RETURN(db::TenantInfo info, database_.tenant_info(tenant_id));
  return to_protocol_tenant(info);
}

Result<protocol::Message> RequestHandler::dispatch(const Principal& principal, const protocol::Message& request,
                                                   const std::string& peer, const std::shared_ptr<PushTarget>& push,
                                                   std::function<void()>& after_queued, Deferral* deferral) {
  const std::uint64_t own = principal.tenant_id;
  if (const auto* ping = std::get_if<protocol::Ping>(&request))
    return protocol::Message(protocol::PingResponse{ping->nonce});
  if (const auto* execute_request = std::get_if<protocol::Execute>(&request))
    return execute(principal, *execute_request, deferral);
  if (std::holds_alternative<protocol::ListTables>(request)) return list_tables(principal);
  if (const auto* describe = std::get_if<protocol::DescribeTable>(&request))
    return describe_table(principal, *describe);
  if (std::holds_alternative<protocol::ServerInfo>(request)) return server_info();

  if (const auto* create = std::get_if<protocol::TenantCreate>(&request)) {
    KMB_TRY(authorize(principal, create->tenant_id, true, "tenant_create", peer));
    db::TenantConfig config{create->config.name, create->config.region, from_protocol_quotas(create->config.quotas)};
    KMB_ASSIGN_OR_RETURN(db::Tenant * tenant, database_.create_tenant(create->tenant_id, config));
    (void)tenant;
    KMB_ASSIGN_OR_RETURN(protocol::TenantInfo info, tenant_info(create->tenant_id));
    return protocol::Message(protocol::TenantCreateResponse{std::move(info)});
  }
  if (std::holds_alternative<protocol::TenantList>(request)) {
    KMB_TRY(authorize(principal, own, true, "tenant_list", peer));
    KMB_ASSIGN_OR_RETURN(std::vector<db::TenantInfo> tenants, database_.list_tenants());
    protocol::TenantListResponse response;
    for (const db::TenantInfo& info : tenants) response.tenants.push_back(to_protocol_tenant(info));
    return protocol::Message(std::move(response));
  }
  if (const auto* info = std::get_if<protocol::TenantInfoRequest>(&request)) {
    KMB_TRY(authorize(principal, info->tenant_id, false, "tenant_info", peer));
    KMB_ASSIGN_OR_RETURN(protocol::TenantInfo tenant, tenant_info(info->tenant_id));
    return protocol::Message(protocol::TenantInfoResponse{std::move(tenant)});
  }
  if (const auto* seal = std::get_if<protocol::TenantSeal>(&request)) {
    KMB_TRY(authorize(principal, seal->tenant_id, true, "tenant_seal", peer));
    KMB_TRY(
        database_.seal(seal->tenant_id, sql::AuditContext{seal->actor, seal->reason, client_id_of(principal.key_id)}));
    KMB_ASSIGN_OR_RETURN(protocol::TenantInfo tenant, tenant_info(seal->tenant_id));
    return protocol::Message(protocol::TenantSealResponse{std::move(tenant)});
  }
  if (const auto* unseal = std::get_if<protocol::TenantUnseal>(&request)) {
    KMB_TRY(authorize(principal, unseal->tenant_id, true, "tenant_unseal", peer));
    KMB_TRY(database_.unseal(unseal->tenant_id,
                             sql::AuditContext{unseal->actor, unseal->reason, client_id_of(principal.key_id)}));
    KMB_ASSIGN_OR_RETURN(protocol::TenantInfo tenant, tenant_info(unseal->tenant_id));
    return protocol::Message(protocol::TenantUnsealResponse{std::move(tenant)});
  }
  if (const auto* quotas = std::get_if<protocol::TenantSetQuotas>(&request)) {
    KMB_TRY(authorize(principal, quotas->tenant_id, true, "tenant_set_quotas", peer));
    KMB_TRY(database_.set_quotas(quotas->tenant_id, from_protocol_quotas(quotas->quotas)));
    KMB_ASSIGN_OR_RETURN(protocol::TenantInfo tenant, tenant_info(quotas->tenant_id));
    return protocol::Message(protocol::TenantSetQuotasResponse{std::move(tenant)});
  }

  if (const auto* create = std::get_if<protocol::ApiKeyCreate>(&request)) {
    KMB_TRY(authorize(principal, create->tenant_id, true, "api_key_create", peer));
    KMB_ASSIGN_OR_RETURN(protocol::TenantInfo tenant, tenant_info(create->tenant_id));
    (void)tenant;  // a key for a tenant that does not exist would authenticate into nothing
    KMB_ASSIGN_OR_RETURN(CreatedKey created, keys_.create(create->tenant_id, from_protocol_role(create->role),
                                                          create->label, KeyActor{principal.key_id, "api_key_create"}));
    return protocol::Message(protocol::ApiKeyCreateResponse{to_protocol_key(created.info), std::move(created.key)});
  }
  if (const auto* revoke = std::get_if<protocol::ApiKeyRevoke>(&request)) {
    Result<ApiKeyInfo> target = keys_.get(revoke->key_id);
    KMB_TRY(authorize(principal, target.ok() ? target->tenant_id : 0, true, "api_key_revoke", peer));
    KMB_TRY(target.status());
    KMB_TRY(keys_.revoke(revoke->key_id, KeyActor{principal.key_id, "api_key_revoke"}));
    KMB_ASSIGN_OR_RETURN(ApiKeyInfo revoked, keys_.get(revoke->key_id));
    return protocol::Message(protocol::ApiKeyRevokeResponse{to_protocol_key(revoked)});
  }
  if (const auto* rotate = std::get_if<protocol::ApiKeyRotate>(&request)) {
    Result<ApiKeyInfo> target = keys_.get(rotate->key_id);
    KMB_TRY(authorize(principal, target.ok() ? target->tenant_id : 0, true, "api_key_rotate", peer));
    KMB_TRY(target.status());
    KMB_ASSIGN_OR_RETURN(CreatedKey created,
                         keys_.rotate(rotate->key_id, KeyActor{principal.key_id, "api_key_rotate"}));
    return protocol::Message(protocol::ApiKeyRotateResponse{to_protocol_key(created.info), std::move(created.key)});
  }
  if (const auto* list = std::get_if<protocol::ApiKeyList>(&request)) {
    KMB_TRY(authorize(principal, list->tenant_id.value_or(0), true, "api_key_list", peer));
    protocol::ApiKeyListResponse response;
    for (const ApiKeyInfo& key : keys_.list(list->tenant_id)) response.keys.push_back(to_protocol_key(key));
    return protocol::Message(std::move(response));
  }
  if (const auto* verify = std::get_if<protocol::VerifyChain>(&request)) {
    const std::uint64_t tenant_id = verify->tenant_id.value_or(own);
    KMB_TRY(authorize(principal, tenant_id, false, "verify_chain", peer));
    return verify_chain(tenant_id);
  }

  const protocol::MessageType type = protocol::message_type(request);
  if (std::holds_alternative<protocol::Hello>(request)) {
    return failed_precondition("the session is already authenticated");
  }
  if (!protocol::is_request(type)) {
    return invalid_argument(fmt::format("{} is not a request", protocol::message_type_name(type)));
  }
  if (auto streamed = dispatch_stream(principal, request, push, after_queued)) return std::move(*streamed);
  return unsupported(fmt::format("{} is not served by this server version", protocol::message_type_name(type)));
}

Result<protocol::Message> RequestHandler::execute(const Principal& principal, const protocol::Execute& request,
                                                  Deferral* deferral) {
  KMB_ASSIGN_OR_RETURN(db::Tenant * tenant, open_tenant(principal.tenant_id));
  const sql::AuditContext audit = audit_context(principal, request);

  const std::uint64_t started_ns = clock_.monotonic_ns();
  sql::QueryResult result;
  // BEGIN, and every statement of an open transaction, run on the network connection's
  // sql::Connection (sql_connections.h); everything else is autocommit below.
  std::shared_ptr<SqlConnections::Entry> conversation = sql_connections_.find(principal.connection_id);
  std::unique_lock<std::mutex> conversation_lock;
  if (conversation != nullptr) {
    conversation_lock = std::unique_lock<std::mutex>(conversation->mutex);
    if (!conversation->connection->in_transaction()) {
      conversation_lock.unlock();
      conversation.reset();
    }
  }
  if (conversation == nullptr && SqlConnections::begins_transaction(request.sql)) {
    conversation = sql_connections_.find_or_create(principal.connection_id, principal.tenant_id, engine_,
                                                   tenant->session(), principal.role == Role::reader);
    conversation_lock = std::unique_lock<std::mutex>(conversation->mutex);
  }
  if (conversation != nullptr) {
    if (request.as_of.kind != protocol::AsOfKind::latest) {
      return invalid_argument(
          "a query as of a position or timestamp cannot run inside a transaction; use AS OF in the SQL text");
    }
    KMB_ASSIGN_OR_RETURN(result, conversation->connection->execute(request.sql, request.parameters, audit));
  } else if (deferral != nullptr) {
    return execute_deferred(*tenant, principal, request, audit, started_ns, *deferral);
  } else {
    KMB_ASSIGN_OR_RETURN(result, execute_autocommit(*tenant, principal, request, audit));
  }
  if (result.position.has_value()) {  // a committed (durable) write
    metrics_.commit_finished(principal.tenant_id, result.rows_affected, clock_.monotonic_ns() - started_ns);
  }
  return to_execute_response(std::move(result));
}

Result<sql::QueryResult> RequestHandler::execute_autocommit(db::Tenant& tenant, const Principal& principal,
                                                            const protocol::Execute& request,
                                                            const sql::AuditContext& audit,
                                                            const sql::ExecutionControl& control,
                                                            std::function<void(Status)> on_durable) {
  sql::Session* session = &tenant.session();
  std::optional<ReadOnlySession> read_only;
  if (principal.role == Role::reader) {
    read_only.emplace(*session, "a reader key may not write");
    session = &*read_only;
  }
  std::optional<PinnedSession> pinned;
  if (request.as_of.kind != protocol::AsOfKind::latest) {
    kernel::Position position = request.as_of.value;
    if (request.as_of.kind == protocol::AsOfKind::timestamp) {
      KMB_ASSIGN_OR_RETURN(std::unique_ptr<projection::ReadView> view, tenant.session().read_view());
      KMB_ASSIGN_OR_RETURN(position, view->position_at_timestamp(request.as_of.value));
    }
    pinned.emplace(*session, position);
    session = &*pinned;
  }
  if (on_durable != nullptr) {
    return engine_.execute_deferred(*session, request.sql, request.parameters, audit, control, std::move(on_durable));
  }
  return engine_.execute(*session, request.sql, request.parameters, audit, control);
}

Result<protocol::Message> RequestHandler::execute_deferred(db::Tenant& tenant, const Principal& principal,
                                                           const protocol::Execute& request,
                                                           const sql::AuditContext& audit, std::uint64_t started_ns,
                                                           Deferral& deferral) {
  {
    std::lock_guard<std::mutex> lock(deferred_mutex_);
    deferred_pending_++;
  }
  auto answer = std::make_shared<DeferredAnswer>(std::move(deferral.complete), metrics_, clock_, principal.tenant_id,
                                                 started_ns, [this] { deferred_finished(); });
  Result<sql::QueryResult> result = internal_error("statement not run");
  try {
    result = execute_autocommit(tenant, principal, request, audit, {},
                                [answer](Status durable) { answer->durable(std::move(durable)); });
  } catch (...) {
    answer->cancel();
    throw;  // handle() answers it like any other request's exception
  }
  if (!result.ok()) {
    answer->cancel();  // Nothing was written: execute_deferred never reports durability.
    return result.status();
  }
  deferral.taken = true;
  answer->result_ready(std::move(result).value());
  return protocol::Message(protocol::ExecuteResponse{});  // A placeholder: the completion answers.
}

Result<protocol::Message> RequestHandler::list_tables(const Principal& principal) {
  KMB_ASSIGN_OR_RETURN(db::Tenant * tenant, open_tenant(principal.tenant_id));
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<projection::ReadView> view, tenant->session().read_view());
  protocol::ListTablesResponse response;
  const std::optional<kernel::Position> position = view->position();
  if (!position.has_value()) return protocol::Message(std::move(response));
  for (const kernel::TableDef& table : view->catalog().tables()) {
    if (table.created_at > *position || table.dropped_at <= *position) continue;
    std::uint32_t columns = 0;
    for (const kernel::ColumnDef& column : table.columns) columns += column.alive_at(*position) ? 1 : 0;
    response.tables.push_back(protocol::TableSummary{table.name, columns});
  }
  return protocol::Message(std::move(response));
}

Result<protocol::Message> RequestHandler::describe_table(const Principal& principal,
                                                         const protocol::DescribeTable& request) {
  KMB_ASSIGN_OR_RETURN(db::Tenant * tenant, open_tenant(principal.tenant_id));
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<projection::ReadView> view, tenant->session().read_view());
  const std::optional<kernel::Position> position = view->position();
  const kernel::TableDef* table = position ? view->catalog().find_table(request.table, *position) : nullptr;
  if (table == nullptr) return not_found("no table named '" + request.table + "'");
  protocol::DescribeTableResponse response;
  response.table = table->name;
  for (std::uint32_t i = 0; i < table->columns.size(); i++) {
    const kernel::ColumnDef& column = table->columns[i];
    if (!column.alive_at(*position)) continue;
    bool primary = false;
    for (std::uint32_t key : table->primary_key) primary = primary || key == i;
    response.columns.push_back(protocol::ColumnInfo{column.name, column.type, column.not_null, primary, column.unique});
  }
  for (const kernel::IndexDef& index : table->indexes) {
    if (index.created_at > *position || index.dropped_at <= *position) continue;
    protocol::IndexInfo info{index.name, {}, index.unique};
    for (std::uint32_t column : index.columns) info.columns.push_back(table->columns[column].name);
    response.indexes.push_back(std::move(info));
  }
  return protocol::Message(std::move(response));
}

Result<protocol::Message> RequestHandler::verify_chain(std::uint64_t tenant_id) {
  KMB_ASSIGN_OR_RETURN(db::Tenant * tenant, open_tenant(tenant_id));
  KMB_ASSIGN_OR_RETURN(db::TenantInfo before, tenant->info());
  KMB_ASSIGN_OR_RETURN(log::VerifyReport report,
                       log::verify_partition(storage_, log::partition_directory(database_.directory(), tenant_id)));
  protocol::VerifyChainResponse response;
  response.tenant_id = tenant_id;
  response.segment_count = report.segment_count;
  response.record_count = report.record_count;
  response.byte_count = report.byte_count;
  response.head_hash = to_hex(ByteSpan(report.head_hash));
  // Writers keep appending while the chain is walked: a record still being written past the
  // durable end seen before the walk is in flight, not damage.
  const bool in_flight_tail = report.problem.has_value() && report.problem->offset >= before.record_count;
  response.intact = report.intact() || in_flight_tail;
  if (!response.intact) {
    response.problem = report.problem->segment + ": " + report.problem->reason;
    response.problem_offset = report.problem->offset;
  }
  return protocol::Message(std::move(response));
}

Result<protocol::Message> RequestHandler::server_info() {
  protocol::ServerInfoResponse response;
  response.server_version = options_.server_version;
  response.uptime_ms = (clock_.monotonic_ns() - started_ns_) / 1'000'000;
  response.server_time_ns = clock_.realtime_ns();
  KMB_ASSIGN_OR_RETURN(std::vector<std::uint64_t> tenants, database_.tenant_ids());
  response.tenant_count = tenants.size();
  response.connection_count = connection_count_ ? connection_count_() : 0;
  response.frame_body_size_max_bytes = options_.frame_body_size_max_bytes;
  response.tls = options_.tls;
  response.regions = options_.regions;
  return protocol::Message(std::move(response));
}

}  // namespace kmb::server
