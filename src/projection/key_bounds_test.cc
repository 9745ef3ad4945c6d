#include "projection/key_bounds.h"

#include <gtest/gtest.h>

namespace kmb::projection {
namespace {

KeyBound b(std::string_view text, bool inclusive) {
  const ByteSpan bytes = as_bytes(text);
  return KeyBound{Bytes(bytes.begin(), bytes.end()), inclusive};
}

TEST(KeyBounds, LowerStart) {
  EXPECT_EQ(lower_start(std::nullopt), "");
  EXPECT_EQ(lower_start(b("ab", true)), "ab");
  EXPECT_EQ(lower_start(b("ab", false)), "ac");
  EXPECT_EQ(lower_start(b("a\xff\xff", false)), "b");
  EXPECT_FALSE(lower_start(b("\xff\xff", false)).has_value());
}

TEST(KeyBounds, PrefixSemantics) {
  EXPECT_TRUE(within_upper("abc", b("ab", true)));  // starts with the bound
  EXPECT_FALSE(within_upper("abc", b("ab", false)));
  EXPECT_TRUE(within_upper("aa", b("ab", false)));
  EXPECT_TRUE(within_upper("a", b("ab", false)));  // shorter and smaller
  EXPECT_FALSE(within_upper("b", b("ab", true)));
  EXPECT_TRUE(within_upper("anything", std::nullopt));
  EXPECT_TRUE(within_lower("abc", b("ab", true)));
  EXPECT_FALSE(within_lower("abc", b("ab", false)));
  EXPECT_TRUE(within_lower("ac", b("ab", false)));
  EXPECT_FALSE(within_lower("a", b("ab", true)));
}

}  // namespace
}  // namespace kmb::projection
