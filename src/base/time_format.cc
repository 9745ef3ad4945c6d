#include "base/time_format.h"

#include <cstdio>

namespace kmb {

// Howard Hinnant's public-domain algorithms for civil dates ("chrono-compatible low-level date
// algorithms"), re-derived here: shift the year to start in March so leap days come last.
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const unsigned year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

void civil_from_days(std::int64_t days, std::int64_t& year, unsigned& month, unsigned& day) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned day_of_era = static_cast<unsigned>(days - era * 146097);
  const unsigned year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned mp = (5 * day_of_year + 2) / 153;
  day = day_of_year - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0);
}

std::string format_timestamp_ns(std::uint64_t unix_ns) {
  const std::uint64_t seconds = unix_ns / 1'000'000'000ULL;
  const std::uint64_t fraction = unix_ns % 1'000'000'000ULL;
  std::int64_t year = 0;
  unsigned month = 0;
  unsigned day = 0;
  civil_from_days(static_cast<std::int64_t>(seconds / 86400), year, month, day);
  const std::uint64_t second_of_day = seconds % 86400;
  char text[48];
  std::snprintf(text, sizeof(text), "%04lld-%02u-%02uT%02u:%02u:%02u.%09lluZ", static_cast<long long>(year), month,
                day, static_cast<unsigned>(second_of_day / 3600), static_cast<unsigned>(second_of_day / 60 % 60),
                static_cast<unsigned>(second_of_day % 60), static_cast<unsigned long long>(fraction));
  return text;
}

namespace {

bool read_digits(std::string_view text, std::size_t& at, std::size_t count, unsigned& value) {
  if (at + count > text.size()) return false;
  value = 0;
  for (std::size_t i = 0; i < count; i++) {
    char c = text[at + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  at += count;
  return true;
}

bool expect(std::string_view text, std::size_t& at, char c) {
  if (at >= text.size() || text[at] != c) return false;
  at++;
  return true;
}

}  // namespace

std::optional<std::uint64_t> parse_timestamp_ns(std::string_view text) {
  std::size_t at = 0;
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_digits(text, at, 4, year) || !expect(text, at, '-') || !read_digits(text, at, 2, month) ||
      !expect(text, at, '-') || !read_digits(text, at, 2, day)) {
    return std::nullopt;
  }
  if (year < 1970 || month < 1 || month > 12 || day < 1) return std::nullopt;
  static constexpr unsigned month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (day > month_days[month - 1] || (month == 2 && day == 29 && !leap)) return std::nullopt;
  std::uint64_t fraction_ns = 0;
  if (at < text.size()) {
    if (text[at] != ' ' && text[at] != 'T') return std::nullopt;
    at++;
    if (!read_digits(text, at, 2, hour) || !expect(text, at, ':') || !read_digits(text, at, 2, minute) ||
        !expect(text, at, ':') || !read_digits(text, at, 2, second)) {
      return std::nullopt;
    }
    if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
    if (at < text.size() && text[at] == '.') {
      at++;
      std::size_t digits = 0;
      while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
        if (digits < 9) fraction_ns = fraction_ns * 10 + static_cast<unsigned>(text[at] - '0');
        digits++;
        at++;
      }
      if (digits == 0) return std::nullopt;
      for (std::size_t d = digits; d < 9; d++) fraction_ns *= 10;
    }
    if (at < text.size() && text[at] == 'Z') at++;
  }
  if (at != text.size()) return std::nullopt;
  const std::int64_t days = days_from_civil(year, month, day);
  const std::uint64_t seconds = static_cast<std::uint64_t>(days) * 86400 + hour * 3600 + minute * 60 + second;
  return seconds * 1'000'000'000ULL + fraction_ns;
}

}  // namespace kmb
