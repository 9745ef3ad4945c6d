#include "crypto/random.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace kmb::crypto {
namespace {

TEST(RandomBytes, FillsTheRequestedLength) {
  // Guard bytes around the target check that exactly the span is written.
  Bytes buffer(64 + 2, 0x5A);
  ASSERT_TRUE(random_bytes(MutableByteSpan(buffer).subspan(1, 64)).ok());
  EXPECT_EQ(buffer.front(), 0x5A);
  EXPECT_EQ(buffer.back(), 0x5A);
  EXPECT_FALSE(std::all_of(buffer.begin() + 1, buffer.end() - 1, [](std::uint8_t b) { return b == 0x5A; }));
}

TEST(RandomBytes, TwoCallsDiffer) {
  Bytes first(32);
  Bytes second(32);
  ASSERT_TRUE(random_bytes(MutableByteSpan(first)).ok());
  ASSERT_TRUE(random_bytes(MutableByteSpan(second)).ok());
  EXPECT_NE(first, second);  // Equal with probability 2^-256.
}

TEST(RandomBytes, EmptyIsOk) {
  EXPECT_TRUE(random_bytes(MutableByteSpan()).ok());
}

TEST(RandomArray, ReturnsFixedSizeArrays) {
  Result<std::array<std::uint8_t, 12>> first = random_array<12>();
  Result<std::array<std::uint8_t, 12>> second = random_array<12>();
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->size(), 12u);
  EXPECT_NE(*first, *second);  // Equal with probability 2^-96.
}

}  // namespace
}  // namespace kmb::crypto
