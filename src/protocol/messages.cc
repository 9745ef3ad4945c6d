#include "protocol/messages.h"

#include <array>
#include <string>
#include <type_traits>

#include "protocol/wire.h"

namespace kmb::protocol {
namespace {

// Each message's fields, in wire order, written once for Writer (M const) and Reader (M mutable).
template <typename T>
struct Fields;

#define KMB_FIELDS(Type, ...)                                         \
  template <>                                                         \
  struct Fields<Type> {                                               \
    template <typename V, typename M>                                 \
    static void apply([[maybe_unused]] V& v, [[maybe_unused]] M& m) { \
      __VA_ARGS__                                                     \
    }                                                                 \
  };

template <typename T, typename V, typename M>
void nested(V& v, M& m) {
  Fields<T>::apply(v, m);
}

// Shared pieces.
KMB_FIELDS(TenantQuotas, v.u64(m.storage_bytes_max); v.u64(m.records_per_second); v.u64(m.bytes_per_second);)
KMB_FIELDS(TenantConfig, v.name(m.name); v.name(m.region); nested<TenantQuotas>(v, m.quotas);)
KMB_FIELDS(TenantInfo, v.u64(m.tenant_id); v.name(m.name); v.name(m.region); nested<TenantQuotas>(v, m.quotas);
           v.boolean(m.sealed); v.u64(m.record_count); v.u64(m.log_bytes); v.name(m.head_hash); v.text(m.recovery);)
KMB_FIELDS(ApiKeyInfo, v.name(m.key_id); v.u64(m.tenant_id); v.role(m.role); v.name(m.label); v.u64(m.created_at_ns);
           v.boolean(m.revoked);)
KMB_FIELDS(ColumnInfo, v.name(m.name); v.type(m.type); v.boolean(m.not_null); v.boolean(m.primary_key);
           v.boolean(m.unique);)
KMB_FIELDS(IndexInfo, v.name(m.name); v.list(m.columns, columns_max, [&](auto& c) { v.name(c); }); v.boolean(m.unique);)
KMB_FIELDS(TableSummary, v.name(m.name); v.u32(m.column_count);)

// Session.
KMB_FIELDS(Hello, v.u16(m.version_min); v.u16(m.version_max); v.string(m.api_key, api_key_size_max_bytes);
           v.name(m.client_name);)
KMB_FIELDS(HelloResponse, v.u16(m.version); v.u64(m.tenant_id); v.role(m.role); v.name(m.key_id);
           v.name(m.server_version); v.u32(m.frame_body_size_max_bytes); v.u64(m.session_id);)
KMB_FIELDS(Ping, v.u64(m.nonce);)
KMB_FIELDS(PingResponse, v.u64(m.nonce);)

// SQL.
KMB_FIELDS(Execute, v.text(m.sql); v.list(m.parameters, parameters_max, [&](auto& p) { v.value(p); }); v.name(m.actor);
           v.text(m.reason); v.as_of(m.as_of);)
KMB_FIELDS(ExecuteResponse, v.list(m.columns, columns_max, [&](auto& c) { v.name(c); });
           v.list(m.types, columns_max, [&](auto& t) { v.type(t); });
           v.list(m.rows, frame_body_size_limit_bytes,
                  [&](auto& row) { v.list(row, columns_max, [&](auto& value) { v.value(value); }); });
           v.u64(m.rows_affected); v.optional_u64(m.position); v.text(m.tag);)
KMB_FIELDS(ListTables, )
KMB_FIELDS(ListTablesResponse, v.list(m.tables, list_entries_max, [&](auto& t) { nested<TableSummary>(v, t); });)
KMB_FIELDS(DescribeTable, v.name(m.table);)
KMB_FIELDS(DescribeTableResponse, v.name(m.table);
           v.list(m.columns, columns_max, [&](auto& c) { nested<ColumnInfo>(v, c); });
           v.list(m.indexes, list_entries_max, [&](auto& i) { nested<IndexInfo>(v, i); });)

// Streams.
KMB_FIELDS(CreateStream, v.name(m.stream); v.boolean(m.if_not_exists); v.name(m.actor); v.text(m.reason);)
KMB_FIELDS(CreateStreamResponse, v.u64(m.position); v.boolean(m.created);)
KMB_FIELDS(AppendEvents, v.name(m.stream); v.optional_u64(m.expected_offset);
           v.blob(m.idempotency_key, idempotency_key_size_max_bytes);
           v.list(m.events, events_per_message_max, [&](auto& e) { v.blob(e, frame_body_size_limit_bytes); });
           v.name(m.actor); v.text(m.reason);)
KMB_FIELDS(AppendEventsResponse, v.u64(m.first_offset); v.u64(m.event_count); v.u64(m.position);
           v.boolean(m.duplicate);)
KMB_FIELDS(ReadEvents, v.name(m.stream); v.u64(m.from_offset); v.u32(m.count_max); v.u32(m.bytes_max);)
KMB_FIELDS(ReadEventsResponse, v.u64(m.first_offset);
           v.list(m.events, events_per_message_max, [&](auto& e) { v.blob(e, frame_body_size_limit_bytes); });
           v.u64(m.stream_length);)
KMB_FIELDS(Subscribe, v.name(m.stream); v.u64(m.from_offset); v.u32(m.initial_credits);)
KMB_FIELDS(SubscribeResponse, v.u64(m.subscription_id); v.u64(m.stream_length);)
KMB_FIELDS(SubscriptionCredit, v.u64(m.subscription_id); v.u32(m.credits);)
KMB_FIELDS(SubscriptionCreditResponse, v.u64(m.subscription_id); v.u64(m.credits_available);)
KMB_FIELDS(Unsubscribe, v.u64(m.subscription_id);)
KMB_FIELDS(UnsubscribeResponse, v.u64(m.subscription_id);)
KMB_FIELDS(SubscriptionEvents, v.u64(m.subscription_id); v.u64(m.first_offset);
           v.list(m.events, events_per_message_max, [&](auto& e) { v.blob(e, frame_body_size_limit_bytes); });)
KMB_FIELDS(SubscriptionClosed, v.u64(m.subscription_id); v.status_code(m.code); v.text(m.message);)

// Tenant administration.
KMB_FIELDS(TenantCreate, v.u64(m.tenant_id); nested<TenantConfig>(v, m.config);)
KMB_FIELDS(TenantCreateResponse, nested<TenantInfo>(v, m.tenant);)
KMB_FIELDS(TenantList, )
KMB_FIELDS(TenantListResponse, v.list(m.tenants, list_entries_max, [&](auto& t) { nested<TenantInfo>(v, t); });)
KMB_FIELDS(TenantInfoRequest, v.u64(m.tenant_id);)
KMB_FIELDS(TenantInfoResponse, nested<TenantInfo>(v, m.tenant);)
KMB_FIELDS(TenantSeal, v.u64(m.tenant_id); v.name(m.actor); v.text(m.reason);)
KMB_FIELDS(TenantSealResponse, nested<TenantInfo>(v, m.tenant);)
KMB_FIELDS(TenantUnseal, v.u64(m.tenant_id); v.name(m.actor); v.text(m.reason);)
KMB_FIELDS(TenantUnsealResponse, nested<TenantInfo>(v, m.tenant);)
KMB_FIELDS(TenantSetQuotas, v.u64(m.tenant_id); nested<TenantQuotas>(v, m.quotas);)
KMB_FIELDS(TenantSetQuotasResponse, nested<TenantInfo>(v, m.tenant);)

// API-key administration.
KMB_FIELDS(ApiKeyCreate, v.u64(m.tenant_id); v.role(m.role); v.name(m.label);)
KMB_FIELDS(ApiKeyCreateResponse, nested<ApiKeyInfo>(v, m.key); v.string(m.secret, api_key_size_max_bytes);)
KMB_FIELDS(ApiKeyRevoke, v.name(m.key_id);)
KMB_FIELDS(ApiKeyRevokeResponse, nested<ApiKeyInfo>(v, m.key);)
KMB_FIELDS(ApiKeyRotate, v.name(m.key_id);)
KMB_FIELDS(ApiKeyRotateResponse, nested<ApiKeyInfo>(v, m.key); v.string(m.secret, api_key_size_max_bytes);)
KMB_FIELDS(ApiKeyList, v.optional_u64(m.tenant_id);)
KMB_FIELDS(ApiKeyListResponse, v.list(m.keys, list_entries_max, [&](auto& k) { nested<ApiKeyInfo>(v, k); });)

// Operations.
KMB_FIELDS(VerifyChain, v.optional_u64(m.tenant_id);)
KMB_FIELDS(VerifyChainResponse, v.u64(m.tenant_id); v.boolean(m.intact); v.u64(m.segment_count); v.u64(m.record_count);
           v.u64(m.byte_count); v.name(m.head_hash); v.text(m.problem); v.u64(m.problem_offset);)
KMB_FIELDS(ServerInfo, )
KMB_FIELDS(ServerInfoResponse, v.name(m.server_version); v.u16(m.protocol_version_min); v.u16(m.protocol_version_max);
           v.u64(m.uptime_ms); v.u64(m.server_time_ns); v.u64(m.tenant_count); v.u64(m.connection_count);
           v.u32(m.frame_body_size_max_bytes); v.boolean(m.tls);
           v.list(m.regions, list_entries_max, [&](auto& r) { v.name(r); });)

KMB_FIELDS(Error, v.status_code(m.code); v.boolean(m.retryable); v.text(m.message);)

#undef KMB_FIELDS

// The MessageType of each alternative of Message, in variant order.
constexpr std::array<MessageType, std::variant_size_v<Message>> variant_types = {
    MessageType::hello,
    MessageType::hello_response,
    MessageType::ping,
    MessageType::ping_response,
    MessageType::execute,
    MessageType::execute_response,
    MessageType::list_tables,
    MessageType::list_tables_response,
    MessageType::describe_table,
    MessageType::describe_table_response,
    MessageType::create_stream,
    MessageType::create_stream_response,
    MessageType::append_events,
    MessageType::append_events_response,
    MessageType::read_events,
    MessageType::read_events_response,
    MessageType::subscribe,
    MessageType::subscribe_response,
    MessageType::subscription_credit,
    MessageType::subscription_credit_response,
    MessageType::unsubscribe,
    MessageType::unsubscribe_response,
    MessageType::subscription_events,
    MessageType::subscription_closed,
    MessageType::tenant_create,
    MessageType::tenant_create_response,
    MessageType::tenant_list,
    MessageType::tenant_list_response,
    MessageType::tenant_info,
    MessageType::tenant_info_response,
    MessageType::tenant_seal,
    MessageType::tenant_seal_response,
    MessageType::tenant_unseal,
    MessageType::tenant_unseal_response,
    MessageType::tenant_set_quotas,
    MessageType::tenant_set_quotas_response,
    MessageType::api_key_create,
    MessageType::api_key_create_response,
    MessageType::api_key_revoke,
    MessageType::api_key_revoke_response,
    MessageType::api_key_rotate,
    MessageType::api_key_rotate_response,
    MessageType::api_key_list,
    MessageType::api_key_list_response,
    MessageType::verify_chain,
    MessageType::verify_chain_response,
    MessageType::server_info,
    MessageType::server_info_response,
    MessageType::error,
};

constexpr std::array<std::string_view, std::variant_size_v<Message>> variant_names = {
    "hello",
    "hello_response",
    "ping",
    "ping_response",
    "execute",
    "execute_response",
    "list_tables",
    "list_tables_response",
    "describe_table",
    "describe_table_response",
    "create_stream",
    "create_stream_response",
    "append_events",
    "append_events_response",
    "read_events",
    "read_events_response",
    "subscribe",
    "subscribe_response",
    "subscription_credit",
    "subscription_credit_response",
    "unsubscribe",
    "unsubscribe_response",
    "subscription_events",
    "subscription_closed",
    "tenant_create",
    "tenant_create_response",
    "tenant_list",
    "tenant_list_response",
    "tenant_info",
    "tenant_info_response",
    "tenant_seal",
    "tenant_seal_response",
    "tenant_unseal",
    "tenant_unseal_response",
    "tenant_set_quotas",
    "tenant_set_quotas_response",
    "api_key_create",
    "api_key_create_response",
    "api_key_revoke",
    "api_key_revoke_response",
    "api_key_rotate",
    "api_key_rotate_response",
    "api_key_list",
    "api_key_list_response",
    "verify_chain",
    "verify_chain_response",
    "server_info",
    "server_info_response",
    "error",
};

// Rules that span fields: a result's types and rows match its columns; an Error is never `ok`.
Status check_consistency(const Message& message) {
  if (const auto* result = std::get_if<ExecuteResponse>(&message)) {
    if (result->types.size() != result->columns.size()) {
      return invalid_argument("protocol: " + std::to_string(result->columns.size()) + " columns but " +
                              std::to_string(result->types.size()) + " types");
    }
    for (const kernel::Row& row : result->rows) {
      if (row.size() != result->columns.size()) {
        return invalid_argument("protocol: a row of " + std::to_string(row.size()) + " values in a result of " +
                                std::to_string(result->columns.size()) + " columns");
      }
    }
  }
  if (const auto* error = std::get_if<Error>(&message); error != nullptr && error->code == StatusCode::ok) {
    return invalid_argument("protocol: an error with status code ok");
  }
  return Status::ok_status();
}

// The variant index of a type number, or -1.
int variant_index(std::uint16_t raw) {
  for (std::size_t i = 0; i < variant_types.size(); i++) {
    if (static_cast<std::uint16_t>(variant_types[i]) == raw) return static_cast<int>(i);
  }
  return -1;
}

template <std::size_t I = 0>
Result<Message> decode_alternative(std::size_t index, ByteSpan body) {
  if constexpr (I < std::variant_size_v<Message>) {
    if (index != I) return decode_alternative<I + 1>(index, body);
    using T = std::variant_alternative_t<I, Message>;
    T message{};
    Reader reader(body);
    Fields<T>::apply(reader, message);
    Status status = reader.finish();
    if (!status.ok()) return status;
    Message result(std::in_place_index<I>, std::move(message));
    KMB_TRY(check_consistency(result));
    return result;
  } else {
    return internal_error("protocol: variant index out of range");
  }
}

}  // namespace

std::string_view message_type_name(MessageType type) {
  int index = variant_index(static_cast<std::uint16_t>(type));
  return index < 0 ? std::string_view("unknown") : variant_names[static_cast<std::size_t>(index)];
}

bool is_known_message_type(std::uint16_t raw) {
  return variant_index(raw) >= 0;
}

bool is_push(MessageType type) {
  return type == MessageType::subscription_events || type == MessageType::subscription_closed;
}

bool is_request(MessageType type) {
  auto raw = static_cast<std::uint16_t>(type);
  return is_known_message_type(raw) && (raw & response_type_bit) == 0 && !is_push(type) && type != MessageType::error;
}

MessageType response_type(MessageType request) {
  KMB_ASSERT(is_request(request));
  return static_cast<MessageType>(static_cast<std::uint16_t>(request) | response_type_bit);
}

std::uint16_t frame_flags_for(MessageType type) {
  if (type == MessageType::error) return frame_flag_error;
  if (is_push(type)) return frame_flag_push;
  return 0;
}

std::string_view role_name(Role role) {
  switch (role) {
    case Role::reader:
      return "reader";
    case Role::writer:
      return "writer";
    case Role::admin:
      return "admin";
  }
  return "unknown";
}

std::optional<Role> parse_role(std::string_view name) {
  for (Role role : {Role::reader, Role::writer, Role::admin}) {
    if (role_name(role) == name) return role;
  }
  return std::nullopt;
}

bool default_retryable(StatusCode code) {
  return code == StatusCode::aborted;
}

Error error_from_status(const Status& status) {
  KMB_ASSERT(!status.ok());
  return Error{status.code(), default_retryable(status.code()), status.message()};
}

Status status_from_error(const Error& error) {
  if (error.code == StatusCode::ok) return internal_error("server sent an error with code ok: " + error.message);
  return Status(error.code, error.message);
}

MessageType message_type(const Message& message) {
  return variant_types[message.index()];
}

Result<Bytes> encode_body(const Message& message) {
  KMB_TRY(check_consistency(message).with_context("encoding " + std::string(message_type_name(message_type(message)))));
  Writer writer;
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        Fields<T>::apply(writer, m);
      },
      message);
  if (!writer.status().ok()) {
    return writer.status().with_context(std::string("encoding ") +
                                        std::string(message_type_name(message_type(message))));
  }
  return std::move(writer.bytes());
}

