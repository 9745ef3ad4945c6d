// HKDF-SHA256 (RFC 5869), extract-then-expand, through OpenSSL 3's EVP_KDF interface. Used to
// derive per-tenant and per-subject keys from a key-encryption key.
//
// Thread-safety: pure function; safe to call from any thread.
#pragma once

#include <cstddef>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/secure.h"

namespace kmb::crypto {

// RFC 5869: the output may be at most 255 hash lengths.
inline constexpr std::size_t hkdf_sha256_output_size_max = std::size_t{255} * 32;
// OpenSSL 3.0 keeps `info` in a fixed 1024-byte buffer.
inline constexpr std::size_t hkdf_sha256_info_size_max = 1024;

// `output_size` bytes of key material from input key material `ikm`, optional `salt` (empty means
// a string of 32 zero bytes, as RFC 5869 says) and context `info`.
// Errors: invalid_argument if output_size is 0 or above hkdf_sha256_output_size_max, or info is
// longer than hkdf_sha256_info_size_max.
Result<Bytes> hkdf_sha256(ByteSpan salt, ByteSpan ikm, ByteSpan info, std::size_t output_size);

// The same, into a buffer that wipes itself, for output that is itself a key.
Result<SecretBytes> hkdf_sha256_secret(ByteSpan salt, ByteSpan ikm, ByteSpan info, std::size_t output_size);

}  // namespace kmb::crypto
