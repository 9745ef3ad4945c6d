// RecordCipher: encrypts a tenant's log records at the boundary between the database and its log.
// The kernel and the projections only ever see plaintext; the log only ever sees ciphertext (and
// never decrypts: its CRCs and hash chain cover the stored bytes, so `kimberlite verify` needs no
// keys).
//
// An encrypted record has the log flag `encrypted`, an empty clear-text reason and this payload
// (the envelope; docs/format/encryption.md):
//
//   0 u32 key_epoch | 4 u32 session | 8 AES-256-GCM( u32 reason_length | reason | payload ) | tag (16)
//
// key:   the tenant's DEK of `key_epoch` (keyring.h)
// nonce: u32 session || u64 log offset (little-endian), 12 bytes
// aad:   "KMBR" | u64 tenant_id | u64 offset | u8 kind | u32 key_epoch | u32 session
//
// Nonce uniqueness. Within one session, seal() is only ever called with strictly increasing
// offsets; whenever an offset would not be larger than the last one sealed (a write that failed
// and was rolled back, then retried at the same offset), and on the first seal after opening, a
// new session is started, and the session counter is persisted (fsync) *before* its first use.
// Sessions never repeat, so no (key, nonce) pair ever encrypts two different records, including
// records cut off by a crash and overwritten after recovery.
//
// Thread-safety: seal() must be serialised by the caller (the tenant's write lock); open() is
// safe from any thread while no rotation runs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/bytes.h"
#include "base/status.h"
#include "db/keyring.h"
#include "log/format.h"

namespace kmb::db {

inline constexpr std::size_t record_envelope_overhead_size = 4 + 4 + 4 + crypto::aes256_gcm_tag_size;

// The nonce of the record at `offset` sealed in `session`.
crypto::Aes256GcmNonce record_nonce(std::uint32_t session, std::uint64_t offset);

// The epoch and session of an envelope (for tests and diagnostics). corruption if too short.
struct EnvelopeHeader {
  std::uint32_t key_epoch = 0;
  std::uint32_t session = 0;
};
Result<EnvelopeHeader> decode_envelope_header(ByteSpan envelope);

class RecordCipher {
 public:
  RecordCipher(TenantKeyring& keyring, std::uint64_t tenant_id) : keyring_(keyring), tenant_id_(tenant_id) {}

  // The envelope for the record that will be written at `offset`, under the current key epoch.
  Result<Bytes> seal(std::uint64_t offset, log::RecordKind kind, std::string_view reason, ByteSpan payload);

  // Replaces the envelope of an encrypted record with its reason and payload. corruption if the
  // record was altered (authentication fails), names an unknown key epoch, or is malformed.
  Status open(log::Record& record) const;

 private:
  TenantKeyring& keyring_;
  std::uint64_t tenant_id_;
  std::optional<std::uint32_t> session_;
  std::uint64_t last_sealed_offset_ = 0;
  // The current epoch's key schedule, kept between records (the epoch changes on rotation).
  std::optional<crypto::Aes256GcmSealer> sealer_;
  std::uint32_t sealer_epoch_ = 0;
};

}  // namespace kmb::db
