// Ed25519 signatures (RFC 8032, pure Ed25519) through OpenSSL 3's EVP_PKEY interface. Signs
// exports and audit checkpoints so that anyone holding the public key can verify them.
//
// Thread-safety: an Ed25519PrivateKey may sign from several threads at once (each call uses its own
// EVP context; the key object is only read). Public keys and signatures are plain values.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/secure.h"

typedef struct evp_pkey_st EVP_PKEY;  // NOLINT: OpenSSL's own spelling, so its header need not leak.

namespace kmb::crypto {

inline constexpr std::size_t ed25519_seed_size = 32;
inline constexpr std::size_t ed25519_public_key_size = 32;
inline constexpr std::size_t ed25519_signature_size = 64;

using Ed25519Signature = std::array<std::uint8_t, ed25519_signature_size>;

class Ed25519PublicKey {
 public:
  // Errors: invalid_argument unless `bytes` is 32 bytes. Whether the bytes encode a valid curve
  // point is checked by verify(), which rejects every signature under an invalid key.
  static Result<Ed25519PublicKey> from_bytes(ByteSpan bytes);

  ByteSpan bytes() const { return ByteSpan(bytes_); }

  // True if `signature` is a valid signature of `message` under this key. Never throws or asserts
  // on bad input: malformed keys and signatures simply do not verify.
  bool verify(ByteSpan message, ByteSpan signature) const;

  friend bool operator==(const Ed25519PublicKey&, const Ed25519PublicKey&) = default;

 private:
  Ed25519PublicKey() = default;
  friend class Ed25519PrivateKey;
  std::array<std::uint8_t, ed25519_public_key_size> bytes_{};
};

// A private signing key. OpenSSL holds the secret in its secure heap and wipes it when the key is
// destroyed; this class never keeps its own copy. Move-only.
class Ed25519PrivateKey {
 public:
  // A fresh key from the CSPRNG. Errors: internal if the CSPRNG or OpenSSL fails.
  static Result<Ed25519PrivateKey> generate();
  // The key whose RFC 8032 secret is `seed`. Errors: invalid_argument unless seed is 32 bytes.
  static Result<Ed25519PrivateKey> from_seed(ByteSpan seed);

  ~Ed25519PrivateKey();
  Ed25519PrivateKey(Ed25519PrivateKey&&) noexcept;
  Ed25519PrivateKey& operator=(Ed25519PrivateKey&&) noexcept;
  Ed25519PrivateKey(const Ed25519PrivateKey&) = delete;
  Ed25519PrivateKey& operator=(const Ed25519PrivateKey&) = delete;

  const Ed25519PublicKey& public_key() const { return public_key_; }

  // The 32-byte seed, for storing the key (wrapped) elsewhere.
  SecretBytes seed() const;

  // The signature of `message`. Ed25519 is deterministic: the same key and message always give the
  // same signature. REQUIRES: not moved-from. Asserts only if OpenSSL cannot allocate.
  Ed25519Signature sign(ByteSpan message) const;

 private:
  struct KeyDeleter {
    void operator()(EVP_PKEY* key) const;
  };
  using KeyPtr = std::unique_ptr<EVP_PKEY, KeyDeleter>;

  Ed25519PrivateKey(KeyPtr key, const Ed25519PublicKey& public_key);
  static Result<Ed25519PrivateKey> from_openssl_key(KeyPtr key);

  KeyPtr key_;
  Ed25519PublicKey public_key_;
};

// Free-function spelling of Ed25519PublicKey::verify.
bool ed25519_verify(const Ed25519PublicKey& public_key, ByteSpan message, ByteSpan signature);

}  // namespace kmb::crypto
