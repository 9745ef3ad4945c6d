#include "protocol/messages.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "io/prng.h"
#include "protocol/canonical_test_support.h"
#include "protocol/wire.h"

namespace kmb::protocol {
namespace {

using testing::canonical_messages;

TEST(Messages, EveryAlternativeHasACanonicalInstanceAndAUniqueType) {
  std::set<std::size_t> indexes;
  std::set<std::uint16_t> types;
  for (const auto& canonical : canonical_messages()) {
    indexes.insert(canonical.message.index());
    types.insert(static_cast<std::uint16_t>(message_type(canonical.message)));
  }
  EXPECT_EQ(indexes.size(), std::variant_size_v<Message>);
  EXPECT_EQ(types.size(), std::variant_size_v<Message>);
}

TEST(Messages, RequestsPairWithResponses) {
  for (const auto& canonical : canonical_messages()) {
    MessageType type = message_type(canonical.message);
    EXPECT_NE(message_type_name(type), "unknown");
    if (!is_request(type)) continue;
    MessageType response = response_type(type);
    EXPECT_TRUE(is_known_message_type(static_cast<std::uint16_t>(response))) << message_type_name(type);
    EXPECT_EQ(std::string(message_type_name(response)), std::string(message_type_name(type)) + "_response");
  }
  EXPECT_FALSE(is_request(MessageType::error));
  EXPECT_FALSE(is_request(MessageType::subscription_events));
  EXPECT_FALSE(is_request(MessageType::execute_response));
}

TEST(Messages, BodiesRoundTrip) {
  for (const auto& canonical : canonical_messages()) {
    Result<Bytes> body = encode_body(canonical.message);
    ASSERT_TRUE(body.ok()) << canonical.name << ": " << body.status().to_string();
    Result<Message> decoded = decode_body(static_cast<std::uint16_t>(message_type(canonical.message)), *body);
    ASSERT_TRUE(decoded.ok()) << canonical.name << ": " << decoded.status().to_string();
    EXPECT_TRUE(*decoded == canonical.message) << canonical.name;
  }
}

TEST(Messages, FramesCarryTheFlagsOfTheirType) {
  for (const auto& canonical : canonical_messages()) {
    Result<Bytes> bytes = encode_message_frame(canonical.message, canonical.request_id);
    ASSERT_TRUE(bytes.ok());
    Result<Frame> frame = decode_frame(*bytes);
    ASSERT_TRUE(frame.ok());
    EXPECT_EQ(frame->header.flags, frame_flags_for(message_type(canonical.message)));
    Frame wrong_flags = *frame;
    wrong_flags.header.flags ^= frame_flag_push;
    EXPECT_FALSE(decode_message(wrong_flags).ok()) << canonical.name;
  }
}

TEST(Messages, DecodeExpectedTurnsErrorsIntoStatus) {
  Result<Bytes> bytes = encode_message_frame(Error{StatusCode::not_found, false, "no table t"}, 3);
  ASSERT_TRUE(bytes.ok());
  Result<Frame> frame = decode_frame(*bytes);
  ASSERT_TRUE(frame.ok());
  Result<ExecuteResponse> response = decode_expected<ExecuteResponse>(*frame);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::not_found);
  EXPECT_EQ(response.status().message(), "no table t");
  Result<PingResponse> wrong = decode_expected<PingResponse>(*decode_frame(*encode_message_frame(Ping{1}, 3)));
  EXPECT_EQ(wrong.status().code(), StatusCode::invalid_argument);
}

TEST(Messages, EncodingRefusesWhatDecodingWouldReject) {
  DescribeTable long_name{std::string(name_size_max_bytes + 1, 'x')};
  EXPECT_EQ(encode_body(long_name).status().code(), StatusCode::invalid_argument);
  Execute bad_utf8;
  bad_utf8.sql = "SELECT '\xff'";
  EXPECT_EQ(encode_body(bad_utf8).status().code(), StatusCode::invalid_argument);
  AppendEvents long_key;
  long_key.idempotency_key = Bytes(idempotency_key_size_max_bytes + 1, 1);
  EXPECT_EQ(encode_body(long_key).status().code(), StatusCode::invalid_argument);
  ReadEventsResponse big{0, std::vector<Bytes>(1, Bytes(2000, 0)), 1};
  EXPECT_EQ(encode_message_frame(big, 1, 1000).status().code(), StatusCode::resource_exhausted);
}

TEST(Messages, ResultShapeAndErrorCodeAreChecked) {
  ExecuteResponse ragged;
  ragged.columns = {"a", "b"};
  ragged.types = {kernel::Type::bigint, kernel::Type::text};
  ragged.rows = {kernel::Row{kernel::Value::integer(1)}};
  EXPECT_EQ(encode_body(ragged).status().code(), StatusCode::invalid_argument);
  ExecuteResponse untyped;
  untyped.columns = {"a"};
  EXPECT_EQ(encode_body(untyped).status().code(), StatusCode::invalid_argument);
  EXPECT_EQ(encode_body(Error{StatusCode::ok, false, ""}).status().code(), StatusCode::invalid_argument);
  // The decoder applies the same rules to bytes that a careless peer produced.
  Bytes body;
  append_le<std::uint32_t>(body, 1);  // one column, "a"
  append_le<std::uint32_t>(body, 1);
  body.push_back('a');
  append_le<std::uint32_t>(body, 0);  // no types
  append_le<std::uint32_t>(body, 0);  // no rows
  append_le<std::uint64_t>(body, 0);  // rows affected
  body.push_back(0);                  // no position
  append_le<std::uint32_t>(body, 0);  // empty tag
  Result<Message> decoded = decode_body(static_cast<std::uint16_t>(MessageType::execute_response), body);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.status().message().find("1 columns but 0 types"), std::string::npos) << decoded.status().message();
}

