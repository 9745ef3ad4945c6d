#include "crypto/sha256.h"

#include <openssl/evp.h>

#include "crypto/openssl_util.h"

namespace kmb::crypto {
namespace {

// One EVP_MD_CTX per thread for the one-shot sha256(): EVP_Digest() would allocate, initialize
// and free a context on every call, which costs as much as hashing a short record. The context
// holds no secret and no state between calls (each call re-initializes it).
EVP_MD_CTX* thread_context() {
  thread_local const detail::EvpMdCtxPtr context(EVP_MD_CTX_new());
  KMB_ASSERT(context != nullptr);
  return context.get();
}

void digest_init(EVP_MD_CTX* context) {
  const int initialized = EVP_DigestInit_ex2(context, detail::sha256_md(), nullptr);
  KMB_ASSERT(initialized == 1);
}

void digest_update(EVP_MD_CTX* context, ByteSpan data) {
  if (data.empty()) return;
  const int updated = EVP_DigestUpdate(context, data.data(), data.size());
  KMB_ASSERT(updated == 1);
}

Sha256Digest digest_final(EVP_MD_CTX* context) {
  Sha256Digest digest;
  unsigned int size = 0;
  const int finished = EVP_DigestFinal_ex(context, digest.data(), &size);
  KMB_ASSERT(finished == 1);
  KMB_ASSERT(size == digest.size());
  return digest;
}

}  // namespace

Sha256Digest sha256(ByteSpan data) {
  EVP_MD_CTX* context = thread_context();
  digest_init(context);
  digest_update(context, data);
  return digest_final(context);
}

struct Sha256::Context {
  detail::EvpMdCtxPtr context;
};

Sha256::Sha256() : context_(std::make_unique<Context>()) {
  context_->context.reset(EVP_MD_CTX_new());
  KMB_ASSERT(context_->context != nullptr);
  digest_init(context_->context.get());
}

Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(ByteSpan data) {
  KMB_ASSERT(context_ != nullptr);  // Not moved-from.
  digest_update(context_->context.get(), data);
}

Sha256Digest Sha256::finish() {
  KMB_ASSERT(context_ != nullptr);  // Not moved-from.
  const Sha256Digest digest = digest_final(context_->context.get());
  // Re-initializing with the same fetched EVP_MD keeps the provider context: no allocation.
  digest_init(context_->context.get());
  return digest;
}

}  // namespace kmb::crypto
