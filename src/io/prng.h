// Prng: the one seeded pseudo-random generator of the project (xoshiro256**, seeded through
// splitmix64). Deterministic: the same seed gives the same sequence on every machine, which is
// what makes a simulator failure replayable. NOT for keys or nonces: use crypto::random_bytes.
//
// Thread-safety: none; give each thread or component its own Prng (derive seeds with fork()).
#pragma once

#include <cstdint>

namespace kmb::io {

class Prng {
 public:
  explicit Prng(std::uint64_t seed);

  std::uint64_t next_u64();
  // Uniform in [0, bound). REQUIRES: bound > 0.
  std::uint64_t uniform(std::uint64_t bound);
  // Uniform in [low, high]. REQUIRES: low <= high.
  std::uint64_t range(std::uint64_t low, std::uint64_t high);
  // True with probability numerator / denominator. REQUIRES: denominator > 0.
  bool chance(std::uint64_t numerator, std::uint64_t denominator);
  // Uniform double in [0, 1).
  double unit_double();
  void fill(std::uint8_t* out, std::uint64_t size);
  // A new generator with a seed drawn from this one, for a sub-component.
  Prng fork();

  using result_type = std::uint64_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~result_type{0}; }
  result_type operator()() { return next_u64(); }

 private:
  std::uint64_t state_[4];
};

}  // namespace kmb::io
