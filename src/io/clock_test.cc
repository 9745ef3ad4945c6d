#include "io/clock.h"

#include <gtest/gtest.h>

namespace kmb::io {
namespace {

TEST(RealClock, MonotonicNeverDecreases) {
  RealClock clock;
  std::uint64_t previous = clock.monotonic_ns();
  for (int i = 0; i < 10'000; i++) {
    const std::uint64_t now = clock.monotonic_ns();
    EXPECT_GE(now, previous);
    previous = now;
  }
}

TEST(RealClock, RealtimeIsAfter2020) {
  RealClock clock;
  constexpr std::uint64_t january_2020_ns = 1'577'836'800ULL * 1'000'000'000ULL;
  EXPECT_GT(clock.realtime_ns(), january_2020_ns);
}

TEST(ManualClock, AdvancesBothClocks) {
  ManualClock clock(1'000, 50);
  EXPECT_EQ(clock.realtime_ns(), 1'000U);
  EXPECT_EQ(clock.monotonic_ns(), 50U);
  clock.advance_ns(25);
  EXPECT_EQ(clock.realtime_ns(), 1'025U);
  EXPECT_EQ(clock.monotonic_ns(), 75U);
}

TEST(ManualClock, WallClockMayGoBackwardsMonotonicDoesNot) {
  ManualClock clock;
  const std::uint64_t monotonic = clock.monotonic_ns();
  clock.set_realtime_ns(7);
  EXPECT_EQ(clock.realtime_ns(), 7U);
  EXPECT_EQ(clock.monotonic_ns(), monotonic);
}

}  // namespace
}  // namespace kmb::io
