#include "crypto/crc32c.h"

#include <array>
#include <cstddef>
#include <cstring>

#include "base/assert.h"

#if defined(__x86_64__)
#include <nmmintrin.h>
#define KMB_CRC32C_HAVE_X86 1
#else
#define KMB_CRC32C_HAVE_X86 0
#endif

namespace kmb::crypto {
namespace {

// The reflected Castagnoli polynomial. In the reflected representation used by both the table
// method and the crc32 instruction, bit 31 of a register is the coefficient of x^0 and bit 0 that
// of x^31.
constexpr std::uint32_t polynomial_reflected = 0x82F63B78;

// a(x) * b(x) mod P(x), in the reflected representation.
constexpr std::uint32_t multiply_mod_p(std::uint32_t a, std::uint32_t b) {
  std::uint32_t product = 0;
  for (std::uint32_t mask = std::uint32_t{1} << 31; mask != 0; mask >>= 1) {
    if ((a & mask) != 0) product ^= b;
    b = (b & 1) != 0 ? (b >> 1) ^ polynomial_reflected : b >> 1;
  }
  return product;
}

// x^power mod P(x), by square-and-multiply.
constexpr std::uint32_t x_power_mod_p(std::uint64_t power) {
  std::uint32_t result = std::uint32_t{1} << 31;  // x^0
  std::uint32_t square = std::uint32_t{1} << 30;  // x^1
  while (power != 0) {
    if ((power & 1) != 0) result = multiply_mod_p(result, square);
    square = multiply_mod_p(square, square);
    power >>= 1;
  }
  return result;
}

using ByteTable = std::array<std::uint32_t, 256>;

// tables[k][b]: the CRC register after feeding byte b followed by k zero bytes, from state 0.
constexpr std::array<ByteTable, 8> make_slicing_tables() {
  std::array<ByteTable, 8> tables{};
  for (std::uint32_t byte = 0; byte < 256; byte++) {
    std::uint32_t crc = byte;
    for (int bit = 0; bit < 8; bit++) {
      crc = (crc & 1) != 0 ? (crc >> 1) ^ polynomial_reflected : crc >> 1;
    }
    tables[0][byte] = crc;
  }
  for (std::size_t k = 1; k < 8; k++) {
    for (std::size_t byte = 0; byte < 256; byte++) {
      const std::uint32_t previous = tables[k - 1][byte];
      tables[k][byte] = (previous >> 8) ^ tables[0][previous & 0xff];
    }
  }
  return tables;
}

constexpr std::array<ByteTable, 8> slicing_tables = make_slicing_tables();

static_assert(slicing_tables[0][1] == 0xF26B8303);  // The well-known first table entry.

inline std::uint32_t load_u32(const std::uint8_t* in) {
  return load_le<std::uint32_t>(in);
}

}  // namespace

std::uint32_t crc32c_extend_portable(std::uint32_t crc, ByteSpan data) {
  const std::uint8_t* in = data.data();
  std::size_t size = data.size();
  std::uint32_t state = ~crc;
  while (size >= 8) {
    const std::uint32_t low = state ^ load_u32(in);
    const std::uint32_t high = load_u32(in + 4);
    state = slicing_tables[7][low & 0xff] ^ slicing_tables[6][(low >> 8) & 0xff] ^
            slicing_tables[5][(low >> 16) & 0xff] ^ slicing_tables[4][low >> 24] ^ slicing_tables[3][high & 0xff] ^
            slicing_tables[2][(high >> 8) & 0xff] ^ slicing_tables[1][(high >> 16) & 0xff] ^
            slicing_tables[0][high >> 24];
    in += 8;
    size -= 8;
  }
  while (size > 0) {
    state = (state >> 8) ^ slicing_tables[0][(state ^ *in) & 0xff];
    in++;
    size--;
  }
  return ~state;
}

#if KMB_CRC32C_HAVE_X86
namespace {

// The crc32 instruction has a latency of three cycles but a throughput of one per cycle, so one
// dependent chain uses a third of the unit. The hardware path therefore splits a block into three
// lanes of `lane_size` bytes, runs one chain per lane, and joins them: the register after lane A
// then lane B is shift(crc_A, |B|) ^ crc_B, where shift feeds |B| zero bytes. CRCs are linear, so
// the shift is a multiplication by x^(8|B|) mod P, precomputed per lane size as four byte tables.
struct LaneShift {
  std::array<ByteTable, 4> tables;

