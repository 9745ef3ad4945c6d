// Exact DECIMAL arithmetic on kernel::Decimal (a 128-bit mantissa with a decimal scale), limited
// to 38 significant digits like DECIMAL(38, s). Results that do not fit are an error
// ("numeric field overflow"), never a silent wrap.
//
// Scale rules: a + b and a - b take max(scale a, scale b); a * b takes scale a + scale b (rounded
// to 38 when larger); a / b takes max(scale a, scale b, 6) rounded half away from zero; a % b takes
// max(scale a, scale b).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>

#include "base/status.h"
#include "kernel/value.h"

namespace kmb::sql {

inline constexpr std::uint8_t decimal_digits_max = 38;

Result<kernel::Decimal> decimal_add(const kernel::Decimal& a, const kernel::Decimal& b);
Result<kernel::Decimal> decimal_subtract(const kernel::Decimal& a, const kernel::Decimal& b);
Result<kernel::Decimal> decimal_multiply(const kernel::Decimal& a, const kernel::Decimal& b);
Result<kernel::Decimal> decimal_divide(const kernel::Decimal& a, const kernel::Decimal& b);  // b != 0
Result<kernel::Decimal> decimal_modulo(const kernel::Decimal& a, const kernel::Decimal& b);  // b != 0

// To `scale` digits after the point, rounding half away from zero; overflow when more than
// `precision` digits remain.
Result<kernel::Decimal> decimal_rescale(const kernel::Decimal& value, std::uint8_t scale,
                                        std::uint8_t precision = decimal_digits_max);
kernel::Decimal decimal_from_integer(std::int64_t value);
// The shortest decimal that round-trips the double; nullopt for NaN, infinities and huge values.
std::optional<kernel::Decimal> decimal_from_double(double value);
// Rounded half away from zero; nullopt when out of BIGINT range.
std::optional<std::int64_t> decimal_to_integer(const kernel::Decimal& value);
int decimal_sign(const kernel::Decimal& value);

}  // namespace kmb::sql
