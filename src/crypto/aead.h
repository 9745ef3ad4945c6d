// AES-256-GCM authenticated encryption (NIST SP 800-38D) through OpenSSL 3's EVP interface, with a
// 12-byte nonce and a 16-byte tag. Encrypts tenant and per-subject data; destroying a subject's key
// is how personal data is erased from the immutable log (crypto-shredding).
//
// Nonces: a (key, nonce) pair must never encrypt two different messages; doing so reveals the
// XOR of the plaintexts and lets an attacker forge tags. Use random nonces (random_array<12>()) for
// at most 2^32 messages per key, or a counter the caller can prove never repeats.
//
// Thread-safety: the functions are pure; an Aes256Key may be read from several threads at once.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "base/bytes.h"
#include "base/status.h"

namespace kmb::crypto {

inline constexpr std::size_t aes256_key_size = 32;
inline constexpr std::size_t aes256_gcm_nonce_size = 12;
inline constexpr std::size_t aes256_gcm_tag_size = 16;
// SP 800-38D: at most 2^39 - 256 bits of plaintext per (key, nonce).
inline constexpr std::uint64_t aes256_gcm_plaintext_size_max = (std::uint64_t{1} << 36) - 32;

using Aes256GcmNonce = std::array<std::uint8_t, aes256_gcm_nonce_size>;

// A 256-bit AES key. The bytes are wiped (OPENSSL_cleanse) when the key is destroyed or moved from.
// Not copyable, so every copy of key material is an explicit clone() in the code.
class Aes256Key {
 public:
  // Errors: invalid_argument unless `bytes` is exactly 32 bytes.
  static Result<Aes256Key> from_bytes(ByteSpan bytes);
  // A fresh key from the CSPRNG. Errors: internal if the CSPRNG fails.
  static Result<Aes256Key> generate();

  ~Aes256Key();
  Aes256Key(const Aes256Key&) = delete;
  Aes256Key& operator=(const Aes256Key&) = delete;
  Aes256Key(Aes256Key&& other) noexcept;
  Aes256Key& operator=(Aes256Key&& other) noexcept;

  Aes256Key clone() const;

  // The raw key, e.g. to wrap it under a key-encryption key. Handle with care.
  ByteSpan bytes() const { return ByteSpan(bytes_); }

 private:
  Aes256Key() = default;
  std::array<std::uint8_t, aes256_key_size> bytes_{};
};

// Encrypts `plaintext` and authenticates it together with `aad` (associated data that is not
// encrypted, e.g. a record header). Returns ciphertext || 16-byte tag (plaintext.size() + 16
// bytes). Errors: invalid_argument if plaintext exceeds aes256_gcm_plaintext_size_max; internal if
// OpenSSL fails.
Result<Bytes> aes256_gcm_seal(const Aes256Key& key, const Aes256GcmNonce& nonce, ByteSpan plaintext, ByteSpan aad);

// Checks and decrypts `sealed` (ciphertext || tag) as produced by aes256_gcm_seal with the same
// key, nonce and aad. Errors: corruption("authentication failed") if the tag does not match (wrong
// key, nonce or aad, or altered bytes) and corruption if `sealed` is shorter than a tag; no
// plaintext is returned in either case.
Result<Bytes> aes256_gcm_open(const Aes256Key& key, const Aes256GcmNonce& nonce, ByteSpan sealed, ByteSpan aad);

// Seals many messages under one key, computing the key schedule once (the per-message work is then
// the nonce, the data and the tag): for a log that encrypts every small record under the same key.
// Output is identical to aes256_gcm_seal with the same key. The nonce rules above apply unchanged.
// Thread-safety: not thread-safe; one sealer per writer.
class Aes256GcmSealer {
 public:
  // Errors: internal if OpenSSL fails.
  static Result<Aes256GcmSealer> create(const Aes256Key& key);
  ~Aes256GcmSealer();
  Aes256GcmSealer(Aes256GcmSealer&& other) noexcept;
  Aes256GcmSealer& operator=(Aes256GcmSealer&& other) noexcept;
  Aes256GcmSealer(const Aes256GcmSealer&) = delete;
  Aes256GcmSealer& operator=(const Aes256GcmSealer&) = delete;

  // ciphertext || 16-byte tag, as aes256_gcm_seal.
  Result<Bytes> seal(const Aes256GcmNonce& nonce, ByteSpan plaintext, ByteSpan aad);

 private:
  struct Context;
  explicit Aes256GcmSealer(std::unique_ptr<Context> context);
  std::unique_ptr<Context> context_;
};

}  // namespace kmb::crypto
