#include "crypto/secure.h"

#include <gtest/gtest.h>

#include <utility>

namespace kmb::crypto {
namespace {

TEST(ConstantTimeEqual, EqualAndDifferentContents) {
  const Bytes a = {1, 2, 3, 4};
  Bytes b = a;
  EXPECT_TRUE(constant_time_equal(a, b));
  b[3] ^= 0x80;
  EXPECT_FALSE(constant_time_equal(a, b));
  b = a;
  b[0] ^= 0x01;
  EXPECT_FALSE(constant_time_equal(a, b));
}

TEST(ConstantTimeEqual, DifferentLengthsAreNotEqual) {
  const Bytes a = {1, 2, 3, 4};
  const Bytes prefix = {1, 2, 3};
  EXPECT_FALSE(constant_time_equal(a, prefix));
  EXPECT_FALSE(constant_time_equal(prefix, a));
  EXPECT_FALSE(constant_time_equal(a, ByteSpan()));
}

TEST(ConstantTimeEqual, EmptySpansAreEqual) {
  EXPECT_TRUE(constant_time_equal(ByteSpan(), ByteSpan()));
}

TEST(SecureZero, ZeroesEveryByte) {
  Bytes bytes(100, 0xAB);
  secure_zero(MutableByteSpan(bytes).subspan(10, 80));
  for (std::size_t i = 0; i < bytes.size(); i++) {
    const bool inside = i >= 10 && i < 90;
    EXPECT_EQ(bytes[i], inside ? 0x00 : 0xAB) << "at " << i;
  }
  secure_zero(MutableByteSpan());  // Empty is fine.
}

TEST(SecretBytes, HoldsACopy) {
  const Bytes source = {9, 8, 7};
  SecretBytes secret(source);
  ASSERT_EQ(secret.size(), 3u);
  EXPECT_TRUE(constant_time_equal(secret.span(), source));
  SecretBytes zeros(5);
  EXPECT_EQ(zeros.size(), 5u);
  EXPECT_EQ(to_hex(zeros.span()), "0000000000");
}

TEST(SecretBytes, MoveLeavesSourceEmpty) {
  SecretBytes source(Bytes{1, 2, 3});
  SecretBytes target(std::move(source));
  EXPECT_TRUE(source.empty());  // NOLINT(bugprone-use-after-move): checking the moved-from state.
  EXPECT_EQ(to_hex(target.span()), "010203");

  SecretBytes other(Bytes{4, 5});
  other = std::move(target);
  EXPECT_TRUE(target.empty());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(to_hex(other.span()), "010203");
}

TEST(SecretBytes, CloneAndClear) {
  SecretBytes secret(Bytes{1, 2, 3});
  SecretBytes copy = secret.clone();
  EXPECT_EQ(to_hex(copy.span()), "010203");
  secret.clear();
  EXPECT_TRUE(secret.empty());
  EXPECT_EQ(to_hex(copy.span()), "010203");
}

}  // namespace
}  // namespace kmb::crypto
