#include "crypto/aead.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <climits>
#include <string>

#include "crypto/openssl_util.h"
#include "crypto/random.h"
#include "crypto/secure.h"

namespace kmb::crypto {

Result<Aes256Key> Aes256Key::from_bytes(ByteSpan bytes) {
  if (bytes.size() != aes256_key_size) {
    return invalid_argument("AES-256 key must be 32 bytes, got " + std::to_string(bytes.size()));
  }
  Aes256Key key;
  std::copy(bytes.begin(), bytes.end(), key.bytes_.begin());
  return key;
}

Result<Aes256Key> Aes256Key::generate() {
  Aes256Key key;
  KMB_TRY(random_bytes(MutableByteSpan(key.bytes_)));
  return key;
}

Aes256Key::~Aes256Key() {
  secure_zero(MutableByteSpan(bytes_));
}

Aes256Key::Aes256Key(Aes256Key&& other) noexcept : bytes_(other.bytes_) {
  secure_zero(MutableByteSpan(other.bytes_));
}

Aes256Key& Aes256Key::operator=(Aes256Key&& other) noexcept {
  if (this == &other) return *this;
  bytes_ = other.bytes_;
  secure_zero(MutableByteSpan(other.bytes_));
  return *this;
}

Aes256Key Aes256Key::clone() const {
  Aes256Key copy;
  copy.bytes_ = bytes_;
  return copy;
}

namespace {

// EVP_*Update take an int length; feed long inputs in pieces it can describe.
constexpr std::size_t update_size_max = std::size_t{1} << 30;
static_assert(update_size_max <= static_cast<std::size_t>(INT_MAX));

enum class Direction { encrypt = 1, decrypt = 0 };

Result<detail::EvpCipherCtxPtr> start(const Aes256Key& key, const Aes256GcmNonce& nonce, Direction direction,
                                      ByteSpan aad) {
  detail::EvpCipherCtxPtr context(EVP_CIPHER_CTX_new());
  if (context == nullptr) return detail::openssl_error("EVP_CIPHER_CTX_new");
  // 12 bytes is GCM's default IV length, so no OSSL_CIPHER_PARAM_AEAD_IVLEN is needed.
  static_assert(aes256_gcm_nonce_size == 12);
  if (EVP_CipherInit_ex2(context.get(), detail::aes256_gcm_cipher(), key.bytes().data(), nonce.data(),
                         static_cast<int>(direction), nullptr) != 1) {
    return detail::openssl_error("EVP_CipherInit_ex2(AES-256-GCM)");
  }
  while (!aad.empty()) {
    const std::size_t piece_size = std::min(aad.size(), update_size_max);
    int written = 0;
    if (EVP_CipherUpdate(context.get(), nullptr, &written, aad.data(), static_cast<int>(piece_size)) != 1) {
      return detail::openssl_error("EVP_CipherUpdate(AES-256-GCM AAD)");
    }
    aad = aad.subspan(piece_size);
  }
  return context;
}

// GCM is a stream mode: every input byte produces one output byte immediately.
Status crypt(EVP_CIPHER_CTX* context, ByteSpan in, std::uint8_t* out) {
  while (!in.empty()) {
    const std::size_t piece_size = std::min(in.size(), update_size_max);
    int written = 0;
    if (EVP_CipherUpdate(context, out, &written, in.data(), static_cast<int>(piece_size)) != 1) {
      return detail::openssl_error("EVP_CipherUpdate(AES-256-GCM)");
    }
    KMB_ASSERT(written == static_cast<int>(piece_size));
    in = in.subspan(piece_size);
    out += piece_size;
  }
  return Status::ok_status();
}

Status check_plaintext_size(ByteSpan plaintext) {
  if (plaintext.size() > aes256_gcm_plaintext_size_max) {
    return invalid_argument("AES-256-GCM plaintext of " + std::to_string(plaintext.size()) +
                            " bytes exceeds the limit of " + std::to_string(aes256_gcm_plaintext_size_max));
  }
  return Status::ok_status();
}

// Encrypts with a context whose key, nonce and AAD are set; appends the tag.
Result<Bytes> finish_seal(EVP_CIPHER_CTX* context, ByteSpan plaintext) {
  Bytes sealed(plaintext.size() + aes256_gcm_tag_size);
  KMB_TRY(crypt(context, plaintext, sealed.data()));
  int written = 0;
  if (EVP_EncryptFinal_ex(context, sealed.data() + plaintext.size(), &written) != 1) {
    return detail::openssl_error("EVP_EncryptFinal_ex(AES-256-GCM)");
  }
  KMB_ASSERT(written == 0);
  if (EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, static_cast<int>(aes256_gcm_tag_size),
                          sealed.data() + plaintext.size()) != 1) {
    return detail::openssl_error("EVP_CTRL_GCM_GET_TAG");
  }
  return sealed;
}

}  // namespace

