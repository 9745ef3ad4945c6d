// Byte helpers: spans, little-endian fixed-width encoding, hex.
//
// All on-disk and on-wire integers in Kimberlite are little-endian. These helpers are the only
// place that knows how; they compile to plain loads/stores on x86-64.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kmb {

using Bytes = std::vector<std::uint8_t>;
using ByteSpan = std::span<const std::uint8_t>;
using MutableByteSpan = std::span<std::uint8_t>;

inline ByteSpan as_bytes(std::string_view text) {
  return ByteSpan(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}
inline std::string_view as_string_view(ByteSpan bytes) {
  return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

template <typename Int>
inline void store_le(std::uint8_t* out, Int value) {
  static_assert(std::is_unsigned_v<Int>);
  for (std::size_t i = 0; i < sizeof(Int); i++) {
    out[i] = static_cast<std::uint8_t>(value >> (8 * i));
  }
}

template <typename Int>
inline Int load_le(const std::uint8_t* in) {
  static_assert(std::is_unsigned_v<Int>);
  Int value = 0;
  for (std::size_t i = 0; i < sizeof(Int); i++) {
    value |= static_cast<Int>(static_cast<Int>(in[i]) << (8 * i));
  }
  return value;
}

inline void append_bytes(Bytes& out, ByteSpan data) { out.insert(out.end(), data.begin(), data.end()); }

template <typename Int>
inline void append_le(Bytes& out, Int value) {
  std::uint8_t buffer[sizeof(Int)];
  store_le(buffer, value);
  out.insert(out.end(), buffer, buffer + sizeof(Int));
}

// Lower-case hexadecimal.
std::string to_hex(ByteSpan bytes);
// Parses hexadecimal (either case); nullopt on odd length or a non-hex character.
std::optional<Bytes> from_hex(std::string_view hex);

}  // namespace kmb
