#include "io/clock.h"

#include <time.h>

#include "base/assert.h"

namespace kmb::io {
namespace {

std::uint64_t read_clock_ns(clockid_t clock_id) {
  struct timespec now {};
  const int result = clock_gettime(clock_id, &now);
  // clock_gettime can only fail for an invalid clock id or a bad pointer: both programmer errors.
  KMB_ASSERT(result == 0);
  KMB_ASSERT(now.tv_sec >= 0);
  return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000'000ULL +
         static_cast<std::uint64_t>(now.tv_nsec);
}

}  // namespace

std::uint64_t RealClock::realtime_ns() { return read_clock_ns(CLOCK_REALTIME); }

std::uint64_t RealClock::monotonic_ns() { return read_clock_ns(CLOCK_MONOTONIC); }

}  // namespace kmb::io
