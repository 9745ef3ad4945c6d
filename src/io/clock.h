// Clock: the only source of time above src/io.
//
// RealClock reads the operating system's clocks; ManualClock is set by tests and the simulator.
// Thread-safety: both are safe to call from several threads.
#pragma once

#include <atomic>
#include <cstdint>

namespace kmb::io {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time: nanoseconds since the Unix epoch (CLOCK_REALTIME). May jump.
  virtual std::uint64_t realtime_ns() = 0;
  // Monotonic nanoseconds from an arbitrary origin (CLOCK_MONOTONIC). Never goes backwards.
  virtual std::uint64_t monotonic_ns() = 0;
};

class RealClock final : public Clock {
 public:
  std::uint64_t realtime_ns() override;
  std::uint64_t monotonic_ns() override;
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::uint64_t realtime_ns = 1'700'000'000'000'000'000ULL,
                       std::uint64_t monotonic_ns = 0)
      : realtime_ns_(realtime_ns), monotonic_ns_(monotonic_ns) {}

  std::uint64_t realtime_ns() override { return realtime_ns_.load(); }
  std::uint64_t monotonic_ns() override { return monotonic_ns_.load(); }

  // Moves both clocks forward.
  void advance_ns(std::uint64_t delta_ns) {
    realtime_ns_ += delta_ns;
    monotonic_ns_ += delta_ns;
  }
  // Sets wall-clock time only (may go backwards, as real wall clocks do).
  void set_realtime_ns(std::uint64_t value_ns) { realtime_ns_ = value_ns; }

 private:
  std::atomic<std::uint64_t> realtime_ns_;
  std::atomic<std::uint64_t> monotonic_ns_;
};

}  // namespace kmb::io
