#include "crypto/random.h"

#include <openssl/err.h>
#include <openssl/rand.h>

#include <algorithm>
#include <climits>
#include <string>

namespace kmb::crypto {

Status random_bytes(MutableByteSpan out) {
  // RAND_bytes takes an int; hand it the buffer in pieces it can describe.
  constexpr std::size_t piece_size_max = std::size_t{1} << 30;
  static_assert(piece_size_max <= static_cast<std::size_t>(INT_MAX));
  while (!out.empty()) {
    const std::size_t piece_size = std::min(out.size(), piece_size_max);
    if (RAND_bytes(out.data(), static_cast<int>(piece_size)) != 1) {
      const unsigned long error = ERR_get_error();
      ERR_clear_error();
      return internal_error("RAND_bytes failed (OpenSSL error " + std::to_string(error) + ")");
    }
    out = out.subspan(piece_size);
  }
  return Status::ok_status();
}

}  // namespace kmb::crypto
