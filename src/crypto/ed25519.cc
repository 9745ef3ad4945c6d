#include "crypto/ed25519.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <algorithm>
#include <string>
#include <utility>

#include "crypto/openssl_util.h"
#include "crypto/random.h"

namespace kmb::crypto {

Result<Ed25519PublicKey> Ed25519PublicKey::from_bytes(ByteSpan bytes) {
  if (bytes.size() != ed25519_public_key_size) {
    return invalid_argument("Ed25519 public key must be 32 bytes, got " + std::to_string(bytes.size()));
  }
  Ed25519PublicKey key;
  std::copy(bytes.begin(), bytes.end(), key.bytes_.begin());
  return key;
}

bool Ed25519PublicKey::verify(ByteSpan message, ByteSpan signature) const {
  if (signature.size() != ed25519_signature_size) return false;
  const detail::EvpPkeyPtr key(
      EVP_PKEY_new_raw_public_key_ex(nullptr, "ED25519", nullptr, bytes_.data(), bytes_.size()));
  if (key == nullptr) {
    ERR_clear_error();
    return false;
  }
  const detail::EvpMdCtxPtr context(EVP_MD_CTX_new());
  KMB_ASSERT(context != nullptr);
  if (EVP_DigestVerifyInit_ex(context.get(), nullptr, nullptr, nullptr, nullptr, key.get(), nullptr) != 1) {
    ERR_clear_error();
    return false;
  }
  // Pure Ed25519 is one-shot: the message is hashed twice, so there is no streaming interface.
  static const std::uint8_t empty = 0;
  const int verified = EVP_DigestVerify(context.get(), signature.data(), signature.size(),
                                        message.empty() ? &empty : message.data(), message.size());
  if (verified != 1) ERR_clear_error();
  return verified == 1;
}

bool ed25519_verify(const Ed25519PublicKey& public_key, ByteSpan message, ByteSpan signature) {
  return public_key.verify(message, signature);
}

void Ed25519PrivateKey::KeyDeleter::operator()(EVP_PKEY* key) const {
  EVP_PKEY_free(key);
}

Ed25519PrivateKey::Ed25519PrivateKey(KeyPtr key, const Ed25519PublicKey& public_key)
    : key_(std::move(key)), public_key_(public_key) {}

Ed25519PrivateKey::~Ed25519PrivateKey() = default;
Ed25519PrivateKey::Ed25519PrivateKey(Ed25519PrivateKey&&) noexcept = default;
Ed25519PrivateKey& Ed25519PrivateKey::operator=(Ed25519PrivateKey&&) noexcept = default;

Result<Ed25519PrivateKey> Ed25519PrivateKey::from_openssl_key(KeyPtr key) {
  Ed25519PublicKey public_key;
  std::size_t public_key_size = public_key.bytes_.size();
  if (EVP_PKEY_get_raw_public_key(key.get(), public_key.bytes_.data(), &public_key_size) != 1) {
    return detail::openssl_error("EVP_PKEY_get_raw_public_key(ED25519)");
  }
  KMB_ASSERT(public_key_size == ed25519_public_key_size);
  return Ed25519PrivateKey(std::move(key), public_key);
}

Result<Ed25519PrivateKey> Ed25519PrivateKey::from_seed(ByteSpan seed) {
  if (seed.size() != ed25519_seed_size) {
    return invalid_argument("Ed25519 seed must be 32 bytes, got " + std::to_string(seed.size()));
  }
  KeyPtr key(EVP_PKEY_new_raw_private_key_ex(nullptr, "ED25519", nullptr, seed.data(), seed.size()));
  if (key == nullptr) return detail::openssl_error("EVP_PKEY_new_raw_private_key_ex(ED25519)");
  return from_openssl_key(std::move(key));
}

Result<Ed25519PrivateKey> Ed25519PrivateKey::generate() {
  // Drawing the seed ourselves (rather than EVP_PKEY_keygen) keeps one source of key randomness.
  SecretBytes seed(ed25519_seed_size);
  KMB_TRY(random_bytes(seed.mutable_span()));
  return from_seed(seed.span());
}

SecretBytes Ed25519PrivateKey::seed() const {
  KMB_ASSERT(key_ != nullptr);
  SecretBytes seed(ed25519_seed_size);
  std::size_t seed_size = seed.size();
  const int exported = EVP_PKEY_get_raw_private_key(key_.get(), seed.data(), &seed_size);
  KMB_ASSERT(exported == 1);
  KMB_ASSERT(seed_size == ed25519_seed_size);
  return seed;
}

Ed25519Signature Ed25519PrivateKey::sign(ByteSpan message) const {
  KMB_ASSERT(key_ != nullptr);
  const detail::EvpMdCtxPtr context(EVP_MD_CTX_new());
  KMB_ASSERT(context != nullptr);
  const int initialized = EVP_DigestSignInit_ex(context.get(), nullptr, nullptr, nullptr, nullptr, key_.get(), nullptr);
  KMB_ASSERT(initialized == 1);
  static const std::uint8_t empty = 0;
  Ed25519Signature signature;
  std::size_t signature_size = signature.size();
  const int signed_ok = EVP_DigestSign(context.get(), signature.data(), &signature_size,
                                       message.empty() ? &empty : message.data(), message.size());
  KMB_ASSERT(signed_ok == 1);
  KMB_ASSERT(signature_size == ed25519_signature_size);
  return signature;
}

}  // namespace kmb::crypto
