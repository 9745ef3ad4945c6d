#include "crypto/openssl_util.h"

#include <openssl/err.h>

namespace kmb::crypto::detail {

Status openssl_error(std::string_view what) {
  std::string message(what);
  const unsigned long error = ERR_get_error();
  if (error != 0) {
    char reason[256];
    ERR_error_string_n(error, reason, sizeof(reason));
    message += ": ";
    message += reason;
  }
  ERR_clear_error();
  return internal_error(std::move(message));
}

// The fetched objects are deliberately never freed: they live as long as the process, and freeing
// them from a static destructor could race with threads still hashing during exit.
const EVP_MD* sha256_md() {
  static const EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  KMB_ASSERT(md != nullptr);
  return md;
}

EVP_MAC* hmac_mac() {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  KMB_ASSERT(mac != nullptr);
  return mac;
}

EVP_KDF* hkdf_kdf() {
  static EVP_KDF* const kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  KMB_ASSERT(kdf != nullptr);
  return kdf;
}

const EVP_CIPHER* aes256_gcm_cipher() {
  static const EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  KMB_ASSERT(cipher != nullptr);
  return cipher;
}

}  // namespace kmb::crypto::detail
