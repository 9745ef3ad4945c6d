// Conversions between Unix-epoch nanoseconds and civil UTC time, without the C library's time
// zone state (which is global and not thread-safe). Uses the proleptic Gregorian calendar.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kmb {

// "2024-01-15T10:30:00.123456789Z"; trailing zero groups of the fraction are kept (9 digits) so
// values sort as text.
std::string format_timestamp_ns(std::uint64_t unix_ns);

// Parses "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS", "YYYY-MM-DDTHH:MM:SS[.fraction][Z]" (UTC).
// nullopt for anything malformed or before 1970.
std::optional<std::uint64_t> parse_timestamp_ns(std::string_view text);

// Days since 1970-01-01 for a civil date, and back.
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);
void civil_from_days(std::int64_t days, std::int64_t& year, unsigned& month, unsigned& day);

}  // namespace kmb
