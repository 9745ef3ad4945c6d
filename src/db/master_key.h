// The master key: the root of a data directory's encryption at rest (docs/format/encryption.md).
//
//   master key (32 bytes)  --HKDF(tenant salt, tenant id)-->  tenant key-encryption key (KEK)
//   KEK  --AES-256-GCM wraps-->  the tenant's data-encryption keys (DEKs, DATA/tenants/<id>/keys)
//
// The master key itself is never written inside the tenants' directories. It comes from
//   * the environment variable KIMBERLITE_MASTER_KEY (64 hex digits), or
//   * a key file (mode 0600; looser permissions are refused), by default DATA/master.key, which
//     `kimberlite init` creates. For production keep the key file outside the data directory (or
//     use the environment variable) so that a copy of the data alone reveals nothing.
//
// MasterKeyProvider is the seam for an external key manager (KMS/HSM): a provider only has to
// derive a tenant's KEK; the raw master key need not leave it.
//
// Key file format (text, so an operator can back it up on paper):
//   kimberlite-master-key v1
//   <64 lower-case hex digits>
//
// Thread-safety: providers are immutable after construction and may be shared between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/aead.h"
#include "crypto/secure.h"

namespace kmb::db {

inline constexpr std::string_view master_key_environment_variable = "KIMBERLITE_MASTER_KEY";
inline constexpr std::string_view master_key_file_name = "master.key";
inline constexpr std::size_t master_key_size = 32;

class MasterKeyProvider {
 public:
  virtual ~MasterKeyProvider() = default;
  // Where the key comes from, for messages: "key file /data/master.key", "KIMBERLITE_MASTER_KEY".
  virtual std::string description() const = 0;
  // The tenant's key-encryption key. `salt` is the tenant's random salt (stored in its key file),
  // so two data directories with the same master key and tenant id still get different KEKs.
  virtual Result<crypto::Aes256Key> tenant_key_encryption_key(std::uint64_t tenant_id, ByteSpan salt) const = 0;
};

// A master key held in this process's memory (wiped on destruction).
class LocalMasterKey final : public MasterKeyProvider {
 public:
  // REQUIRES: key.size() == master_key_size.
  LocalMasterKey(crypto::SecretBytes key, std::string description);
  std::string description() const override { return description_; }
  Result<crypto::Aes256Key> tenant_key_encryption_key(std::uint64_t tenant_id, ByteSpan salt) const override;

 private:
  crypto::SecretBytes key_;
  std::string description_;
};

// Parses 64 hex digits (surrounding white space ignored). invalid_argument otherwise; the message
// never echoes the text (it may be a mistyped key).
Result<std::shared_ptr<MasterKeyProvider>> parse_master_key_hex(std::string_view hex, std::string description);

// DATA/master.key.
std::string default_master_key_path(std::string_view data_directory);

// Creates a key file holding a fresh random master key, mode 0600. already_exists if `path` exists
// (a key is never overwritten); I/O errors.
Status create_master_key_file(const std::string& path);

// Loads a key file. not_found if missing; failed_precondition if group or others may read it;
// invalid_argument if it is not a key file.
Result<std::shared_ptr<MasterKeyProvider>> load_master_key_file(const std::string& path);

// The key in KIMBERLITE_MASTER_KEY, or nullptr when the variable is unset or empty.
// invalid_argument if it is set but not 64 hex digits.
Result<std::shared_ptr<MasterKeyProvider>> master_key_from_environment();

// What the embedded API and the CLI's --data modes use: KIMBERLITE_MASTER_KEY if set, else
// DATA/master.key if it exists, else nullptr (no encryption for new tenants).
Result<std::shared_ptr<MasterKeyProvider>> discover_master_key(std::string_view data_directory);

}  // namespace kmb::db
