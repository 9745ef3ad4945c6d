#include "crypto/crc32c.h"

#include <gtest/gtest.h>

#include <random>

#include "crypto/test_util.h"

namespace kmb::crypto {
namespace {

using testing::hex;

// Runs `check` against the dispatching function and each implementation this CPU has.
template <typename Check>
void for_each_implementation(Check check) {
  check("crc32c_extend", [](std::uint32_t crc, ByteSpan data) { return crc32c_extend(crc, data); });
  check("portable", [](std::uint32_t crc, ByteSpan data) { return crc32c_extend_portable(crc, data); });
  if (crc32c_hardware_available()) {
    check("hardware", [](std::uint32_t crc, ByteSpan data) { return crc32c_extend_hardware(crc, data); });
  }
}

TEST(Crc32c, Rfc3720Vectors) {
  Bytes ascending(32);
  Bytes descending(32);
  for (std::size_t i = 0; i < 32; i++) {
    ascending[i] = static_cast<std::uint8_t>(i);
    descending[i] = static_cast<std::uint8_t>(31 - i);
  }
  const Bytes iscsi_read_pdu =
      hex("01c00000000000000000000000000000"
          "14000000000004000000001400000018"
          "28000000000000000200000000000000");
  ASSERT_EQ(iscsi_read_pdu.size(), 48u);
  for_each_implementation([&](const char* name, auto extend) {
    SCOPED_TRACE(name);
    EXPECT_EQ(extend(0, Bytes(32, 0x00)), 0x8A9136AAu);
    EXPECT_EQ(extend(0, Bytes(32, 0xFF)), 0x62A8AB43u);
    EXPECT_EQ(extend(0, ascending), 0x46DD794Eu);
    EXPECT_EQ(extend(0, descending), 0x113FDB5Cu);
    EXPECT_EQ(extend(0, iscsi_read_pdu), 0xD9963A56u);
    EXPECT_EQ(extend(0, as_bytes("123456789")), 0xE3069283u);
    EXPECT_EQ(extend(0, ByteSpan()), 0u);
  });
  EXPECT_EQ(crc32c(as_bytes("123456789")), 0xE3069283u);
}

TEST(Crc32c, HardwareMatchesPortable) {
  if (!crc32c_hardware_available()) GTEST_SKIP() << "no SSE4.2 on this CPU";
  std::mt19937_64 random(3720);
  Bytes buffer(3 * 4096 * 3 + 64);
  for (std::uint8_t& byte : buffer) byte = static_cast<std::uint8_t>(random());
  // Every length up to a few lane blocks, then lengths around each lane-size boundary, at all
  // eight alignments.
  std::vector<std::size_t> sizes;
  for (std::size_t size = 0; size <= 1600; size++) sizes.push_back(size);
  for (std::size_t lane : {64u, 256u, 4096u}) {
    for (std::size_t multiple = 1; multiple <= 3; multiple++) {
      for (int delta = -9; delta <= 9; delta++) sizes.push_back(3 * lane * multiple + delta);
    }
  }
  sizes.push_back(buffer.size() - 8);
  for (std::size_t alignment = 0; alignment < 8; alignment++) {
    for (std::size_t size : sizes) {
      ASSERT_LE(alignment + size, buffer.size());
      const ByteSpan data = ByteSpan(buffer).subspan(alignment, size);
      const std::uint32_t seed = static_cast<std::uint32_t>(random());
      ASSERT_EQ(crc32c_extend_hardware(seed, data), crc32c_extend_portable(seed, data))
          << "size " << size << " alignment " << alignment;
    }
  }
}

TEST(Crc32c, ExtendEqualsConcatenation) {
  std::mt19937_64 random(42);
  Bytes data(10000);
  for (std::uint8_t& byte : data) byte = static_cast<std::uint8_t>(random());
  for_each_implementation([&](const char* name, auto extend) {
    SCOPED_TRACE(name);
    const std::uint32_t whole = extend(0, data);
    EXPECT_EQ(whole, crc32c(data));
    for (std::size_t split : {0u, 1u, 7u, 8u, 9u, 191u, 192u, 1000u, 5555u, 9999u, 10000u}) {
      const std::uint32_t first = extend(0, ByteSpan(data).first(split));
      EXPECT_EQ(extend(first, ByteSpan(data).subspan(split)), whole) << "split " << split;
    }
  });
}

}  // namespace
}  // namespace kmb::crypto
