#include "sql/execution/unicode_case.h"

#include <gtest/gtest.h>

namespace kmb::sql {
namespace {

TEST(UnicodeCaseTest, MapsEachCoveredScript) {
  EXPECT_EQ(utf8_upper("abc xyz"), "ABC XYZ");
  EXPECT_EQ(utf8_upper("àéîõü çñ ÿ æø þ"), "ÀÉÎÕÜ ÇÑ Ÿ ÆØ Þ");
  EXPECT_EQ(utf8_lower("ÀÉÎÕÜ ÇÑ Ÿ ÆØ Þ"), "àéîõü çñ ÿ æø þ");
  EXPECT_EQ(utf8_upper("łódź ŋ œ ž ā ĳ"), "ŁÓDŹ Ŋ Œ Ž Ā Ĳ");
  EXPECT_EQ(utf8_lower("ŁÓDŹ Ŋ Œ Ž Ā Ĳ"), "łódź ŋ œ ž ā ĳ");
  EXPECT_EQ(utf8_upper("άλφα ωμέγα ΐ"), "ΆΛΦΑ ΩΜΈΓΑ ΐ");
  EXPECT_EQ(utf8_lower("ΆΛΦΑ ΩΜΈΓΑ"), "άλφα ωμέγα");
  EXPECT_EQ(utf8_upper("привет ёжик їжак ґ ӂ"), "ПРИВЕТ ЁЖИК ЇЖАК Ґ Ӂ");
  EXPECT_EQ(utf8_lower("ПРИВЕТ ЁЖИК ЇЖАК Ґ Ӂ"), "привет ёжик їжак ґ ӂ");
}

// The simple mapping maps one code point to one, without context.
TEST(UnicodeCaseTest, SimpleMappingSpecialCases) {
  EXPECT_EQ(utf8_upper("ß"), "ß");  // full mapping would give "SS"
  EXPECT_EQ(utf8_upper("µ"), "Μ");  // micro sign -> Greek capital mu
  EXPECT_EQ(utf8_upper("ı"), "I");  // dotless i
  EXPECT_EQ(utf8_lower("İ"), "i");  // dotted capital I
  EXPECT_EQ(utf8_upper("ſ"), "S");  // long s
  EXPECT_EQ(utf8_upper("ς"), "Σ");  // final sigma
  EXPECT_EQ(utf8_lower("ΣΟΦΟΣ"), "σοφοσ");
  EXPECT_EQ(utf8_lower("ϴ"), "θ");
}

TEST(UnicodeCaseTest, PairsRoundTrip) {
  for (char32_t c = 0; c < 0x530; c++) {
    const char32_t upper = simple_upper(c);
    if (upper != c && simple_lower(upper) != c) {
      // The asymmetric letters: several lower-case forms share one capital.
      const bool expected = c == 0x00B5 || c == 0x0131 || c == 0x017F || c == 0x03C2 || c == 0x03D0 || c == 0x03D1 ||
                            c == 0x03D5 || c == 0x03D6 || c == 0x03F0 || c == 0x03F1 || c == 0x03F5;
      EXPECT_TRUE(expected) << std::hex << static_cast<unsigned>(c);
    }
    const char32_t lower = simple_lower(c);
    if (lower != c && simple_upper(lower) != c) {
      EXPECT_TRUE(c == 0x0130 || c == 0x03F4) << std::hex << static_cast<unsigned>(c);
    }
  }
}

TEST(UnicodeCaseTest, OtherTextIsUnchanged) {
  EXPECT_EQ(utf8_upper("日本 😀 ǆ"), "日本 😀 ǆ");
  EXPECT_EQ(utf8_upper(""), "");
  // Bytes that are not UTF-8 (a lone continuation byte, a truncated sequence, an overlong
  // encoding of '/') are copied, and the text around them still maps.
  EXPECT_EQ(utf8_upper("a\x80"
                       "b"),
            "A\x80"
            "B");
  EXPECT_EQ(utf8_upper("a\xC3"), "A\xC3");
  EXPECT_EQ(utf8_upper("\xC0\xAF"
                       "a"),
            "\xC0\xAF"
            "A");
}

}  // namespace
}  // namespace kmb::sql
