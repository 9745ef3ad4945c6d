#include "protocol/frame.h"

#include <gtest/gtest.h>

#include "crypto/crc32c.h"
#include "io/prng.h"

namespace kmb::protocol {
namespace {

Bytes sample_body() {
  return Bytes{'h', 'e', 'l', 'l', 'o'};
}

TEST(Frame, HeaderLayoutIsPinned) {
  Bytes frame = encode_frame(0x0010, 0, 0x0102030405060708ULL, sample_body());
  ASSERT_EQ(frame.size(), frame_header_size_bytes + 5);
  EXPECT_EQ(to_hex(ByteSpan(frame).first(4)), "4b4d4250");  // "KMBP"
  EXPECT_EQ(load_le<std::uint16_t>(&frame[4]), 1);
  EXPECT_EQ(load_le<std::uint16_t>(&frame[6]), 0x0010);
  EXPECT_EQ(load_le<std::uint16_t>(&frame[8]), 0);
  EXPECT_EQ(load_le<std::uint16_t>(&frame[10]), 0);
  EXPECT_EQ(load_le<std::uint64_t>(&frame[12]), 0x0102030405060708ULL);
  EXPECT_EQ(load_le<std::uint32_t>(&frame[20]), 5u);
  EXPECT_EQ(load_le<std::uint32_t>(&frame[24]), crypto::crc32c(sample_body()));
  EXPECT_EQ(load_le<std::uint32_t>(&frame[28]), crypto::crc32c(ByteSpan(frame).first(28)));
}

TEST(Frame, RoundTrip) {
  Bytes bytes = encode_frame(0x8001, frame_flag_error, 9, sample_body());
  Result<Frame> frame = decode_frame(bytes);
  ASSERT_TRUE(frame.ok()) << frame.status().to_string();
  EXPECT_EQ(frame->header.type, 0x8001);
  EXPECT_EQ(frame->header.flags, frame_flag_error);
  EXPECT_EQ(frame->header.request_id, 9u);
  EXPECT_EQ(frame->body, sample_body());
}

// Rewrites the header checksum so that a test can change one field and reach the field's check.
void reseal(Bytes& frame) {
  store_le<std::uint32_t>(&frame[28], crypto::crc32c(ByteSpan(frame).first(28)));
}

TEST(Frame, RejectsEachBadHeaderField) {
  const Bytes good = encode_frame(1, 0, 1, sample_body());
  struct Case {
    std::size_t offset;
    std::uint8_t value;
    bool reseal;
    StatusCode code;
  };
  const Case cases[] = {
      {0, 'X', true, StatusCode::corruption},            // magic
      {4, 2, true, StatusCode::unsupported},             // version 2
      {4, 0, true, StatusCode::unsupported},             // version 0
      {8, 4, true, StatusCode::unsupported},             // unknown flag
      {10, 1, true, StatusCode::unsupported},            // reserved
      {23, 0x7f, true, StatusCode::resource_exhausted},  // huge body length
      {12, 0xff, false, StatusCode::corruption},         // request id changed without reseal
  };
  for (const Case& c : cases) {
    Bytes bad = good;
    bad[c.offset] = c.value;
    if (c.reseal) reseal(bad);
    Result<Frame> frame = decode_frame(bad);
    ASSERT_FALSE(frame.ok()) << c.offset;
    EXPECT_EQ(frame.status().code(), c.code) << c.offset << ": " << frame.status().to_string();
  }
}

TEST(Frame, RejectsBodyCorruptionAndLengthMismatch) {
  Bytes bad = encode_frame(1, 0, 1, sample_body());
  bad.back() ^= 1;
  EXPECT_EQ(decode_frame(bad).status().code(), StatusCode::corruption);
  Bytes longer = encode_frame(1, 0, 1, sample_body());
  longer.push_back(0);
  EXPECT_EQ(decode_frame(longer).status().code(), StatusCode::corruption);
}

TEST(Frame, BodyLimitIsConfigurable) {
  Bytes frame = encode_frame(1, 0, 1, Bytes(100, 7));
  EXPECT_TRUE(decode_frame(frame, 100).ok());
  EXPECT_EQ(decode_frame(frame, 99).status().code(), StatusCode::resource_exhausted);
}

TEST(FrameParser, AssemblesFramesFedByteByByte) {
  Bytes stream = encode_frame(1, 0, 1, sample_body());
  Bytes second = encode_frame(2, frame_flag_push, 0, Bytes{});
  append_bytes(stream, second);
  FrameParser parser;
  std::vector<Frame> frames;
  for (std::uint8_t byte : stream) {
    EXPECT_GE(parser.bytes_wanted(), 1u);
    parser.append(ByteSpan(&byte, 1));
    Result<std::optional<Frame>> frame = parser.next();
    ASSERT_TRUE(frame.ok()) << frame.status().to_string();
    if (frame->has_value()) frames.push_back(std::move(**frame));
  }
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].body, sample_body());
  EXPECT_EQ(frames[1].header.type, 2);
  EXPECT_EQ(parser.buffered_bytes(), 0u);
  EXPECT_EQ(parser.bytes_wanted(), frame_header_size_bytes);
}

