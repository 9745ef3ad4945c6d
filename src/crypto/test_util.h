// Helpers shared by the crypto unit tests (test-only; not compiled into kmb_crypto).
// Thread-safety: pure functions.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string_view>

#include "base/bytes.h"

namespace kmb::crypto::testing {

// Decodes a hex literal from a test vector; a typo in a vector fails the test, not the process.
inline Bytes hex(std::string_view text) {
  std::optional<Bytes> bytes = from_hex(text);
  EXPECT_TRUE(bytes.has_value()) << "bad hex in test vector: " << text;
  return bytes.value_or(Bytes{});
}

inline Bytes repeated(std::uint8_t byte, std::size_t count) {
  return Bytes(count, byte);
}

}  // namespace kmb::crypto::testing
