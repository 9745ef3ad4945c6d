// The canonical instance of every protocol message: the values behind the golden byte vectors in
// tests/protocol/ (described one by one in tests/protocol/README.md). Clients in other languages
// are tested against the same files, so changing an instance means regenerating the vectors
// (KMB_UPDATE_GOLDEN=1) and updating the README.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernel/value.h"
#include "protocol/messages.h"

namespace kmb::protocol::testing {

struct CanonicalMessage {
  std::string name;  // file stem: tests/protocol/<name>.hex
  Message message;
  std::uint64_t request_id = 0;
};

// The request id of every canonical request and response (0 for pushes).
inline constexpr std::uint64_t canonical_request_id = 0x0102030405060708ULL;

inline TenantInfo canonical_tenant_info() {
  TenantInfo info;
  info.tenant_id = 7;
  info.name = "clinic";
  info.region = "eu-west-1";
  info.quotas = TenantQuotas{1ULL << 30, 1000, 1ULL << 20};
  info.sealed = false;
  info.record_count = 42;
  info.log_bytes = 8192;
  info.head_hash = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
  info.recovery = "snapshot at 40, replayed 2";
  return info;
}

inline ApiKeyInfo canonical_api_key_info() {
  return ApiKeyInfo{"key_0001", 7, Role::writer, "billing service", 1'700'000'000'000'000'000ULL, false};
}

// One value of every type, in Type id order.
inline std::vector<kernel::Value> canonical_values() {
  using kernel::Type;
  using kernel::Value;
  return {
      Value::null(),
      Value::boolean(true),
      Value::integer(-2, Type::smallint),
      Value::integer(100000, Type::integer),
      Value::integer(-9'000'000'000LL, Type::bigint),
      Value::floating(1.5, Type::real),
      Value::floating(-0.25, Type::double_precision),
      Value::decimal(kernel::Decimal{-12345, 2}),
      Value::text("Ada Lovelace é"),
      Value::bytes(Bytes{0xde, 0xad, 0xbe, 0xef}),
      Value::date(19737),
      Value::timestamp(1'705'314'600'000'000LL),
      Value::uuid(
          kernel::Uuid{0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3, 0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00}),
      Value::json(R"({"a":[1,2]})"),
  };
}

inline std::vector<CanonicalMessage> canonical_messages() {
  using kernel::Type;
  using kernel::Value;
  const std::uint64_t id = canonical_request_id;
  std::vector<CanonicalMessage> all;
  auto add = [&](std::string name, Message message, std::uint64_t request_id) {
    all.push_back(CanonicalMessage{std::move(name), std::move(message), request_id});
  };
  add("hello", Hello{1, 1, "kmb_secret_example", "kimberlite-cpp/0.1.0"}, id);
  add("hello_response", HelloResponse{1, 7, Role::writer, "key_0001", "kimberlite 0.1.0", 16u << 20, 99}, id);
  add("ping", Ping{0xfeed}, id);
  add("ping_response", PingResponse{0xfeed}, id);
  add("execute",
      Execute{"SELECT name FROM patients WHERE id = $1 AND born < $2",
              {Value::integer(7), Value::date(-1)},
              "dr.smith",
              "annual check-up",
              AsOf{AsOfKind::position, 40}},
      id);
  ExecuteResponse execute_response;
  execute_response.columns = {"null",    "boolean", "smallint", "integer", "bigint",    "real", "double",
                              "decimal", "text",    "bytes",    "date",    "timestamp", "uuid", "json"};
  for (const Value& value : canonical_values()) execute_response.types.push_back(value.type());
  execute_response.types[0] = Type::null;
  execute_response.rows = {canonical_values(), kernel::Row(14, Value::null())};
  execute_response.rows_affected = 0;
  execute_response.position = std::nullopt;
  execute_response.tag = "SELECT 2";
  add("execute_response", execute_response, id);
  ExecuteResponse insert_response;
  insert_response.rows_affected = 2;
  insert_response.position = 41;
  insert_response.tag = "INSERT 2";
  add("execute_response_write", insert_response, id);
  add("list_tables", ListTables{}, id);
  add("list_tables_response", ListTablesResponse{{{"patients", 3}, {"visits", 5}}}, id);
  add("describe_table", DescribeTable{"patients"}, id);
  add("describe_table_response",
      DescribeTableResponse{"patients",
                            {{"id", Type::bigint, true, true, false},
                             {"name", Type::text, true, false, false},
                             {"email", Type::text, false, false, true}},
                            {{"patients_by_name", {"name"}, false}}},
      id);
  add("create_stream", CreateStream{"vitals", true, "monitor-3", "device onboarding"}, id);
  add("create_stream_response", CreateStreamResponse{43, true}, id);
  add("append_events",
      AppendEvents{
          "vitals",
          10,
          Bytes{0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff},
          {Bytes{'h', 'r', '=', '7', '2'}, Bytes{}},
          "monitor-3",
          "telemetry"},
      id);
  add("append_events_response", AppendEventsResponse{10, 2, 44, false}, id);
  add("read_events", ReadEvents{"vitals", 10, 100, 65536}, id);
  add("read_events_response", ReadEventsResponse{10, {Bytes{'h', 'r', '=', '7', '2'}, Bytes{}}, 12}, id);
  add("subscribe", Subscribe{"vitals", 0, 64}, id);
  add("subscribe_response", SubscribeResponse{1, 12}, id);
  add("subscription_credit", SubscriptionCredit{1, 32}, id);
  add("subscription_credit_response", SubscriptionCreditResponse{1, 40}, id);
  add("unsubscribe", Unsubscribe{1}, id);
  add("unsubscribe_response", UnsubscribeResponse{1}, id);
  add("subscription_events", SubscriptionEvents{1, 12, {Bytes{'a'}, Bytes{'b', 'c'}}}, 0);
  add("subscription_closed", SubscriptionClosed{1, StatusCode::failed_precondition, "tenant 7 is sealed"}, 0);
  add("tenant_create", TenantCreate{7, TenantConfig{"clinic", "eu-west-1", TenantQuotas{1ULL << 30, 1000, 0}}}, id);
  add("tenant_create_response", TenantCreateResponse{canonical_tenant_info()}, id);
  add("tenant_list", TenantList{}, id);
  TenantInfo sealed = canonical_tenant_info();
  sealed.tenant_id = 8;
  sealed.name = "archive";
  sealed.sealed = true;
  add("tenant_list_response", TenantListResponse{{canonical_tenant_info(), sealed}}, id);
  add("tenant_info", TenantInfoRequest{7}, id);
  add("tenant_info_response", TenantInfoResponse{canonical_tenant_info()}, id);
  add("tenant_seal", TenantSeal{8, "legal", "litigation hold 2024-17"}, id);
  add("tenant_seal_response", TenantSealResponse{sealed}, id);
  add("tenant_unseal", TenantUnseal{8, "legal", "hold released"}, id);
  add("tenant_unseal_response", TenantUnsealResponse{canonical_tenant_info()}, id);
  add("tenant_set_quotas", TenantSetQuotas{7, TenantQuotas{0, 500, 1ULL << 20}}, id);
  add("tenant_set_quotas_response", TenantSetQuotasResponse{canonical_tenant_info()}, id);
  add("api_key_create", ApiKeyCreate{7, Role::writer, "billing service"}, id);
  add("api_key_create_response", ApiKeyCreateResponse{canonical_api_key_info(), "kmb_secret_example"}, id);
  add("api_key_revoke", ApiKeyRevoke{"key_0001"}, id);
  ApiKeyInfo revoked = canonical_api_key_info();
  revoked.revoked = true;
  add("api_key_revoke_response", ApiKeyRevokeResponse{revoked}, id);
  add("api_key_rotate", ApiKeyRotate{"key_0001"}, id);
  ApiKeyInfo rotated = canonical_api_key_info();
  rotated.key_id = "key_0002";
  add("api_key_rotate_response", ApiKeyRotateResponse{rotated, "kmb_secret_rotated"}, id);
  add("api_key_list", ApiKeyList{7}, id);
  add("api_key_list_response", ApiKeyListResponse{{revoked, rotated}}, id);
  add("verify_chain", VerifyChain{std::nullopt}, id);
  add("verify_chain_response", VerifyChainResponse{7, true, 1, 42, 8192, canonical_tenant_info().head_hash, "", 0}, id);
  add("server_info", ServerInfo{}, id);
  add("server_info_response",
      ServerInfoResponse{"kimberlite 0.1.0",
                         1,
                         1,
                         3'600'000,
                         1'705'314'600'000'000'000ULL,
                         2,
                         3,
                         16u << 20,
                         true,
                         {"eu-west-1", "eu-central-1"}},
      id);
  add("error", Error{StatusCode::failed_precondition, false, "expected offset 10, stream has 12 events"}, id);
  add("error_retryable", Error{StatusCode::aborted, true, "server is shutting down"}, id);
  return all;
}

}  // namespace kmb::protocol::testing