Result<Message> decode_body(std::uint16_t type, ByteSpan body) {
  int index = variant_index(type);
  if (index < 0) return invalid_argument("protocol: unknown message type " + std::to_string(type));
  Result<Message> message = decode_alternative(static_cast<std::size_t>(index), body);
  if (!message.ok()) {
    return message.status().with_context(std::string("decoding ") +
                                         std::string(variant_names[static_cast<std::size_t>(index)]));
  }
  return message;
}

Result<Bytes> encode_message_frame(const Message& message, std::uint64_t request_id,
                                   std::uint32_t body_size_max_bytes) {
  KMB_ASSIGN_OR_RETURN(Bytes body, encode_body(message));
  std::uint32_t limit = std::min(body_size_max_bytes, frame_body_size_limit_bytes);
  if (body.size() > limit) {
    return resource_exhausted("protocol: " + std::string(message_type_name(message_type(message))) + " of " +
                              std::to_string(body.size()) + " bytes exceeds the frame maximum of " +
                              std::to_string(limit));
  }
  MessageType type = message_type(message);
  return encode_frame(static_cast<std::uint16_t>(type), frame_flags_for(type), request_id, body);
}

Result<Message> decode_message(const Frame& frame) {
  if (!is_known_message_type(frame.header.type)) {
    return invalid_argument("protocol: unknown message type " + std::to_string(frame.header.type));
  }
  auto type = static_cast<MessageType>(frame.header.type);
  if (frame.header.flags != frame_flags_for(type)) {
    return invalid_argument("protocol: " + std::string(message_type_name(type)) + " frame has flags " +
                            std::to_string(frame.header.flags) + ", expected " + std::to_string(frame_flags_for(type)));
  }
  return decode_body(frame.header.type, frame.body);
}

Status encode_wire_value(const kernel::Value& value, Bytes& out) {
  Writer writer;
  writer.value(value);
  if (!writer.status().ok()) return writer.status();
  append_bytes(out, writer.bytes());
  return Status::ok_status();
}

Result<kernel::Value> decode_wire_value(ByteSpan& input) {
  Reader reader(input);
  kernel::Value value;
  reader.value(value);
  if (!reader.status().ok()) return reader.status();
  input = input.subspan(input.size() - reader.remaining());
  return value;
}

}  // namespace kmb::protocol