TEST(FrameParser, ReturnsSeveralFramesFromOneAppend) {
  Bytes stream;
  for (int i = 0; i < 3; i++) append_bytes(stream, encode_frame(1, 0, static_cast<std::uint64_t>(i), sample_body()));
  FrameParser parser;
  parser.append(stream);
  for (std::uint64_t i = 0; i < 3; i++) {
    Result<std::optional<Frame>> frame = parser.next();
    ASSERT_TRUE(frame.ok());
    ASSERT_TRUE(frame->has_value());
    EXPECT_EQ((*frame)->header.request_id, i);
  }
  Result<std::optional<Frame>> none = parser.next();
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST(FrameParser, ErrorPoisonsTheStream) {
  Bytes bad = encode_frame(1, 0, 1, sample_body());
  bad.back() ^= 1;
  append_bytes(bad, encode_frame(1, 0, 2, sample_body()));
  FrameParser parser;
  parser.append(bad);
  EXPECT_EQ(parser.next().status().code(), StatusCode::corruption);
  EXPECT_EQ(parser.next().status().code(), StatusCode::corruption);
}

TEST(FrameParser, RejectsOversizedBodyBeforeBuffering) {
  FrameParser parser(64);
  Bytes frame = encode_frame(1, 0, 1, Bytes(65, 0));
  parser.append(ByteSpan(frame).first(frame_header_size_bytes));
  EXPECT_EQ(parser.next().status().code(), StatusCode::resource_exhausted);
}

// Random bytes, random prefixes of valid frames and single-byte mutations: the parser returns a
// frame, waits, or fails cleanly — never crashes, never returns a frame whose body fails its CRC.
TEST(FrameParser, IsTotalOnArbitraryInput) {
  io::Prng prng(20240601);
  Bytes valid = encode_frame(0x0010, 0, 5, Bytes(40, 0x5a));
  for (int iteration = 0; iteration < 20'000; iteration++) {
    Bytes input;
    switch (prng.uniform(3)) {
      case 0:
        input.resize(prng.uniform(100));
        prng.fill(input.data(), input.size());
        break;
      case 1:
        input.assign(valid.begin(), valid.begin() + static_cast<std::ptrdiff_t>(prng.uniform(valid.size())));
        break;
      default:
        input = valid;
        input[prng.uniform(input.size())] ^= static_cast<std::uint8_t>(1 + prng.uniform(255));
        break;
    }
    FrameParser parser(1024);
    parser.append(input);
    for (int step = 0; step < 4; step++) {
      Result<std::optional<Frame>> frame = parser.next();
      if (!frame.ok() || !frame->has_value()) break;
      EXPECT_TRUE(check_frame_body((*frame)->header, (*frame)->body).ok());
    }
    (void)decode_frame(input, 1024);
  }
}

}  // namespace
}  // namespace kmb::protocol