TEST(Messages, RejectsUnknownTypeTrailingBytesAndBadEnums) {
  EXPECT_EQ(decode_body(0x1234, {}).status().code(), StatusCode::invalid_argument);
  Bytes ping = *encode_body(Ping{1});
  ping.push_back(0);
  EXPECT_EQ(decode_body(static_cast<std::uint16_t>(MessageType::ping), ping).status().code(),
            StatusCode::invalid_argument);
  Bytes create = *encode_body(ApiKeyCreate{7, Role::admin, ""});
  create[8] = 4;  // role after the u64 tenant id
  Result<Message> bad_role = decode_body(static_cast<std::uint16_t>(MessageType::api_key_create), create);
  ASSERT_FALSE(bad_role.ok());
  EXPECT_NE(bad_role.status().message().find("unknown role 4"), std::string::npos) << bad_role.status().message();
}

TEST(WireValue, EveryTypeRoundTrips) {
  for (const kernel::Value& value : testing::canonical_values()) {
    Bytes bytes;
    ASSERT_TRUE(encode_wire_value(value, bytes).ok());
    EXPECT_EQ(bytes[0], static_cast<std::uint8_t>(value.type()));
    ByteSpan input(bytes);
    Result<kernel::Value> decoded = decode_wire_value(input);
    ASSERT_TRUE(decoded.ok()) << decoded.status().to_string();
    EXPECT_TRUE(*decoded == value) << kernel::to_display(value);
    EXPECT_EQ(decoded->type(), value.type());
    EXPECT_TRUE(input.empty());
  }
}

TEST(WireValue, RejectsOutOfRangeIntegersAndBadTags) {
  Bytes smallint{static_cast<std::uint8_t>(kernel::Type::smallint)};
  append_le<std::uint64_t>(smallint, 40000);
  ByteSpan input(smallint);
  EXPECT_FALSE(decode_wire_value(input).ok());
  Bytes tag{14};
  ByteSpan tag_input(tag);
  EXPECT_FALSE(decode_wire_value(tag_input).ok());
  Bytes decimal{static_cast<std::uint8_t>(kernel::Type::decimal), 39};
  append_le<std::uint64_t>(decimal, 1);
  append_le<std::uint64_t>(decimal, 0);
  ByteSpan decimal_input(decimal);
  EXPECT_FALSE(decode_wire_value(decimal_input).ok());
}

TEST(WireValue, DoublesKeepTheirBits) {
  const double doubles[] = {0.0, -0.0, std::nan(""), HUGE_VAL, -HUGE_VAL, 5e-324};
  for (double d : doubles) {
    Bytes bytes;
    ASSERT_TRUE(encode_wire_value(kernel::Value::floating(d), bytes).ok());
    ByteSpan input(bytes);
    Result<kernel::Value> decoded = decode_wire_value(input);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(std::bit_cast<std::uint64_t>(decoded->as_double()), std::bit_cast<std::uint64_t>(d));
  }
}

TEST(Utf8, AcceptsWellFormedAndRejectsMalformed) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));  // é € 😀
  EXPECT_FALSE(is_valid_utf8("\x80"));                                 // lone continuation
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));                             // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xe0\x80\xaf"));                         // overlong, 3 bytes
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));                         // surrogate U+D800
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));                     // > U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xe2\x82"));                             // truncated
}

