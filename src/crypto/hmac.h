// HMAC-SHA256 (RFC 2104 / FIPS 198-1) through OpenSSL 3's EVP_MAC interface, used to sign exports
// and to authenticate API keys.
//
// Thread-safety: pure functions; safe to call from any thread.
#pragma once

#include <array>
#include <cstdint>

#include "base/bytes.h"

namespace kmb::crypto {

using HmacSha256Tag = std::array<std::uint8_t, 32>;

// HMAC-SHA256 of `data` under `key`. Any key length is allowed (keys longer than 64 bytes are
// hashed first, as RFC 2104 says); an empty key is allowed but is no secret.
HmacSha256Tag hmac_sha256(ByteSpan key, ByteSpan data);

// True if `tag` is the full 32-byte HMAC-SHA256 of `data` under `key`, compared in constant time.
// Truncated tags are rejected: accepting a caller-chosen length would let a 0-byte tag verify.
bool hmac_sha256_verify(ByteSpan key, ByteSpan data, ByteSpan tag);

}  // namespace kmb::crypto
