// Internal to src/crypto: owning handles for OpenSSL objects and turning OpenSSL's error queue into
// a Status. Not for use outside the crypto layer; nothing here is part of its API.
//
// Thread-safety: the handles are plain unique_ptrs; openssl_error() reads and clears the calling
// thread's OpenSSL error queue (OpenSSL keeps one per thread).
#pragma once

#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

namespace kmb::crypto::detail {

struct EvpMdCtxDeleter {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};
struct EvpCipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* context) const { EVP_CIPHER_CTX_free(context); }
};
struct EvpMacCtxDeleter {
  void operator()(EVP_MAC_CTX* context) const { EVP_MAC_CTX_free(context); }
};
struct EvpKdfCtxDeleter {
  void operator()(EVP_KDF_CTX* context) const { EVP_KDF_CTX_free(context); }
};
struct EvpPkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, EvpMdCtxDeleter>;
using EvpCipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, EvpCipherCtxDeleter>;
using EvpMacCtxPtr = std::unique_ptr<EVP_MAC_CTX, EvpMacCtxDeleter>;
using EvpKdfCtxPtr = std::unique_ptr<EVP_KDF_CTX, EvpKdfCtxDeleter>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyDeleter>;

// An internal-error Status "`what`: <OpenSSL's reason>", clearing the thread's error queue.
Status openssl_error(std::string_view what);

// Algorithms fetched once per process from the default provider and kept for its lifetime
// (fetching is the expensive part of an EVP call; the fetched objects are immutable and may be
// shared between threads). Each asserts that the fetch succeeded: a libcrypto without SHA-256,
// HMAC, HKDF or AES-GCM is a broken installation, not an input error.
const EVP_MD* sha256_md();
EVP_MAC* hmac_mac();
EVP_KDF* hkdf_kdf();
const EVP_CIPHER* aes256_gcm_cipher();

}  // namespace kmb::crypto::detail
