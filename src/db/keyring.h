// TenantKeyring: one tenant's data-encryption keys (DEKs), stored wrapped in DATA/tenants/<id>/keys.
//
// Key hierarchy (docs/format/encryption.md):
//   master key --(MasterKeyProvider: HKDF with the tenant's salt and id)--> tenant KEK
//   KEK --(AES-256-GCM, random nonce)--> wraps each DEK; one DEK per key epoch (1, 2, ...)
//   DEK --(HKDF "snapshot key")--> the epoch's snapshot key
// Log records of epoch e are encrypted with DEK e, snapshots with the snapshot key of e. Rotation
// adds epoch e+1 and makes it current; old DEKs stay (wrapped) so old records remain readable.
//
// The file also holds a key-check value (an HMAC of a constant under the KEK), so a missing or
// wrong master key is reported as such when the tenant is opened, before anything is read or
// written, and the nonce session counter (see RecordCipher) that keeps record nonces unique
// across restarts.
//
// Every change is written with io::write_file_atomically (temporary file, fsync, rename, fsync of
// the directory) *before* it is used, so a crash never leaves a record encrypted under a key or a
// nonce session the file does not know.
//
// Thread-safety: not thread-safe; the tenant calls it under its write lock (reads of keys for
// decryption happen while no rotation runs: rotation also takes the write lock, and the key
// objects of existing epochs never move or change).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "crypto/aead.h"
#include "db/master_key.h"
#include "io/storage.h"

namespace kmb::db {

inline constexpr std::string_view keyring_file_name = "keys";
// A bound on the file's size and on what a damaged count field may make us allocate.
inline constexpr std::uint32_t key_epochs_max = 1U << 16;

class TenantKeyring {
 public:
  // Creates the key file at `path` with a fresh salt and DEK epoch 1. already_exists if present.
  static Result<std::unique_ptr<TenantKeyring>> create(io::Storage& storage, std::string path, std::uint64_t tenant_id,
                                                       const MasterKeyProvider& master_key, std::uint64_t now_ns);

  // Loads and unwraps every DEK. failed_precondition if `master_key` is null ("encrypted, but no
  // master key") or does not match (key-check value differs); corruption if the file is damaged
  // or a DEK fails to unwrap under a matching KEK.
  static Result<std::unique_ptr<TenantKeyring>> load(io::Storage& storage, std::string path, std::uint64_t tenant_id,
                                                     const MasterKeyProvider* master_key);

  std::uint32_t current_epoch() const { return static_cast<std::uint32_t>(epochs_.size()); }
  std::uint32_t epoch_count() const { return static_cast<std::uint32_t>(epochs_.size()); }
  std::uint64_t epoch_created_ns(std::uint32_t epoch) const;

  // The record DEK / snapshot key of `epoch`, or nullptr if the tenant has no such epoch.
  const crypto::Aes256Key* record_key(std::uint32_t epoch) const;
  const crypto::Aes256Key* snapshot_key(std::uint32_t epoch) const;

  // Adds a new DEK (epoch current + 1), durably, and makes it current. Returns the new epoch.
  Result<std::uint32_t> rotate(std::uint64_t now_ns);

  // Starts a new nonce session: increments the stored session counter durably and returns it.
  // resource_exhausted once the 32-bit counter is used up (about 4 billion restarts or write
  // failures); the tenant then refuses encrypted writes rather than risk a repeated nonce.
  Result<std::uint32_t> begin_session();
  std::uint32_t last_session() const { return session_; }

  struct Token {};
  TenantKeyring(Token, io::Storage& storage, std::string path, std::uint64_t tenant_id);

 private:
  struct Epoch {
    std::uint64_t created_ns = 0;
    crypto::Aes256GcmNonce wrap_nonce{};
    Bytes wrapped;  // DEK ciphertext || tag, 48 bytes.
    crypto::Aes256Key record_key;
    crypto::Aes256Key snapshot_key;
  };

  static Result<Epoch> make_epoch(std::uint64_t tenant_id, std::uint32_t epoch, const crypto::Aes256Key& kek,
                                  crypto::Aes256Key dek, std::uint64_t now_ns);
  Status save() const;
  Bytes encode() const;

  io::Storage& storage_;
  std::string path_;
  std::uint64_t tenant_id_;
  Bytes salt_;
  Bytes key_check_;
  std::uint32_t session_ = 0;
  std::vector<std::unique_ptr<Epoch>> epochs_;  // epochs_[e - 1] is epoch e; pointers stay stable.
  std::unique_ptr<crypto::Aes256Key> kek_;
};

}  // namespace kmb::db
