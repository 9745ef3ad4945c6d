#include "base/time_format.h"

#include <gtest/gtest.h>

namespace kmb {
namespace {

TEST(TimeFormat, FormatsKnownInstants) {
  EXPECT_EQ(format_timestamp_ns(0), "1970-01-01T00:00:00.000000000Z");
  EXPECT_EQ(format_timestamp_ns(1'705'314'600'000'000'000ULL), "2024-01-15T10:30:00.000000000Z");
  EXPECT_EQ(format_timestamp_ns(951'782'400'123'456'789ULL), "2000-02-29T00:00:00.123456789Z");
}

TEST(TimeFormat, ParsesTheAcceptedForms) {
  EXPECT_EQ(parse_timestamp_ns("2024-01-15 10:30:00"), 1'705'314'600'000'000'000ULL);
  EXPECT_EQ(parse_timestamp_ns("2024-01-15T10:30:00Z"), 1'705'314'600'000'000'000ULL);
  EXPECT_EQ(parse_timestamp_ns("2024-01-15T10:30:00.5"), 1'705'314'600'500'000'000ULL);
  EXPECT_EQ(parse_timestamp_ns("1970-01-01"), 0u);
  EXPECT_EQ(parse_timestamp_ns("2000-02-29T00:00:00.123456789Z"), 951'782'400'123'456'789ULL);
}

TEST(TimeFormat, RejectsMalformedDates) {
  for (const char* bad : {"", "2024-1-15", "2024-13-01", "2023-02-29", "2024-01-32", "2024-01-15 25:00:00",
                          "2024-01-15 10:30", "1969-12-31", "2024-01-15x", "2024-01-15 10:30:00."}) {
    EXPECT_FALSE(parse_timestamp_ns(bad).has_value()) << bad;
  }
}

TEST(TimeFormat, RoundTripsEveryDayAcrossCenturies) {
  for (std::int64_t days = 0; days < 200 * 366; days += 17) {
    std::int64_t year;
    unsigned month, day;
    civil_from_days(days, year, month, day);
    EXPECT_EQ(days_from_civil(year, month, day), days);
  }
}

}  // namespace
}  // namespace kmb