Result<Bytes> aes256_gcm_seal(const Aes256Key& key, const Aes256GcmNonce& nonce, ByteSpan plaintext, ByteSpan aad) {
  KMB_TRY(check_plaintext_size(plaintext));
  KMB_ASSIGN_OR_RETURN(const detail::EvpCipherCtxPtr context, start(key, nonce, Direction::encrypt, aad));
  return finish_seal(context.get(), plaintext);
}

struct Aes256GcmSealer::Context {
  detail::EvpCipherCtxPtr cipher;
};

Aes256GcmSealer::Aes256GcmSealer(std::unique_ptr<Context> context) : context_(std::move(context)) {}
Aes256GcmSealer::~Aes256GcmSealer() = default;
Aes256GcmSealer::Aes256GcmSealer(Aes256GcmSealer&& other) noexcept = default;
Aes256GcmSealer& Aes256GcmSealer::operator=(Aes256GcmSealer&& other) noexcept = default;

Result<Aes256GcmSealer> Aes256GcmSealer::create(const Aes256Key& key) {
  auto context = std::make_unique<Context>();
  context->cipher.reset(EVP_CIPHER_CTX_new());
  if (context->cipher == nullptr) return detail::openssl_error("EVP_CIPHER_CTX_new");
  // The key schedule is computed here, once; seal() only sets the nonce.
  if (EVP_CipherInit_ex2(context->cipher.get(), detail::aes256_gcm_cipher(), key.bytes().data(), nullptr,
                         static_cast<int>(Direction::encrypt), nullptr) != 1) {
    return detail::openssl_error("EVP_CipherInit_ex2(AES-256-GCM key)");
  }
  return Aes256GcmSealer(std::move(context));
}

Result<Bytes> Aes256GcmSealer::seal(const Aes256GcmNonce& nonce, ByteSpan plaintext, ByteSpan aad) {
  KMB_ASSERT(context_ != nullptr);
  KMB_TRY(check_plaintext_size(plaintext));
  EVP_CIPHER_CTX* context = context_->cipher.get();
  if (EVP_CipherInit_ex2(context, nullptr, nullptr, nonce.data(), static_cast<int>(Direction::encrypt), nullptr) != 1) {
    return detail::openssl_error("EVP_CipherInit_ex2(AES-256-GCM nonce)");
  }
  while (!aad.empty()) {
    const std::size_t piece_size = std::min(aad.size(), update_size_max);
    int written = 0;
    if (EVP_CipherUpdate(context, nullptr, &written, aad.data(), static_cast<int>(piece_size)) != 1) {
      return detail::openssl_error("EVP_CipherUpdate(AES-256-GCM AAD)");
    }
    aad = aad.subspan(piece_size);
  }
  return finish_seal(context, plaintext);
}

Result<Bytes> aes256_gcm_open(const Aes256Key& key, const Aes256GcmNonce& nonce, ByteSpan sealed, ByteSpan aad) {
  if (sealed.size() < aes256_gcm_tag_size) {
    return corruption("AES-256-GCM input of " + std::to_string(sealed.size()) +
                      " bytes is shorter than its 16-byte tag");
  }
  const std::size_t ciphertext_size = sealed.size() - aes256_gcm_tag_size;
  const ByteSpan ciphertext = sealed.first(ciphertext_size);
  // OpenSSL wants a writable tag buffer for EVP_CTRL_GCM_SET_TAG; it only reads it.
  std::array<std::uint8_t, aes256_gcm_tag_size> tag;
  std::copy(sealed.begin() + static_cast<std::ptrdiff_t>(ciphertext_size), sealed.end(), tag.begin());

  KMB_ASSIGN_OR_RETURN(const detail::EvpCipherCtxPtr context, start(key, nonce, Direction::decrypt, aad));
  Bytes plaintext(ciphertext_size);
  KMB_TRY(crypt(context.get(), ciphertext, plaintext.data()));
  if (EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag.size()), tag.data()) != 1) {
    return detail::openssl_error("EVP_CTRL_GCM_SET_TAG");
  }
  int written = 0;
  // Only the final call compares the tag; until it succeeds the plaintext is unauthenticated and
  // must not leave this function.
  if (EVP_DecryptFinal_ex(context.get(), plaintext.data() + plaintext.size(), &written) != 1) {
    secure_zero(MutableByteSpan(plaintext));
    ERR_clear_error();
    return corruption("authentication failed");
  }
  KMB_ASSERT(written == 0);
  return plaintext;
}

}  // namespace kmb::crypto
