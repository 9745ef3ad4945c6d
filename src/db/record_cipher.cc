#include "db/record_cipher.h"

#include <algorithm>
#include <cstring>

namespace kmb::db {

namespace {

Bytes record_aad(std::uint64_t tenant_id, std::uint64_t offset, log::RecordKind kind, std::uint32_t epoch,
                 std::uint32_t session) {
  Bytes aad(4 + 8 + 8 + 1 + 4 + 4);
  std::uint8_t* p = aad.data();
  p[0] = 'K';
  p[1] = 'M';
  p[2] = 'B';
  p[3] = 'R';
  store_le<std::uint64_t>(p + 4, tenant_id);
  store_le<std::uint64_t>(p + 12, offset);
  p[20] = static_cast<std::uint8_t>(kind);
  store_le<std::uint32_t>(p + 21, epoch);
  store_le<std::uint32_t>(p + 25, session);
  return aad;
}

}  // namespace

crypto::Aes256GcmNonce record_nonce(std::uint32_t session, std::uint64_t offset) {
  crypto::Aes256GcmNonce nonce{};
  store_le<std::uint32_t>(nonce.data(), session);
  store_le<std::uint64_t>(nonce.data() + 4, offset);
  return nonce;
}

Result<EnvelopeHeader> decode_envelope_header(ByteSpan envelope) {
  if (envelope.size() < record_envelope_overhead_size) {
    return corruption("encrypted record of " + std::to_string(envelope.size()) + " bytes is shorter than its " +
                      std::to_string(record_envelope_overhead_size) + "-byte envelope");
  }
  return EnvelopeHeader{load_le<std::uint32_t>(envelope.data()), load_le<std::uint32_t>(envelope.data() + 4)};
}

Result<Bytes> RecordCipher::seal(std::uint64_t offset, log::RecordKind kind, std::string_view reason,
                                 ByteSpan payload) {
  if (!session_ || offset <= last_sealed_offset_) {
    KMB_ASSIGN_OR_RETURN(std::uint32_t session, keyring_.begin_session());
    session_ = session;
  }
  const std::uint32_t epoch = keyring_.current_epoch();
  const crypto::Aes256Key* key = keyring_.record_key(epoch);
  KMB_ASSERT(key != nullptr);
  Bytes plaintext(4 + reason.size() + payload.size());
  store_le<std::uint32_t>(plaintext.data(), static_cast<std::uint32_t>(reason.size()));
  if (!reason.empty()) std::memcpy(plaintext.data() + 4, reason.data(), reason.size());
  if (!payload.empty()) std::memcpy(plaintext.data() + 4 + reason.size(), payload.data(), payload.size());
  if (!sealer_ || sealer_epoch_ != epoch) {
    KMB_ASSIGN_OR_RETURN(crypto::Aes256GcmSealer sealer, crypto::Aes256GcmSealer::create(*key));
    sealer_.emplace(std::move(sealer));
    sealer_epoch_ = epoch;
  }
  Result<Bytes> sealed =
      sealer_->seal(record_nonce(*session_, offset), plaintext, record_aad(tenant_id_, offset, kind, epoch, *session_));
  crypto::secure_zero(MutableByteSpan(plaintext));
  KMB_TRY(sealed.status());
  // From here on this (session, offset) is spent, whether or not the record reaches the disk.
  last_sealed_offset_ = offset;
  Bytes envelope(8 + sealed->size());
  store_le<std::uint32_t>(envelope.data(), epoch);
  store_le<std::uint32_t>(envelope.data() + 4, *session_);
  std::copy(sealed->begin(), sealed->end(), envelope.begin() + 8);
  return envelope;
}

Status RecordCipher::open(log::Record& record) const {
  const std::string where = "log offset " + std::to_string(record.header.offset);
  if ((record.header.flags & log::record_flag_encrypted) == 0) return Status();
  if (!record.reason.empty()) return corruption(where + ": encrypted record has a clear-text reason");
  Result<EnvelopeHeader> header = decode_envelope_header(record.payload);
  if (!header.ok()) return header.status().with_context(where);
  const crypto::Aes256Key* key = keyring_.record_key(header->key_epoch);
  if (key == nullptr) {
    return corruption(where + ": encrypted under key epoch " + std::to_string(header->key_epoch) +
                      ", which the tenant's key file does not have");
  }
  Result<Bytes> plaintext = crypto::aes256_gcm_open(
      *key, record_nonce(header->session, record.header.offset), ByteSpan(record.payload).subspan(8),
      record_aad(tenant_id_, record.header.offset, record.header.kind, header->key_epoch, header->session));
  if (!plaintext.ok()) {
    return corruption(where + ": encrypted record failed its integrity check (" + plaintext.status().message() +
                      "): it was altered or damaged");
  }
  if (plaintext->size() < 4) return corruption(where + ": decrypted record is shorter than its reason length");
  const auto reason_length = load_le<std::uint32_t>(plaintext->data());
  if (reason_length > plaintext->size() - 4 || reason_length > log::record_reason_size_max) {
    return corruption(where + ": decrypted reason length " + std::to_string(reason_length) + " is out of range");
  }
  record.reason.assign(reinterpret_cast<const char*>(plaintext->data() + 4), reason_length);
  record.payload.assign(plaintext->begin() + 4 + reason_length, plaintext->end());
  crypto::secure_zero(MutableByteSpan(*plaintext));
  return Status();
}

}  // namespace kmb::db
