// Messages of Kimberlite's wire protocol (docs/protocol.md): one struct per message, the message
// type numbers, and the body codecs. Frames (frame.h) carry the bodies.
//
// Conventions:
//   * every request type R has exactly one response type R | 0x8000; any request may instead be
//     answered by an Error (type `error`, frame flag bit 0) carrying the same request id;
//   * pushes (frame flag bit 1, request id 0) are sent by the server for subscriptions only;
//   * the tenant of a request is the tenant of the authenticated API key, never a body field;
//     only admin messages name a tenant, and they require the admin role.
//
// Body encoding (little-endian): u8/u16/u32/u64 fixed width; bool = one byte 0 or 1; string =
// u32 length + UTF-8 bytes; bytes = u32 length + bytes; array = u32 count + elements;
// optional = u8 presence (0 or 1) + value; Value = tag byte (kernel::Type id) + body. Every length
// and count is bounded (limits below) and checked against the bytes that remain, so a decoder never
// allocates more than its input justifies. A body must be consumed exactly: trailing bytes are an
// error. Decoding is total: malformed input yields invalid_argument ("protocol: ..."), never a crash.
//
// Thread-safety: value types and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "kernel/value.h"
#include "protocol/frame.h"

namespace kmb::protocol {

// ---- limits ------------------------------------------------------------------------------------
inline constexpr std::uint32_t name_size_max_bytes = 1024;  // table, stream, tenant, actor, key ids
inline constexpr std::uint32_t api_key_size_max_bytes = 256;
inline constexpr std::uint32_t idempotency_key_size_max_bytes = 64;
inline constexpr std::uint32_t parameters_max = 65'535;
inline constexpr std::uint32_t columns_max = 4'096;
inline constexpr std::uint32_t events_per_message_max = 100'000;
inline constexpr std::uint32_t list_entries_max = 1'000'000;  // tenants, keys, tables, regions
// Strings that are not names (SQL text, messages, event and value bodies) are bounded by the frame.

enum class MessageType : std::uint16_t {
  // Session.
  hello = 0x0001,
  ping = 0x0002,
  // SQL.
  execute = 0x0010,
  list_tables = 0x0011,
  describe_table = 0x0012,
  // Streams.
  create_stream = 0x0020,
  append_events = 0x0021,
  read_events = 0x0022,
  subscribe = 0x0023,
  subscription_credit = 0x0024,
  unsubscribe = 0x0025,
  // Tenant administration (admin role).
  tenant_create = 0x0040,
  tenant_list = 0x0041,
  tenant_info = 0x0042,
  tenant_seal = 0x0043,
  tenant_unseal = 0x0044,
  tenant_set_quotas = 0x0045,
  // API-key administration (admin role).
  api_key_create = 0x0050,
  api_key_revoke = 0x0051,
  api_key_rotate = 0x0052,
  api_key_list = 0x0053,
  // Operations.
  verify_chain = 0x0060,
  server_info = 0x0070,

  // Responses: request | 0x8000.
  hello_response = 0x8001,
  ping_response = 0x8002,
  execute_response = 0x8010,
  list_tables_response = 0x8011,
  describe_table_response = 0x8012,
  create_stream_response = 0x8020,
  append_events_response = 0x8021,
  read_events_response = 0x8022,
  subscribe_response = 0x8023,
  subscription_credit_response = 0x8024,
  unsubscribe_response = 0x8025,
  tenant_create_response = 0x8040,
  tenant_list_response = 0x8041,
  tenant_info_response = 0x8042,
  tenant_seal_response = 0x8043,
  tenant_unseal_response = 0x8044,
  tenant_set_quotas_response = 0x8045,
  api_key_create_response = 0x8050,
  api_key_revoke_response = 0x8051,
  api_key_rotate_response = 0x8052,
  api_key_list_response = 0x8053,
  verify_chain_response = 0x8060,
  server_info_response = 0x8070,

  // Server pushes (frame flag bit 1, request id 0).
  subscription_events = 0x4001,
  subscription_closed = 0x4002,

