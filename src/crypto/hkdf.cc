#include "crypto/hkdf.h"

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <string>

#include "crypto/openssl_util.h"

namespace kmb::crypto {
namespace {

Status check_arguments(ByteSpan info, std::size_t output_size) {
  if (output_size == 0) return invalid_argument("HKDF output size must be at least 1 byte");
  if (output_size > hkdf_sha256_output_size_max) {
    return invalid_argument("HKDF-SHA256 output size " + std::to_string(output_size) + " exceeds the maximum of " +
                            std::to_string(hkdf_sha256_output_size_max) + " bytes");
  }
  if (info.size() > hkdf_sha256_info_size_max) {
    return invalid_argument("HKDF info of " + std::to_string(info.size()) + " bytes exceeds the maximum of " +
                            std::to_string(hkdf_sha256_info_size_max));
  }
  return Status::ok_status();
}

// OSSL_PARAM takes non-const pointers even for inputs; OpenSSL only reads them.
void* param_data(ByteSpan bytes) {
  static std::uint8_t empty = 0;
  return bytes.empty() ? &empty : const_cast<std::uint8_t*>(bytes.data());
}

Status derive(ByteSpan salt, ByteSpan ikm, ByteSpan info, MutableByteSpan out) {
  const detail::EvpKdfCtxPtr context(EVP_KDF_CTX_new(detail::hkdf_kdf()));
  if (context == nullptr) return detail::openssl_error("EVP_KDF_CTX_new(HKDF)");
  char digest_name[] = "SHA2-256";
  OSSL_PARAM params[5];
  std::size_t count = 0;
  params[count++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest_name, 0);
  params[count++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, param_data(ikm), ikm.size());
  // An absent salt makes OpenSSL use HashLen zero bytes, which is what an empty salt means.
  if (!salt.empty()) {
    params[count++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, param_data(salt), salt.size());
  }
  if (!info.empty()) {
    params[count++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, param_data(info), info.size());
  }
  params[count++] = OSSL_PARAM_construct_end();
  KMB_ASSERT(count <= sizeof(params) / sizeof(params[0]));
  if (EVP_KDF_derive(context.get(), out.data(), out.size(), params) != 1) {
    secure_zero(out);
    return detail::openssl_error("EVP_KDF_derive(HKDF-SHA256)");
  }
  return Status::ok_status();
}

}  // namespace

Result<Bytes> hkdf_sha256(ByteSpan salt, ByteSpan ikm, ByteSpan info, std::size_t output_size) {
  KMB_TRY(check_arguments(info, output_size));
  Bytes out(output_size);
  KMB_TRY(derive(salt, ikm, info, MutableByteSpan(out)));
  return out;
}

Result<SecretBytes> hkdf_sha256_secret(ByteSpan salt, ByteSpan ikm, ByteSpan info, std::size_t output_size) {
  KMB_TRY(check_arguments(info, output_size));
  SecretBytes out(output_size);
  KMB_TRY(derive(salt, ikm, info, out.mutable_span()));
  return out;
}

}  // namespace kmb::crypto