  std::uint32_t apply(std::uint32_t crc) const {
    return tables[0][crc & 0xff] ^ tables[1][(crc >> 8) & 0xff] ^ tables[2][(crc >> 16) & 0xff] ^ tables[3][crc >> 24];
  }
};

constexpr LaneShift make_lane_shift(std::size_t lane_size) {
  const std::uint32_t factor = x_power_mod_p(8 * static_cast<std::uint64_t>(lane_size));
  LaneShift shift{};
  for (std::uint32_t position = 0; position < 4; position++) {
    for (std::uint32_t byte = 0; byte < 256; byte++) {
      shift.tables[position][byte] = multiply_mod_p(factor, byte << (8 * position));
    }
  }
  return shift;
}

// Lane sizes, largest first: big inputs pay the join rarely, 1 KiB log records still use 3 lanes.
constexpr std::size_t lane_size_large = 4096;
constexpr std::size_t lane_size_medium = 256;
constexpr std::size_t lane_size_small = 64;
constexpr LaneShift lane_shift_large = make_lane_shift(lane_size_large);
constexpr LaneShift lane_shift_medium = make_lane_shift(lane_size_medium);
constexpr LaneShift lane_shift_small = make_lane_shift(lane_size_small);

inline std::uint64_t load_u64(const std::uint8_t* in) {
  std::uint64_t value;
  std::memcpy(&value, in, sizeof(value));  // x86-64 is little-endian, as the CRC needs.
  return value;
}

// Consumes as many whole 3-lane blocks of `lane_size` as fit; returns the new raw register.
template <std::size_t lane_size>
__attribute__((target("sse4.2"), always_inline)) inline std::uint64_t crc_three_lanes(std::uint64_t state,
                                                                                      const std::uint8_t*& in,
                                                                                      std::size_t& size,
                                                                                      const LaneShift& shift) {
  static_assert(lane_size % 8 == 0);
  while (size >= 3 * lane_size) {
    std::uint64_t lane0 = state;
    std::uint64_t lane1 = 0;
    std::uint64_t lane2 = 0;
    for (std::size_t i = 0; i < lane_size; i += 8) {
      lane0 = _mm_crc32_u64(lane0, load_u64(in + i));
      lane1 = _mm_crc32_u64(lane1, load_u64(in + lane_size + i));
      lane2 = _mm_crc32_u64(lane2, load_u64(in + 2 * lane_size + i));
    }
    std::uint32_t joined = shift.apply(static_cast<std::uint32_t>(lane0)) ^ static_cast<std::uint32_t>(lane1);
    joined = shift.apply(joined) ^ static_cast<std::uint32_t>(lane2);
    state = joined;
    in += 3 * lane_size;
    size -= 3 * lane_size;
  }
  return state;
}

}  // namespace

__attribute__((target("sse4.2"))) std::uint32_t crc32c_extend_hardware(std::uint32_t crc, ByteSpan data) {
  KMB_ASSERT(crc32c_hardware_available());
  const std::uint8_t* in = data.data();
  std::size_t size = data.size();
  std::uint64_t state = ~crc;
  // Align so the 8-byte loads do not straddle cache lines.
  while (size > 0 && (reinterpret_cast<std::uintptr_t>(in) & 7) != 0) {
    state = _mm_crc32_u8(static_cast<std::uint32_t>(state), *in);
    in++;
    size--;
  }
  state = crc_three_lanes<lane_size_large>(state, in, size, lane_shift_large);
  state = crc_three_lanes<lane_size_medium>(state, in, size, lane_shift_medium);
  state = crc_three_lanes<lane_size_small>(state, in, size, lane_shift_small);
  while (size >= 8) {
    state = _mm_crc32_u64(state, load_u64(in));
    in += 8;
    size -= 8;
  }
  while (size > 0) {
    state = _mm_crc32_u8(static_cast<std::uint32_t>(state), *in);
    in++;
    size--;
  }
  return ~static_cast<std::uint32_t>(state);
}

bool crc32c_hardware_available() {
  static const bool available = [] {
    __builtin_cpu_init();  // Needed if the first call comes from a static initializer.
    return __builtin_cpu_supports("sse4.2") != 0;
  }();
  return available;
}

#else  // !KMB_CRC32C_HAVE_X86

std::uint32_t crc32c_extend_hardware(std::uint32_t, ByteSpan) {
  KMB_UNREACHABLE();
}

bool crc32c_hardware_available() {
  return false;
}

#endif

std::uint32_t crc32c_extend(std::uint32_t crc, ByteSpan data) {
  if (crc32c_hardware_available()) return crc32c_extend_hardware(crc, data);
  return crc32c_extend_portable(crc, data);
}

std::uint32_t crc32c(ByteSpan data) {
  return crc32c_extend(0, data);
}

}  // namespace kmb::crypto
