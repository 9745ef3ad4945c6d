#include "io/prng.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <numeric>
#include <vector>

namespace kmb::io {
namespace {

TEST(Prng, MatchesReferenceXoshiro256StarStarSeededBySplitmix64) {
  // From the reference algorithms (splitmix64.c and xoshiro256starstar.c by Blackman and Vigna).
  Prng zero(0);
  EXPECT_EQ(zero.next_u64(), 0x99ec5f36cb75f2b4ULL);
  EXPECT_EQ(zero.next_u64(), 0xbf6e1f784956452aULL);
  EXPECT_EQ(zero.next_u64(), 0x1a5f849d4933e6e0ULL);
  Prng other(12345);
  EXPECT_EQ(other.next_u64(), 0xbe6a36374160d49bULL);
  EXPECT_EQ(other.next_u64(), 0x214aaa0637a688c6ULL);
}

TEST(Prng, SameSeedSameSequence) {
  Prng first(77);
  Prng second(77);
  Prng different(78);
  bool differs = false;
  for (int i = 0; i < 1000; i++) {
    const std::uint64_t value = first.next_u64();
    EXPECT_EQ(value, second.next_u64());
    differs = differs || value != different.next_u64();
  }
  EXPECT_TRUE(differs);
}

TEST(Prng, UniformStaysBelowBound) {
  Prng prng(1);
  const std::array<std::uint64_t, 8> bounds = {
      1, 2, 3, 7, 1000, (1ULL << 63) + 1, ~0ULL - 1, ~0ULL};
  for (const std::uint64_t bound : bounds) {
    for (int i = 0; i < 2000; i++) EXPECT_LT(prng.uniform(bound), bound);
  }
  for (int i = 0; i < 100; i++) EXPECT_EQ(prng.uniform(1), 0U);
}

TEST(Prng, UniformIsRoughlyFlat) {
  Prng prng(2);
  constexpr int buckets = 10;
  constexpr int draws = 200'000;
  std::array<int, buckets> counts{};
  for (int i = 0; i < draws; i++) counts[prng.uniform(buckets)]++;
  for (const int count : counts) {
    EXPECT_GT(count, draws / buckets * 95 / 100);
    EXPECT_LT(count, draws / buckets * 105 / 100);
  }
}

TEST(Prng, UniformHasNoModuloBiasForAwkwardBound) {
  // With bound = 3 * 2^62, "next % bound" would give the lower third twice the weight.
  Prng prng(3);
  const std::uint64_t bound = 3ULL << 62;
  int lower_third = 0;
  constexpr int draws = 60'000;
  for (int i = 0; i < draws; i++) {
    if (prng.uniform(bound) < (1ULL << 62)) lower_third++;
  }
  EXPECT_GT(lower_third, draws / 3 * 95 / 100);
  EXPECT_LT(lower_third, draws / 3 * 105 / 100);
}

TEST(Prng, RangeIsInclusive) {
  Prng prng(4);
  EXPECT_EQ(prng.range(5, 5), 5U);
  bool saw_low = false;
  bool saw_high = false;
  for (int i = 0; i < 1000; i++) {
    const std::uint64_t value = prng.range(10, 12);
    EXPECT_GE(value, 10U);
    EXPECT_LE(value, 12U);
    saw_low = saw_low || value == 10;
    saw_high = saw_high || value == 12;
  }
  EXPECT_TRUE(saw_low);
  EXPECT_TRUE(saw_high);
  static_cast<void>(prng.range(0, ~0ULL));  // The full range must not overflow.
}

TEST(Prng, ChanceHonoursProbability) {
  Prng prng(5);
  int hits = 0;
  for (int i = 0; i < 40'000; i++) {
    EXPECT_FALSE(prng.chance(0, 7));
    EXPECT_TRUE(prng.chance(7, 7));
    if (prng.chance(1, 4)) hits++;
  }
  EXPECT_GT(hits, 9'500);
  EXPECT_LT(hits, 10'500);
}

TEST(Prng, UnitDoubleInHalfOpenInterval) {
  Prng prng(6);
  double sum = 0;
  for (int i = 0; i < 10'000; i++) {
    const double value = prng.unit_double();
    EXPECT_GE(value, 0.0);
    EXPECT_LT(value, 1.0);
    sum += value;
  }
  EXPECT_NEAR(sum / 10'000, 0.5, 0.02);
}

TEST(Prng, FillUsesLittleEndianWords) {
  Prng filler(7);
  Prng reference(7);
  std::array<std::uint8_t, 11> bytes{};
  filler.fill(bytes.data(), bytes.size());
  const std::uint64_t first = reference.next_u64();
  const std::uint64_t second = reference.next_u64();
  for (int i = 0; i < 8; i++) EXPECT_EQ(bytes[i], static_cast<std::uint8_t>(first >> (8 * i)));
  for (int i = 0; i < 3; i++) EXPECT_EQ(bytes[8 + i], static_cast<std::uint8_t>(second >> (8 * i)));
  filler.fill(nullptr, 0);
}

TEST(Prng, ForkIsDeterministicAndIndependent) {
  Prng parent_a(8);
  Prng parent_b(8);
  Prng child_a = parent_a.fork();
  Prng child_b = parent_b.fork();
  for (int i = 0; i < 100; i++) EXPECT_EQ(child_a.next_u64(), child_b.next_u64());
  const std::uint64_t parent_next = parent_a.next_u64();
  EXPECT_EQ(parent_next, parent_b.next_u64());
  EXPECT_NE(child_a.next_u64(), parent_next);
}

TEST(Prng, WorksAsStandardBitGenerator) {
  std::vector<int> first(50);
  std::iota(first.begin(), first.end(), 0);
  std::vector<int> second = first;
  Prng prng_a(9);
  Prng prng_b(9);
  std::shuffle(first.begin(), first.end(), prng_a);
  std::shuffle(second.begin(), second.end(), prng_b);
  EXPECT_EQ(first, second);
}

}  // namespace
}  // namespace kmb::io
