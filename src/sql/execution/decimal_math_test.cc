#include "sql/execution/decimal_math.h"

#include <gtest/gtest.h>

namespace kmb::sql {
namespace {

using kernel::Decimal;

std::string text(const Result<Decimal>& result) {
  if (!result.ok()) return "ERROR: " + result.status().message();
  return kernel::decimal_to_string(*result);
}

Decimal d(std::string_view value) { return *kernel::parse_decimal(value); }

TEST(DecimalMathTest, AddSubtractAlignScales) {
  EXPECT_EQ(text(decimal_add(d("1.5"), d("2.25"))), "3.75");
  EXPECT_EQ(text(decimal_subtract(d("1.5"), d("2.25"))), "-0.75");
  EXPECT_EQ(text(decimal_add(d("99999999999999999999999999999999999999"), d("1"))), "ERROR: numeric field overflow");
}

TEST(DecimalMathTest, MultiplyAddsScales) {
  EXPECT_EQ(text(decimal_multiply(d("1.5"), d("-2.25"))), "-3.375");
  EXPECT_EQ(text(decimal_multiply(d("0"), d("2.25"))), "0.00");
  EXPECT_EQ(text(decimal_multiply(d("0.00000000000000000001"), d("0.00000000000000000001"))),
            "0.00000000000000000000000000000000000000");
  EXPECT_EQ(text(decimal_multiply(d("10000000000000000000"), d("10000000000000000000"))),
            "ERROR: numeric field overflow");
}

TEST(DecimalMathTest, DivideRoundsHalfAwayFromZero) {
  EXPECT_EQ(text(decimal_divide(d("1"), d("3"))), "0.333333");
  EXPECT_EQ(text(decimal_divide(d("2"), d("3"))), "0.666667");
  EXPECT_EQ(text(decimal_divide(d("-2"), d("3"))), "-0.666667");
  EXPECT_EQ(text(decimal_divide(d("1.00000000"), d("8"))), "0.12500000");
  EXPECT_EQ(text(decimal_divide(d("10"), d("0.5"))), "20.000000");
  EXPECT_EQ(text(decimal_divide(d("12345678901234567890"), d("0.000001"))), "12345678901234567890000000.000000");
  EXPECT_EQ(text(decimal_divide(d("1000000000000000000000000000000"), d("0.00000001"))), "ERROR: numeric field overflow");
}

TEST(DecimalMathTest, ModuloAndRescale) {
  EXPECT_EQ(text(decimal_modulo(d("10.5"), d("3"))), "1.5");
  EXPECT_EQ(text(decimal_modulo(d("-10.5"), d("3"))), "-1.5");
  EXPECT_EQ(text(decimal_rescale(d("1.005"), 2)), "1.01");
  EXPECT_EQ(text(decimal_rescale(d("-1.005"), 2)), "-1.01");
  EXPECT_EQ(text(decimal_rescale(d("1.5"), 3)), "1.500");
  EXPECT_EQ(text(decimal_rescale(d("123.45"), 2, 4)), "ERROR: numeric field overflow");
}

TEST(DecimalMathTest, Conversions) {
  EXPECT_EQ(kernel::decimal_to_string(*decimal_from_double(0.1)), "0.1");
  EXPECT_EQ(kernel::decimal_to_string(*decimal_from_double(-2.5)), "-2.5");
  EXPECT_FALSE(decimal_from_double(1e300).has_value());
  EXPECT_EQ(decimal_to_integer(d("2.5")), 3);
  EXPECT_EQ(decimal_to_integer(d("-2.5")), -3);
  EXPECT_FALSE(decimal_to_integer(d("99999999999999999999")).has_value());
}

}  // namespace
}  // namespace kmb::sql
