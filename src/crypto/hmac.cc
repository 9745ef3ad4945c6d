#include "crypto/hmac.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "crypto/openssl_util.h"
#include "crypto/secure.h"

namespace kmb::crypto {

HmacSha256Tag hmac_sha256(ByteSpan key, ByteSpan data) {
  // OpenSSL treats a null key as "no key set"; an empty key must still be a valid pointer.
  static const std::uint8_t empty_key = 0;
  const std::uint8_t* key_data = key.empty() ? &empty_key : key.data();

  const detail::EvpMacCtxPtr context(EVP_MAC_CTX_new(detail::hmac_mac()));
  KMB_ASSERT(context != nullptr);
  char digest_name[] = "SHA2-256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end(),
  };
  const int initialized = EVP_MAC_init(context.get(), key_data, key.size(), params);
  KMB_ASSERT(initialized == 1);
  if (!data.empty()) {
    const int updated = EVP_MAC_update(context.get(), data.data(), data.size());
    KMB_ASSERT(updated == 1);
  }
  HmacSha256Tag tag;
  std::size_t tag_size = 0;
  const int finished = EVP_MAC_final(context.get(), tag.data(), &tag_size, tag.size());
  KMB_ASSERT(finished == 1);
  KMB_ASSERT(tag_size == tag.size());
  return tag;
}

bool hmac_sha256_verify(ByteSpan key, ByteSpan data, ByteSpan tag) {
  HmacSha256Tag expected = hmac_sha256(key, data);
  const bool equal = constant_time_equal(ByteSpan(expected), tag);
  secure_zero(MutableByteSpan(expected));
  return equal;
}

}  // namespace kmb::crypto