  // The error response to any request (frame flag bit 0).
  error = 0x7FFF,
};

inline constexpr std::uint16_t response_type_bit = 0x8000;

std::string_view message_type_name(MessageType type);  // "execute", "execute_response", ...
bool is_known_message_type(std::uint16_t raw);
bool is_request(MessageType type);
bool is_push(MessageType type);
// The response type of a request. REQUIRES: is_request(request).
MessageType response_type(MessageType request);
// The frame flags a message of this type must carry (error bit for `error`, push bit for pushes).
std::uint16_t frame_flags_for(MessageType type);

// What an API key may do. Readers run reads; writers also write; admins also administer tenants
// and keys (of any tenant) and may verify any tenant's chain.
enum class Role : std::uint8_t {
  reader = 1,
  writer = 2,
  admin = 3,
};
std::string_view role_name(Role role);  // "reader", "writer", "admin"
std::optional<Role> parse_role(std::string_view name);

// ---- shared pieces -----------------------------------------------------------------------------

struct TenantQuotas {  // mirrors db::TenantQuotas; 0 = unlimited
  std::uint64_t storage_bytes_max = 0;
  std::uint64_t records_per_second = 0;
  std::uint64_t bytes_per_second = 0;
  friend bool operator==(const TenantQuotas&, const TenantQuotas&) = default;
};

struct TenantConfig {  // mirrors db::TenantConfig
  std::string name;
  std::string region;
  TenantQuotas quotas;
  friend bool operator==(const TenantConfig&, const TenantConfig&) = default;
};

struct TenantInfo {  // mirrors db::TenantInfo
  std::uint64_t tenant_id = 0;
  std::string name;
  std::string region;
  TenantQuotas quotas;
  bool sealed = false;
  std::uint64_t record_count = 0;
  std::uint64_t log_bytes = 0;
  std::string head_hash;  // hex
  std::string recovery;
  friend bool operator==(const TenantInfo&, const TenantInfo&) = default;
};

struct ApiKeyInfo {
  std::string key_id;  // public identifier of the key (never the secret)
  std::uint64_t tenant_id = 0;
  Role role = Role::reader;
  std::string label;
  std::uint64_t created_at_ns = 0;  // Unix epoch nanoseconds
  bool revoked = false;
  friend bool operator==(const ApiKeyInfo&, const ApiKeyInfo&) = default;
};

struct ColumnInfo {
  std::string name;
  kernel::Type type = kernel::Type::null;
  bool not_null = false;
  bool primary_key = false;
  bool unique = false;
  friend bool operator==(const ColumnInfo&, const ColumnInfo&) = default;
};

struct IndexInfo {
  std::string name;
  std::vector<std::string> columns;
  bool unique = false;
  friend bool operator==(const IndexInfo&, const IndexInfo&) = default;
};

struct TableSummary {
  std::string name;
  std::uint32_t column_count = 0;
  friend bool operator==(const TableSummary&, const TableSummary&) = default;
};

enum class AsOfKind : std::uint8_t {
  latest = 0,     // the newest durable state
  position = 1,   // the state right after the record at `value`
  timestamp = 2,  // the state as of commit time `value` (Unix epoch nanoseconds)
};

struct AsOf {
  AsOfKind kind = AsOfKind::latest;
  std::uint64_t value = 0;  // 0 when kind == latest
  friend bool operator==(const AsOf&, const AsOf&) = default;
};

// ---- session -----------------------------------------------------------------------------------

struct Hello {
  std::uint16_t version_min = protocol_version_min;
  std::uint16_t version_max = protocol_version_max;
  std::string api_key;      // the secret; at most api_key_size_max_bytes
  std::string client_name;  // e.g. "kimberlite-cpp/0.1.0", for logs
  friend bool operator==(const Hello&, const Hello&) = default;
};
struct HelloResponse {
  std::uint16_t version = protocol_version_max;  // chosen by the server within the client's range
  std::uint64_t tenant_id = 0;                   // the key's tenant
  Role role = Role::reader;
  std::string key_id;
  std::string server_version;
  std::uint32_t frame_body_size_max_bytes = frame_body_size_max_default_bytes;
  std::uint64_t session_id = 0;
  friend bool operator==(const HelloResponse&, const HelloResponse&) = default;
};

struct Ping {
  std::uint64_t nonce = 0;
  friend bool operator==(const Ping&, const Ping&) = default;
};
struct PingResponse {
  std::uint64_t nonce = 0;  // echoed
  friend bool operator==(const PingResponse&, const PingResponse&) = default;
};

// ---- SQL ---------------------------------------------------------------------------------------

struct Execute {
  std::string sql;
  std::vector<kernel::Value> parameters;  // bind to $1, $2, ...
  std::string actor;
  std::string reason;
  AsOf as_of;  // reads only; a write with as_of != latest is rejected (invalid_argument)
  friend bool operator==(const Execute&, const Execute&) = default;
};
struct ExecuteResponse {
  std::vector<std::string> columns;
  std::vector<kernel::Type> types;  // one per column
  std::vector<kernel::Row> rows;    // each row has columns.size() values
  std::uint64_t rows_affected = 0;
  std::optional<std::uint64_t> position;  // the log position of a committed write
  std::string tag;                        // "SELECT 3", "INSERT 2", ...
  friend bool operator==(const ExecuteResponse&, const ExecuteResponse&) = default;
};

struct ListTables {
  friend bool operator==(const ListTables&, const ListTables&) = default;
};
struct ListTablesResponse {
  std::vector<TableSummary> tables;
  friend bool operator==(const ListTablesResponse&, const ListTablesResponse&) = default;
};

struct DescribeTable {
  std::string table;
  friend bool operator==(const DescribeTable&, const DescribeTable&) = default;
};
struct DescribeTableResponse {
  std::string table;
  std::vector<ColumnInfo> columns;
  std::vector<IndexInfo> indexes;
  friend bool operator==(const DescribeTableResponse&, const DescribeTableResponse&) = default;
};

// ---- streams -----------------------------------------------------------------------------------

struct CreateStream {
  std::string stream;
  bool if_not_exists = false;
  std::string actor;
  std::string reason;
  friend bool operator==(const CreateStream&, const CreateStream&) = default;
};
struct CreateStreamResponse {
  std::uint64_t position = 0;  // log position of the record (or current position if it existed)
  bool created = false;        // false when if_not_exists found it
  friend bool operator==(const CreateStreamResponse&, const CreateStreamResponse&) = default;
};

struct AppendEvents {
  std::string stream;
  // Optimistic concurrency: the stream's event count the client expects (failed_precondition if not).
  std::optional<std::uint64_t> expected_offset;
  // Non-empty: a retry with the same key (same tenant) returns the first attempt's response with
  // `duplicate` set instead of appending twice. Clients generate 16 random bytes per logical append.
  Bytes idempotency_key;
  std::vector<Bytes> events;
  std::string actor;
  std::string reason;
  friend bool operator==(const AppendEvents&, const AppendEvents&) = default;
};
struct AppendEventsResponse {
  std::uint64_t first_offset = 0;  // stream offset of the first appended event
  std::uint64_t event_count = 0;
  std::uint64_t position = 0;  // log position of the record
  bool duplicate = false;      // an earlier attempt with this idempotency key committed it
  friend bool operator==(const AppendEventsResponse&, const AppendEventsResponse&) = default;
};

struct ReadEvents {
  std::string stream;
  std::uint64_t from_offset = 0;
  std::uint32_t count_max = 1'000;
  std::uint32_t bytes_max = 1u << 20;  // the server stops before exceeding it (but returns >= 1 event)
  friend bool operator==(const ReadEvents&, const ReadEvents&) = default;
};
struct ReadEventsResponse {
  std::uint64_t first_offset = 0;
  std::vector<Bytes> events;
  std::uint64_t stream_length = 0;  // the stream's event count when read
  friend bool operator==(const ReadEventsResponse&, const ReadEventsResponse&) = default;
};

// Subscriptions: the server pushes SubscriptionEvents, never more events in total than the client
// has granted credits (initial_credits + every SubscriptionCredit::credits). Each pushed event
// consumes one credit; with no credit left the server waits.
struct Subscribe {
  std::string stream;
  std::uint64_t from_offset = 0;
  std::uint32_t initial_credits = 0;
  friend bool operator==(const Subscribe&, const Subscribe&) = default;
};
struct SubscribeResponse {
  std::uint64_t subscription_id = 0;  // unique within the connection, never 0
  std::uint64_t stream_length = 0;
  friend bool operator==(const SubscribeResponse&, const SubscribeResponse&) = default;
};

struct SubscriptionCredit {
  std::uint64_t subscription_id = 0;
  std::uint32_t credits = 0;
  friend bool operator==(const SubscriptionCredit&, const SubscriptionCredit&) = default;
};
struct SubscriptionCreditResponse {
  std::uint64_t subscription_id = 0;
  std::uint64_t credits_available = 0;  // granted and not yet consumed, after this grant
  friend bool operator==(const SubscriptionCreditResponse&, const SubscriptionCreditResponse&) = default;
};

struct Unsubscribe {
  std::uint64_t subscription_id = 0;
  friend bool operator==(const Unsubscribe&, const Unsubscribe&) = default;
};
struct UnsubscribeResponse {
  std::uint64_t subscription_id = 0;
  friend bool operator==(const UnsubscribeResponse&, const UnsubscribeResponse&) = default;
};

// Push.
struct SubscriptionEvents {
  std::uint64_t subscription_id = 0;
  std::uint64_t first_offset = 0;
  std::vector<Bytes> events;
  friend bool operator==(const SubscriptionEvents&, const SubscriptionEvents&) = default;
};
// Push: the server ended the subscription (shutdown, tenant sealed, stream error). Nothing follows.
struct SubscriptionClosed {
  std::uint64_t subscription_id = 0;
  StatusCode code = StatusCode::aborted;
  std::string message;
  friend bool operator==(const SubscriptionClosed&, const SubscriptionClosed&) = default;
};

// ---- tenant administration ---------------------------------------------------------------------

struct TenantCreate {
  std::uint64_t tenant_id = 0;
  TenantConfig config;
  friend bool operator==(const TenantCreate&, const TenantCreate&) = default;
};
struct TenantCreateResponse {
  TenantInfo tenant;
  friend bool operator==(const TenantCreateResponse&, const TenantCreateResponse&) = default;
};
struct TenantList {
  friend bool operator==(const TenantList&, const TenantList&) = default;
};
struct TenantListResponse {
  std::vector<TenantInfo> tenants;
  friend bool operator==(const TenantListResponse&, const TenantListResponse&) = default;
};
struct TenantInfoRequest {
  std::uint64_t tenant_id = 0;
  friend bool operator==(const TenantInfoRequest&, const TenantInfoRequest&) = default;
};
struct TenantInfoResponse {
  TenantInfo tenant;
  friend bool operator==(const TenantInfoResponse&, const TenantInfoResponse&) = default;
};
struct TenantSeal {
  std::uint64_t tenant_id = 0;
  std::string actor;
  std::string reason;
  friend bool operator==(const TenantSeal&, const TenantSeal&) = default;
};
struct TenantSealResponse {
  TenantInfo tenant;
  friend bool operator==(const TenantSealResponse&, const TenantSealResponse&) = default;
};
struct TenantUnseal {
  std::uint64_t tenant_id = 0;
  std::string actor;
  std::string reason;
  friend bool operator==(const TenantUnseal&, const TenantUnseal&) = default;
};
struct TenantUnsealResponse {
  TenantInfo tenant;
  friend bool operator==(const TenantUnsealResponse&, const TenantUnsealResponse&) = default;
};
struct TenantSetQuotas {
  std::uint64_t tenant_id = 0;
  TenantQuotas quotas;
  friend bool operator==(const TenantSetQuotas&, const TenantSetQuotas&) = default;
};
struct TenantSetQuotasResponse {
  TenantInfo tenant;
  friend bool operator==(const TenantSetQuotasResponse&, const TenantSetQuotasResponse&) = default;
};

// ---- API-key administration --------------------------------------------------------------------

struct ApiKeyCreate {
  std::uint64_t tenant_id = 0;
  Role role = Role::reader;
  std::string label;
  friend bool operator==(const ApiKeyCreate&, const ApiKeyCreate&) = default;
};
struct ApiKeyCreateResponse {
  ApiKeyInfo key;
  std::string secret;  // shown once; the server stores only a hash
  friend bool operator==(const ApiKeyCreateResponse&, const ApiKeyCreateResponse&) = default;
};
struct ApiKeyRevoke {
  std::string key_id;
  friend bool operator==(const ApiKeyRevoke&, const ApiKeyRevoke&) = default;
};
struct ApiKeyRevokeResponse {
  ApiKeyInfo key;
  friend bool operator==(const ApiKeyRevokeResponse&, const ApiKeyRevokeResponse&) = default;
};
// Issues a new secret for the same tenant and role and revokes the old key.
struct ApiKeyRotate {
  std::string key_id;
  friend bool operator==(const ApiKeyRotate&, const ApiKeyRotate&) = default;
};
struct ApiKeyRotateResponse {
  ApiKeyInfo key;      // the new key
  std::string secret;  // the new secret, shown once
  friend bool operator==(const ApiKeyRotateResponse&, const ApiKeyRotateResponse&) = default;
};
struct ApiKeyList {
  std::optional<std::uint64_t> tenant_id;  // absent = every tenant
  friend bool operator==(const ApiKeyList&, const ApiKeyList&) = default;
};
struct ApiKeyListResponse {
  std::vector<ApiKeyInfo> keys;
  friend bool operator==(const ApiKeyListResponse&, const ApiKeyListResponse&) = default;
};

// ---- operations --------------------------------------------------------------------------------

struct VerifyChain {
  std::optional<std::uint64_t> tenant_id;  // absent = the key's tenant; another tenant needs admin
  friend bool operator==(const VerifyChain&, const VerifyChain&) = default;
};
struct VerifyChainResponse {
  std::uint64_t tenant_id = 0;
  bool intact = false;
  std::uint64_t segment_count = 0;
  std::uint64_t record_count = 0;  // verified before the first problem (or all)
  std::uint64_t byte_count = 0;
  std::string head_hash;  // hex chain hash of the last verified record
  std::string problem;    // empty when intact
  std::uint64_t problem_offset = 0;
  friend bool operator==(const VerifyChainResponse&, const VerifyChainResponse&) = default;
};

struct ServerInfo {
  friend bool operator==(const ServerInfo&, const ServerInfo&) = default;
};
struct ServerInfoResponse {
  std::string server_version;
  std::uint16_t protocol_version_min = protocol::protocol_version_min;
  std::uint16_t protocol_version_max = protocol::protocol_version_max;
  std::uint64_t uptime_ms = 0;
  std::uint64_t server_time_ns = 0;
  std::uint64_t tenant_count = 0;
  std::uint64_t connection_count = 0;
  std::uint32_t frame_body_size_max_bytes = frame_body_size_max_default_bytes;
  bool tls = false;
  std::vector<std::string> regions;
  friend bool operator==(const ServerInfoResponse&, const ServerInfoResponse&) = default;
};

// ---- errors ------------------------------------------------------------------------------------

struct Error {
  StatusCode code = StatusCode::internal;  // never ok
  // Whether the same request may succeed if sent again unchanged (overload, rate limit, lost race).
  bool retryable = false;
  std::string message;
  friend bool operator==(const Error&, const Error&) = default;
};
// The retryable default for a code: true for aborted only; servers may set it for others
// (e.g. resource_exhausted from a rate limit).
bool default_retryable(StatusCode code);
Error error_from_status(const Status& status);  // REQUIRES: !status.ok()
Status status_from_error(const Error& error);   // never ok (an `ok` code becomes internal)

// ---- all messages ------------------------------------------------------------------------------

using Message =
    std::variant<Hello, HelloResponse, Ping, PingResponse, Execute, ExecuteResponse, ListTables, ListTablesResponse,
                 DescribeTable, DescribeTableResponse, CreateStream, CreateStreamResponse, AppendEvents,
                 AppendEventsResponse, ReadEvents, ReadEventsResponse, Subscribe, SubscribeResponse, SubscriptionCredit,
                 SubscriptionCreditResponse, Unsubscribe, UnsubscribeResponse, SubscriptionEvents, SubscriptionClosed,
                 TenantCreate, TenantCreateResponse, TenantList, TenantListResponse, TenantInfoRequest,
                 TenantInfoResponse, TenantSeal, TenantSealResponse, TenantUnseal, TenantUnsealResponse,
                 TenantSetQuotas, TenantSetQuotasResponse, ApiKeyCreate, ApiKeyCreateResponse, ApiKeyRevoke,
                 ApiKeyRevokeResponse, ApiKeyRotate, ApiKeyRotateResponse, ApiKeyList, ApiKeyListResponse, VerifyChain,
                 VerifyChainResponse, ServerInfo, ServerInfoResponse, Error>;

// The type number of the message held.
MessageType message_type(const Message& message);
// The body bytes of a message. Encoding checks the same bounds decoding does (names, counts,
// UTF-8, Value ranges), so a peer is never sent what it must reject: invalid_argument or
// resource_exhausted instead (the server answers with an Error then).
Result<Bytes> encode_body(const Message& message);
// Decodes a body of the given type; invalid_argument for an unknown type or malformed body.
Result<Message> decode_body(std::uint16_t type, ByteSpan body);

// A whole frame for `message` with the flags frame_flags_for(type) and `request_id` (0 for
// pushes); resource_exhausted if the body exceeds `body_size_max_bytes`.
Result<Bytes> encode_message_frame(const Message& message, std::uint64_t request_id,
                                   std::uint32_t body_size_max_bytes = frame_body_size_max_default_bytes);
// Decodes a checked frame's body, and checks that its flags match its type.
Result<Message> decode_message(const Frame& frame);

// Decodes and requires a specific message type, turning an Error response into its Status.
template <typename T>
Result<T> decode_expected(const Frame& frame) {
  KMB_ASSIGN_OR_RETURN(Message message, decode_message(frame));
  if (auto* error = std::get_if<Error>(&message)) return status_from_error(*error);
  if (auto* value = std::get_if<T>(&message)) return std::move(*value);
  return invalid_argument("protocol: unexpected message " + std::string(message_type_name(message_type(message))));
}

// Value encoding on the wire (tag byte = kernel::Type id, then the body; docs/protocol.md);
// exposed for the codec tests. decode_wire_value advances `input`.
Status encode_wire_value(const kernel::Value& value, Bytes& out);
Result<kernel::Value> decode_wire_value(ByteSpan& input);

}  // namespace kmb::protocol