// Decoders are total: every proper prefix of a valid body is rejected (bodies are prefix-free),
// and random or mutated bodies either fail with a Status or decode to a message whose encoding is
// exactly the input (the encoding is canonical).
TEST(Messages, DecodersAreTotalOnTruncatedInput) {
  for (const auto& canonical : canonical_messages()) {
    auto type = static_cast<std::uint16_t>(message_type(canonical.message));
    Bytes body = *encode_body(canonical.message);
    for (std::size_t n = 0; n < body.size(); n++) {
      Result<Message> decoded = decode_body(type, ByteSpan(body).first(n));
      EXPECT_FALSE(decoded.ok()) << canonical.name << " prefix " << n;
      if (!decoded.ok()) {
        EXPECT_EQ(decoded.status().code(), StatusCode::invalid_argument);
      }
    }
  }
}

void expect_ok_decodes_are_canonical(std::uint16_t type, ByteSpan body, const std::string& name) {
  Result<Message> decoded = decode_body(type, body);
  if (!decoded.ok()) {
    EXPECT_EQ(decoded.status().code(), StatusCode::invalid_argument) << name;
    return;
  }
  Result<Bytes> again = encode_body(*decoded);
  ASSERT_TRUE(again.ok()) << name << ": " << again.status().to_string();
  EXPECT_TRUE(std::equal(again->begin(), again->end(), body.begin(), body.end())) << name;
}

TEST(Messages, DecodersAreTotalOnRandomAndMutatedInput) {
  io::Prng prng(77);
  for (const auto& canonical : canonical_messages()) {
    auto type = static_cast<std::uint16_t>(message_type(canonical.message));
    Bytes body = *encode_body(canonical.message);
    for (int iteration = 0; iteration < 2'000; iteration++) {
      Bytes random(prng.uniform(80));
      prng.fill(random.data(), random.size());
      expect_ok_decodes_are_canonical(type, random, canonical.name);
      if (body.empty()) continue;
      Bytes mutated = body;
      std::uint64_t flips = 1 + prng.uniform(3);
      for (std::uint64_t f = 0; f < flips; f++) {
        mutated[prng.uniform(mutated.size())] = static_cast<std::uint8_t>(prng.uniform(256));
      }
      expect_ok_decodes_are_canonical(type, mutated, canonical.name);
    }
  }
}

TEST(WireValue, DecoderIsTotalOnRandomAndTruncatedInput) {
  io::Prng prng(5);
  for (const kernel::Value& value : testing::canonical_values()) {
    Bytes bytes;
    ASSERT_TRUE(encode_wire_value(value, bytes).ok());
    for (std::size_t n = 0; n < bytes.size(); n++) {
      ByteSpan prefix = ByteSpan(bytes).first(n);
      EXPECT_FALSE(decode_wire_value(prefix).ok()) << kernel::to_display(value) << " prefix " << n;
    }
  }
  for (int iteration = 0; iteration < 20'000; iteration++) {
    Bytes random(1 + prng.uniform(40));
    prng.fill(random.data(), random.size());
    random[0] = static_cast<std::uint8_t>(prng.uniform(16));  // mostly valid tags
    ByteSpan input(random);
    Result<kernel::Value> value = decode_wire_value(input);
    if (!value.ok()) continue;
    // What decoded re-encodes to exactly the bytes consumed.
    Bytes again;
    ASSERT_TRUE(encode_wire_value(*value, again).ok());
    EXPECT_TRUE(std::equal(again.begin(), again.end(), random.begin(),
                           random.end() - static_cast<std::ptrdiff_t>(input.size())));
  }
}

TEST(Messages, HugeCountsAreRejectedBeforeAllocation) {
  Bytes body;
  append_le<std::uint32_t>(body, 0xFFFFFFF0u);  // ListTablesResponse: table count
  Result<Message> decoded = decode_body(static_cast<std::uint16_t>(MessageType::list_tables_response), body);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.status().message().find("exceeds the maximum"), std::string::npos);
  Bytes rows;
  append_le<std::uint32_t>(rows, 0);       // columns
  append_le<std::uint32_t>(rows, 0);       // types
  append_le<std::uint32_t>(rows, 100000);  // rows: more than the bytes left
  EXPECT_FALSE(decode_body(static_cast<std::uint16_t>(MessageType::execute_response), rows).ok());
}

}  // namespace
}  // namespace kmb::protocol
