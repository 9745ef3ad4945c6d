#include "sql/execution/decimal_math.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

namespace kmb::sql {

namespace {

using kernel::Decimal;

__int128 power_of_ten(unsigned exponent) {
  __int128 value = 1;
  for (unsigned i = 0; i < exponent; i++) value *= 10;
  return value;
}

const __int128 mantissa_limit = power_of_ten(decimal_digits_max);  // exclusive bound on |mantissa|

Status overflow() { return invalid_argument("numeric field overflow"); }

bool fits(__int128 mantissa) { return mantissa < mantissa_limit && mantissa > -mantissa_limit; }

// Multiplies by 10^exponent; false on overflow.
bool scale_up(__int128& mantissa, unsigned exponent) {
  for (unsigned i = 0; i < exponent; i++) {
    if (mantissa >= mantissa_limit / 10 || mantissa <= -mantissa_limit / 10) return false;
    mantissa *= 10;
  }
  return true;
}

// Divides by 10^exponent rounding half away from zero.
__int128 scale_down(__int128 mantissa, unsigned exponent) {
  if (exponent == 0) return mantissa;
  if (exponent > decimal_digits_max) return 0;
  const __int128 divisor = power_of_ten(exponent);
  __int128 quotient = mantissa / divisor;
  const __int128 remainder = mantissa % divisor;
  const __int128 twice = (remainder < 0 ? -remainder : remainder) * 2;
  if (twice >= divisor) quotient += mantissa < 0 ? -1 : 1;
  return quotient;
}

Result<std::pair<__int128, __int128>> aligned(const Decimal& a, const Decimal& b, std::uint8_t scale) {
  __int128 ma = a.mantissa;
  __int128 mb = b.mantissa;
  if (!scale_up(ma, scale - a.scale) || !scale_up(mb, scale - b.scale)) return overflow();
  return std::pair{ma, mb};
}

unsigned digit_count(__int128 value) {
  unsigned digits = 1;
  if (value < 0) value = -value;
  while (value >= 10) {
    value /= 10;
    digits++;
  }
  return digits;
}

}  // namespace

Result<Decimal> decimal_add(const Decimal& a, const Decimal& b) {
  const std::uint8_t scale = std::max(a.scale, b.scale);
  KMB_ASSIGN_OR_RETURN(auto pair, aligned(a, b, scale));
  const __int128 sum = pair.first + pair.second;
  if (!fits(sum)) return overflow();
  return Decimal{sum, scale};
}

Result<Decimal> decimal_subtract(const Decimal& a, const Decimal& b) {
  return decimal_add(a, Decimal{-b.mantissa, b.scale});
}

Result<Decimal> decimal_multiply(const Decimal& a, const Decimal& b) {
  if (a.mantissa == 0 || b.mantissa == 0) return Decimal{0, std::min<std::uint8_t>(a.scale + b.scale, 38)};
  unsigned scale = a.scale + b.scale;
  __int128 ma = a.mantissa;
  __int128 mb = b.mantissa;
  // Drop digits below scale 38 first, then check the product's size before multiplying.
  while (digit_count(ma) + digit_count(mb) > decimal_digits_max + 1 || scale > decimal_digits_max) {
    if (scale == 0) return overflow();
    if (digit_count(ma) >= digit_count(mb)) {
      ma = scale_down(ma, 1);
    } else {
      mb = scale_down(mb, 1);
    }
    scale--;
  }
  const __int128 product = ma * mb;
  if (!fits(product)) return overflow();
  return Decimal{product, static_cast<std::uint8_t>(scale)};
}

// Long division digit by digit, so the intermediate values stay far from the int128 range.
Result<Decimal> decimal_divide(const Decimal& a, const Decimal& b) {
  KMB_ASSERT(b.mantissa != 0);
  const std::uint8_t scale = std::max<std::uint8_t>({a.scale, b.scale, std::uint8_t{6}});
  // value = (ma / 10^sa) / (mb / 10^sb) = (ma * 10^(sb - sa)) / mb; bring both to integers.
  __int128 numerator = a.mantissa < 0 ? -a.mantissa : a.mantissa;
  __int128 denominator = b.mantissa < 0 ? -b.mantissa : b.mantissa;
  // Digits to produce after the integer quotient; never negative because scale >= a.scale.
  const int exponent = static_cast<int>(scale) + b.scale - a.scale;
  KMB_ASSERT(exponent >= 0);
  if (denominator >= power_of_ten(37)) return overflow();
  const __int128 quotient_max = power_of_ten(37);  // keeps quotient * 10 inside the int128 range
  __int128 quotient = numerator / denominator;
  __int128 remainder = numerator % denominator;
  for (int i = 0; i < exponent + 1; i++) {  // one extra digit for rounding
    if (quotient >= quotient_max) return overflow();
    remainder *= 10;
    quotient = quotient * 10 + remainder / denominator;
    remainder %= denominator;
  }
  quotient = scale_down(quotient, 1);
  if (!fits(quotient)) return overflow();
  const bool negative = (a.mantissa < 0) != (b.mantissa < 0);
  return Decimal{negative ? -quotient : quotient, scale};
}

Result<Decimal> decimal_modulo(const Decimal& a, const Decimal& b) {
  KMB_ASSERT(b.mantissa != 0);
  const std::uint8_t scale = std::max(a.scale, b.scale);
  KMB_ASSIGN_OR_RETURN(auto pair, aligned(a, b, scale));
  return Decimal{pair.first % pair.second, scale};
}

Result<Decimal> decimal_rescale(const Decimal& value, std::uint8_t scale, std::uint8_t precision) {
  __int128 mantissa = value.mantissa;
  if (scale >= value.scale) {
    if (!scale_up(mantissa, scale - value.scale)) return overflow();
  } else {
    mantissa = scale_down(mantissa, value.scale - scale);
  }
  if (mantissa != 0 && digit_count(mantissa) > precision) return overflow();
  return Decimal{mantissa, scale};
}

Decimal decimal_from_integer(std::int64_t value) { return Decimal{value, 0}; }

std::optional<Decimal> decimal_from_double(double value) {
  if (!std::isfinite(value) || std::fabs(value) >= 1e37) return std::nullopt;
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::fixed);
  if (error != std::errc()) return std::nullopt;
  std::string text(buffer, end);
  // Very small magnitudes print many digits after the point; keep at most 38.
  const std::size_t point = text.find('.');
  if (point != std::string::npos && text.size() - point - 1 > decimal_digits_max) {
    text.resize(point + 1 + decimal_digits_max);
  }
  return kernel::parse_decimal(text);
}

std::optional<std::int64_t> decimal_to_integer(const Decimal& value) {
  const __int128 rounded = scale_down(value.mantissa, value.scale);
  if (rounded > INT64_MAX || rounded < INT64_MIN) return std::nullopt;
  return static_cast<std::int64_t>(rounded);
}

int decimal_sign(const Decimal& value) { return value.mantissa < 0 ? -1 : value.mantissa > 0 ? 1 : 0; }

}  // namespace kmb::sql
