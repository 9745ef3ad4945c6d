#include "log/format.h"

#include <gtest/gtest.h>

#include "crypto/crc32c.h"
#include "crypto/sha256.h"

namespace kmb::log {
namespace {

RecordHeader sample_header(std::string_view reason, ByteSpan payload) {
  RecordHeader header;
  header.kind = RecordKind::command;
  header.tenant_id = 7;
  header.offset = 42;
  header.timestamp_ns = 1'700'000'000'123'456'789ULL;
  header.client_id = 99;
  header.request_id = 12345;
  header.reason_length = static_cast<std::uint32_t>(reason.size());
  header.payload_length = static_cast<std::uint32_t>(payload.size());
  header.prev_hash.fill(0xab);
  return header;
}

TEST(RecordFormat, RoundTripsEveryField) {
  std::string_view reason = "court order 17";
  Bytes payload = {1, 2, 3, 4, 5};
  RecordHeader header = sample_header(reason, payload);
  Bytes encoded;
  ChainHash hash = encode_record(header, reason, payload, encoded);
  ASSERT_EQ(encoded.size(), record_overhead_size + reason.size() + payload.size());
  EXPECT_EQ(hash, crypto::sha256(encoded));
  EXPECT_EQ(as_string_view(ByteSpan(encoded.data(), 4)), "KMBR");

  RecordHeader decoded;
  ASSERT_EQ(decode_record_header(encoded, decoded), HeaderProblem::none);
  EXPECT_EQ(decoded.kind, RecordKind::command);
  EXPECT_EQ(decoded.tenant_id, 7u);
  EXPECT_EQ(decoded.offset, 42u);
  EXPECT_EQ(decoded.timestamp_ns, header.timestamp_ns);
  EXPECT_EQ(decoded.client_id, 99u);
  EXPECT_EQ(decoded.request_id, 12345u);
  EXPECT_EQ(decoded.prev_hash, header.prev_hash);
  EXPECT_TRUE(record_crc_matches(encoded));
  Record record = record_from_bytes(decoded, encoded);
  EXPECT_EQ(record.reason, reason);
  EXPECT_EQ(record.payload, payload);
}

TEST(RecordFormat, EveryHeaderByteIsCovered) {
  std::string_view reason = "why";
  Bytes payload(10, 0x5a);
  RecordHeader header = sample_header(reason, payload);
  Bytes encoded;
  (void)encode_record(header, reason, payload, encoded);
  for (std::size_t i = 0; i < encoded.size(); i++) {
    Bytes damaged = encoded;
    damaged[i] ^= 0x10;
    RecordHeader decoded;
    HeaderProblem problem = decode_record_header(damaged, decoded);
    bool detected = problem != HeaderProblem::none || !record_crc_matches(damaged);
    EXPECT_TRUE(detected) << "byte " << i;
  }
}

TEST(RecordFormat, EncryptedFlagRequiresVersionTwo) {
  Bytes payload = {9, 8, 7};
  RecordHeader header = sample_header("", payload);
  header.flags = record_flag_encrypted;
  Bytes encoded;
  (void)encode_record(header, "", payload, encoded);
  EXPECT_EQ(load_le<std::uint16_t>(encoded.data() + 4), 2);
  RecordHeader decoded;
  ASSERT_EQ(decode_record_header(encoded, decoded), HeaderProblem::none);
  EXPECT_EQ(decoded.flags, record_flag_encrypted);
  // The same flag on a version-1 record is invalid: version 1 readers never knew it.
  store_le<std::uint16_t>(encoded.data() + 4, 1);
  store_le<std::uint32_t>(encoded.data() + 88, crypto::crc32c(ByteSpan(encoded.data(), 88)));
  EXPECT_EQ(decode_record_header(encoded, decoded), HeaderProblem::bad_flags);
  // Unencrypted records keep version 1.
  Bytes plain;
  (void)encode_record(sample_header("", payload), "", payload, plain);
  EXPECT_EQ(load_le<std::uint16_t>(plain.data() + 4), 1);
}

TEST(RecordFormat, RejectsNewerVersionAndUnknownKind) {
  Bytes payload = {9};
  RecordHeader header = sample_header("", payload);
  Bytes encoded;
  (void)encode_record(header, "", payload, encoded);
  auto reseal = [](Bytes& bytes) {
    store_le<std::uint32_t>(bytes.data() + 88, crypto::crc32c(ByteSpan(bytes.data(), 88)));
  };
  Bytes newer = encoded;
  store_le<std::uint16_t>(newer.data() + 4, record_format_version + 1);
  reseal(newer);
  RecordHeader decoded;
  EXPECT_EQ(decode_record_header(newer, decoded), HeaderProblem::newer_version);
  Bytes bad_kind = encoded;
  bad_kind[6] = 77;
  reseal(bad_kind);
  EXPECT_EQ(decode_record_header(bad_kind, decoded), HeaderProblem::bad_kind);
  Bytes huge = encoded;
  store_le<std::uint32_t>(huge.data() + 52, record_payload_size_max + 1);
  reseal(huge);
  EXPECT_EQ(decode_record_header(huge, decoded), HeaderProblem::payload_too_long);
}

TEST(SegmentFormat, HeaderRoundTripAndErrors) {
  auto bytes = encode_segment_header(SegmentHeader{5, 1000});
  Result<SegmentHeader> decoded = decode_segment_header(bytes);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->tenant_id, 5u);
  EXPECT_EQ(decoded->base_offset, 1000u);

