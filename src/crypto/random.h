// Cryptographically secure random bytes (OpenSSL's DRBG, seeded by the operating system), for keys,
// nonces and salts only.
//
// This is deliberately NOT the project's seeded Prng (io/prng.h): deterministic code (kernel, log,
// simulator) must never call it, because its output cannot be replayed from a seed. Key generation
// and nonces are the exception, and they sit at the edge of the system.
//
// Thread-safety: safe to call from any thread (OpenSSL keeps per-thread DRBGs).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "base/status.h"

namespace kmb::crypto {

// Fills `out` with random bytes. Fails (internal) only if the DRBG cannot be seeded.
Status random_bytes(MutableByteSpan out);

// `Size` random bytes, e.g. `KMB_ASSIGN_OR_RETURN(auto nonce, random_array<12>());`.
template <std::size_t Size>
Result<std::array<std::uint8_t, Size>> random_array() {
  std::array<std::uint8_t, Size> bytes{};
  KMB_TRY(random_bytes(MutableByteSpan(bytes)));
  return bytes;
}

}  // namespace kmb::crypto
