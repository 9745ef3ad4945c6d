#include "io/prng.h"

#include "base/assert.h"

namespace kmb::io {
namespace {

std::uint64_t splitmix64(std::uint64_t& state) {
  state += 0x9E3779B97F4A7C15ULL;
  std::uint64_t mixed = state;
  mixed = (mixed ^ (mixed >> 30)) * 0xBF58476D1CE4E5B9ULL;
  mixed = (mixed ^ (mixed >> 27)) * 0x94D049BB133111EBULL;
  return mixed ^ (mixed >> 31);
}

std::uint64_t rotate_left(std::uint64_t value, int shift) {
  return (value << shift) | (value >> (64 - shift));
}

}  // namespace

Prng::Prng(std::uint64_t seed) {
  // splitmix64 spreads any seed (including 0) over the whole state, as the xoshiro authors advise.
  std::uint64_t splitmix_state = seed;
  for (std::uint64_t& word : state_) word = splitmix64(splitmix_state);
  // xoshiro's only bad state is all zeros; splitmix64 is a bijection of a counter and cannot
  // produce four zero outputs in a row.
  KMB_ASSERT((state_[0] | state_[1] | state_[2] | state_[3]) != 0);
}

std::uint64_t Prng::next_u64() {
  // xoshiro256** 1.0 (Blackman & Vigna).
  const std::uint64_t result = rotate_left(state_[1] * 5, 7) * 9;
  const std::uint64_t shifted = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= shifted;
  state_[3] = rotate_left(state_[3], 45);
  return result;
}

std::uint64_t Prng::uniform(std::uint64_t bound) {
  KMB_ASSERT(bound > 0);
  // Lemire, "Fast Random Integer Generation in an Interval" (2019): multiply into 128 bits and
  // reject the few low products that would make some results more likely than others.
  unsigned __int128 product = static_cast<unsigned __int128>(next_u64()) * bound;
  std::uint64_t low = static_cast<std::uint64_t>(product);
  if (low < bound) {
    const std::uint64_t threshold = (0 - bound) % bound;
    while (low < threshold) {
      product = static_cast<unsigned __int128>(next_u64()) * bound;
      low = static_cast<std::uint64_t>(product);
    }
  }
  const std::uint64_t result = static_cast<std::uint64_t>(product >> 64);
  KMB_ASSERT(result < bound);
  return result;
}

std::uint64_t Prng::range(std::uint64_t low, std::uint64_t high) {
  KMB_ASSERT(low <= high);
  const std::uint64_t span = high - low;
  if (span == ~std::uint64_t{0}) return next_u64();
  return low + uniform(span + 1);
}

bool Prng::chance(std::uint64_t numerator, std::uint64_t denominator) {
  KMB_ASSERT(denominator > 0);
  // Always draw, so that the sequence does not depend on the probability's value.
  return uniform(denominator) < numerator;
}

double Prng::unit_double() {
  // The top 53 bits fill a double's mantissa exactly.
  return static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
}

void Prng::fill(std::uint8_t* out, std::uint64_t size) {
  KMB_ASSERT(out != nullptr || size == 0);
  std::uint64_t filled = 0;
  while (filled < size) {
    std::uint64_t word = next_u64();
    for (int i = 0; i < 8 && filled < size; i++) {
      out[filled++] = static_cast<std::uint8_t>(word);
      word >>= 8;
    }
  }
}

Prng Prng::fork() { return Prng(next_u64()); }

}  // namespace kmb::io
