#include "base/bytes.h"

#include <gtest/gtest.h>

namespace kmb {
namespace {

TEST(Bytes, LittleEndianRoundTrip) {
  std::uint8_t buffer[8];
  store_le<std::uint64_t>(buffer, 0x0102030405060708ULL);
  EXPECT_EQ(buffer[0], 0x08);
  EXPECT_EQ(buffer[7], 0x01);
  EXPECT_EQ(load_le<std::uint64_t>(buffer), 0x0102030405060708ULL);
  store_le<std::uint16_t>(buffer, 0xbeef);
  EXPECT_EQ(load_le<std::uint16_t>(buffer), 0xbeef);
}

TEST(Bytes, Hex) {
  Bytes bytes = {0x00, 0xab, 0xff};
  EXPECT_EQ(to_hex(bytes), "00abff");
  EXPECT_EQ(from_hex("00ABff").value(), bytes);
  EXPECT_FALSE(from_hex("abc").has_value());
  EXPECT_FALSE(from_hex("zz").has_value());
}

}  // namespace
}  // namespace kmb
