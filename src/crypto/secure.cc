#include "crypto/secure.h"

#include <openssl/crypto.h>

#include <utility>

namespace kmb::crypto {

bool constant_time_equal(ByteSpan a, ByteSpan b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

void secure_zero(MutableByteSpan bytes) {
  if (bytes.empty()) return;
  OPENSSL_cleanse(bytes.data(), bytes.size());
}

SecretBytes::SecretBytes(std::size_t size) : bytes_(size, 0) {}

SecretBytes::SecretBytes(ByteSpan bytes) : bytes_(bytes.begin(), bytes.end()) {}

SecretBytes::~SecretBytes() {
  clear();
}

// Moving a vector hands over its heap buffer, so no copy of the secret is left in `other`.
SecretBytes::SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) {
  other.bytes_.clear();
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this == &other) return *this;
  clear();
  bytes_ = std::move(other.bytes_);
  other.bytes_.clear();
  return *this;
}

SecretBytes SecretBytes::clone() const {
  return SecretBytes(span());
}

void SecretBytes::clear() {
  secure_zero(MutableByteSpan(bytes_));
  bytes_.clear();
  bytes_.shrink_to_fit();
}

}  // namespace kmb::crypto