  auto newer = bytes;
  store_le<std::uint16_t>(newer.data() + 8, 2);
  EXPECT_EQ(decode_segment_header(newer).status().code(), StatusCode::unsupported);
  auto damaged = bytes;
  damaged[20] ^= 1;
  EXPECT_EQ(decode_segment_header(damaged).status().code(), StatusCode::corruption);
  EXPECT_EQ(decode_segment_header(ByteSpan(bytes.data(), 10)).status().code(), StatusCode::corruption);
}

TEST(SegmentFormat, FileNames) {
  EXPECT_EQ(segment_file_name(1234), "00000000000000001234.segment");
  EXPECT_EQ(parse_segment_file_name("00000000000000001234.segment"), 1234u);
  EXPECT_FALSE(parse_segment_file_name("00000000000000001234.index").has_value());
  EXPECT_FALSE(parse_segment_file_name("0000000000000000123x.segment").has_value());
  EXPECT_FALSE(parse_segment_file_name("1234.segment").has_value());
}

TEST(ManifestFormat, RoundTripAndErrors) {
  Bytes bytes = encode_manifest(Manifest{77, 123});
  Result<Manifest> decoded = decode_manifest(bytes);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->tenant_id, 77u);
  bytes[17] ^= 1;
  EXPECT_EQ(decode_manifest(bytes).status().code(), StatusCode::corruption);
}

TEST(IndexFormat, RoundTripAndErrors) {
  SegmentSummary summary;
  summary.base_offset = 10;
  summary.record_count = 3;
  summary.segment_size = 900;
  summary.last_timestamp_ns = 5;
  summary.last_hash.fill(3);
  summary.entries = {{10, 40}, {12, 600}};
  Bytes bytes = encode_index(summary);
  Result<SegmentSummary> decoded = decode_index(bytes);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->record_count, 3u);
  EXPECT_EQ(decoded->entries.size(), 2u);
  EXPECT_EQ(decoded->entries[1].position, 600u);
  EXPECT_EQ(decoded->last_hash, summary.last_hash);
  bytes[30] ^= 1;
  EXPECT_EQ(decode_index(bytes).status().code(), StatusCode::corruption);
  EXPECT_FALSE(decode_index(ByteSpan(bytes.data(), 20)).ok());
}

}  // namespace
}  // namespace kmb::log
