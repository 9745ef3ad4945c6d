#include "db/keyring.h"

#include <cstring>

#include "crypto/crc32c.h"
#include "crypto/hkdf.h"
#include "crypto/hmac.h"
#include "crypto/random.h"
#include "crypto/secure.h"

namespace kmb::db {

namespace {

// Layout (docs/format/encryption.md, "Key file"):
//  0 [8] magic "KMBKEYRG"   8 u16 version   10 u16 reserved   12 u32 epoch_count
// 16 u64 tenant_id         24 [32] salt     56 [32] key_check  88 u32 session   92 u32 reserved
// 96 epochs: epoch_count x (u32 epoch, u32 reserved, u64 created_ns, [12] nonce, [48] wrapped DEK)
// then u32 crc32c of everything before it.
constexpr std::array<std::uint8_t, 8> keyring_magic = {'K', 'M', 'B', 'K', 'E', 'Y', 'R', 'G'};
constexpr std::uint16_t keyring_version = 1;
constexpr std::size_t salt_size = 32;
constexpr std::size_t key_check_size = 32;
constexpr std::size_t fixed_size = 96;
constexpr std::size_t wrapped_size = crypto::aes256_key_size + crypto::aes256_gcm_tag_size;
constexpr std::size_t epoch_entry_size = 4 + 4 + 8 + crypto::aes256_gcm_nonce_size + wrapped_size;
static_assert(epoch_entry_size == 76);
constexpr std::string_view key_check_label = "kimberlite key check v1";
constexpr std::string_view snapshot_key_label = "kimberlite snapshot key v1";

Bytes key_check_value(const crypto::Aes256Key& kek, std::uint64_t tenant_id) {
  Bytes message(key_check_label.begin(), key_check_label.end());
  append_le<std::uint64_t>(message, tenant_id);
  const crypto::HmacSha256Tag tag = crypto::hmac_sha256(kek.bytes(), message);
  return Bytes(tag.begin(), tag.end());
}

// The wrapped DEK is bound to its tenant and epoch, so a DEK cannot be moved to another slot.
Bytes wrap_aad(std::uint64_t tenant_id, std::uint32_t epoch) {
  Bytes aad(12);
  store_le<std::uint64_t>(aad.data(), tenant_id);
  store_le<std::uint32_t>(aad.data() + 8, epoch);
  return aad;
}

Result<crypto::Aes256Key> derive_snapshot_key(const crypto::Aes256Key& dek) {
  KMB_ASSIGN_OR_RETURN(
      crypto::SecretBytes derived,
      crypto::hkdf_sha256_secret({}, dek.bytes(), as_bytes(snapshot_key_label), crypto::aes256_key_size));
  return crypto::Aes256Key::from_bytes(derived.span());
}

}  // namespace

TenantKeyring::TenantKeyring(Token, io::Storage& storage, std::string path, std::uint64_t tenant_id)
    : storage_(storage), path_(std::move(path)), tenant_id_(tenant_id) {}

Result<TenantKeyring::Epoch> TenantKeyring::make_epoch(std::uint64_t tenant_id, std::uint32_t epoch,
                                                       const crypto::Aes256Key& kek, crypto::Aes256Key dek,
                                                       std::uint64_t now_ns) {
  KMB_ASSIGN_OR_RETURN(crypto::Aes256Key snapshot_key, derive_snapshot_key(dek));
  KMB_ASSIGN_OR_RETURN(crypto::Aes256GcmNonce nonce, crypto::random_array<crypto::aes256_gcm_nonce_size>());
  KMB_ASSIGN_OR_RETURN(Bytes wrapped, crypto::aes256_gcm_seal(kek, nonce, dek.bytes(), wrap_aad(tenant_id, epoch)));
  KMB_ASSERT(wrapped.size() == wrapped_size);
  return Epoch{now_ns, nonce, std::move(wrapped), std::move(dek), std::move(snapshot_key)};
}

Result<std::unique_ptr<TenantKeyring>> TenantKeyring::create(io::Storage& storage, std::string path,
                                                             std::uint64_t tenant_id,
                                                             const MasterKeyProvider& master_key,
                                                             std::uint64_t now_ns) {
  KMB_ASSIGN_OR_RETURN(bool exists, storage.exists(path));
  if (exists) return already_exists("key file " + path + " already exists");
  auto keyring = std::make_unique<TenantKeyring>(Token{}, storage, std::move(path), tenant_id);
  keyring->salt_.resize(salt_size);
  KMB_TRY(crypto::random_bytes(MutableByteSpan(keyring->salt_)));
  KMB_ASSIGN_OR_RETURN(crypto::Aes256Key kek, master_key.tenant_key_encryption_key(tenant_id, keyring->salt_));
  keyring->key_check_ = key_check_value(kek, tenant_id);
  KMB_ASSIGN_OR_RETURN(crypto::Aes256Key dek, crypto::Aes256Key::generate());
  KMB_ASSIGN_OR_RETURN(Epoch first, make_epoch(tenant_id, 1, kek, std::move(dek), now_ns));
  keyring->epochs_.push_back(std::make_unique<Epoch>(std::move(first)));
  keyring->kek_ = std::make_unique<crypto::Aes256Key>(std::move(kek));
  KMB_TRY(keyring->save());
  return keyring;
}

Result<std::unique_ptr<TenantKeyring>> TenantKeyring::load(io::Storage& storage, std::string path,
                                                           std::uint64_t tenant_id,
                                                           const MasterKeyProvider* master_key) {
  const std::string tenant = "tenant " + std::to_string(tenant_id);
  if (master_key == nullptr) {
    return failed_precondition(tenant + " is encrypted at rest, but no master key is configured (set " +
                               std::string(master_key_environment_variable) + " or provide the key file, by default " +
                               "DATA/" + std::string(master_key_file_name) + ")");
  }
  KMB_ASSIGN_OR_RETURN(Bytes content, io::read_whole_file(storage, path));
  auto damaged = [&](std::string_view what) { return corruption("key file " + path + ": " + std::string(what)); };
  if (content.size() < fixed_size + 4) return damaged("cut short");
  const std::uint8_t* p = content.data();
  if (std::memcmp(p, keyring_magic.data(), keyring_magic.size()) != 0) return damaged("bad magic");
  const auto version = load_le<std::uint16_t>(p + 8);
  if (version > keyring_version) {
    return unsupported("key file " + path + " has version " + std::to_string(version) + "; this build reads up to " +
                       std::to_string(keyring_version));
  }
  if (version == 0) return damaged("version 0");
  const auto count = load_le<std::uint32_t>(p + 12);
  if (count == 0 || count > key_epochs_max) return damaged("epoch count " + std::to_string(count));
  if (content.size() != fixed_size + std::size_t{count} * epoch_entry_size + 4) {
    return damaged("size does not match its epoch count");
  }
  const std::size_t crc_position = content.size() - 4;
  if (load_le<std::uint32_t>(p + crc_position) != crypto::crc32c(ByteSpan(p, crc_position))) {
    return damaged("CRC mismatch");
  }
  if (load_le<std::uint64_t>(p + 16) != tenant_id) {
    return damaged("it belongs to tenant " + std::to_string(load_le<std::uint64_t>(p + 16)) + ", not " +
                   std::to_string(tenant_id));
  }
  auto keyring = std::make_unique<TenantKeyring>(Token{}, storage, std::move(path), tenant_id);
  keyring->salt_.assign(p + 24, p + 24 + salt_size);
  keyring->key_check_.assign(p + 56, p + 56 + key_check_size);
  keyring->session_ = load_le<std::uint32_t>(p + 88);

  KMB_ASSIGN_OR_RETURN(crypto::Aes256Key kek, master_key->tenant_key_encryption_key(tenant_id, keyring->salt_));
  if (!crypto::constant_time_equal(key_check_value(kek, tenant_id), keyring->key_check_)) {
    return failed_precondition("the master key (" + master_key->description() + ") does not match " + tenant +
                               "'s keys (key-check value differs): wrong master key; nothing was read or written");
  }
  const std::uint8_t* entry = p + fixed_size;
  for (std::uint32_t i = 0; i < count; i++, entry += epoch_entry_size) {
    const std::uint32_t epoch = load_le<std::uint32_t>(entry);
    if (epoch != i + 1) return damaged("epochs are not numbered 1, 2, ...");
    const std::uint64_t created_ns = load_le<std::uint64_t>(entry + 8);
    crypto::Aes256GcmNonce wrap_nonce;
    std::memcpy(wrap_nonce.data(), entry + 16, wrap_nonce.size());
    Bytes wrapped(entry + 28, entry + 28 + wrapped_size);
    Result<Bytes> dek_bytes = crypto::aes256_gcm_open(kek, wrap_nonce, wrapped, wrap_aad(tenant_id, epoch));
    if (!dek_bytes.ok()) return damaged("data-encryption key of epoch " + std::to_string(epoch) + " fails to unwrap");
    Result<crypto::Aes256Key> dek = crypto::Aes256Key::from_bytes(*dek_bytes);
    crypto::secure_zero(MutableByteSpan(*dek_bytes));
    KMB_TRY(dek.status());
    KMB_ASSIGN_OR_RETURN(crypto::Aes256Key snapshot_key, derive_snapshot_key(*dek));
    Epoch loaded{created_ns, wrap_nonce, std::move(wrapped), std::move(dek).value(), std::move(snapshot_key)};
    keyring->epochs_.push_back(std::make_unique<Epoch>(std::move(loaded)));
  }
  keyring->kek_ = std::make_unique<crypto::Aes256Key>(std::move(kek));
  return keyring;
}

std::uint64_t TenantKeyring::epoch_created_ns(std::uint32_t epoch) const {
  KMB_ASSERT(epoch >= 1);
  KMB_ASSERT(epoch <= epochs_.size());
  return epochs_[epoch - 1]->created_ns;
}

const crypto::Aes256Key* TenantKeyring::record_key(std::uint32_t epoch) const {
  if (epoch == 0 || epoch > epochs_.size()) return nullptr;
  return &epochs_[epoch - 1]->record_key;
}

const crypto::Aes256Key* TenantKeyring::snapshot_key(std::uint32_t epoch) const {
  if (epoch == 0 || epoch > epochs_.size()) return nullptr;
  return &epochs_[epoch - 1]->snapshot_key;
}

Result<std::uint32_t> TenantKeyring::rotate(std::uint64_t now_ns) {
  if (epochs_.size() >= key_epochs_max) {
    return resource_exhausted("tenant " + std::to_string(tenant_id_) + " has " + std::to_string(epochs_.size()) +
                              " key epochs, the limit");
  }
  const auto epoch = static_cast<std::uint32_t>(epochs_.size() + 1);
  KMB_ASSIGN_OR_RETURN(crypto::Aes256Key dek, crypto::Aes256Key::generate());
  KMB_ASSIGN_OR_RETURN(Epoch added, make_epoch(tenant_id_, epoch, *kek_, std::move(dek), now_ns));
  epochs_.push_back(std::make_unique<Epoch>(std::move(added)));
  if (Status saved = save(); !saved.ok()) {
    epochs_.pop_back();  // Never use a key the file does not hold.
    return saved;
  }
  return epoch;
}

Result<std::uint32_t> TenantKeyring::begin_session() {
  if (session_ == UINT32_MAX) {
    return resource_exhausted("tenant " + std::to_string(tenant_id_) +
                              " has used every nonce session; its log cannot take more encrypted records");
  }
  session_++;
  if (Status saved = save(); !saved.ok()) {
    // The counter stays advanced in memory: a value that may be on disk is never handed out again.
    return saved;
  }
  return session_;
}

Bytes TenantKeyring::encode() const {
  Bytes out(fixed_size, 0);
  std::uint8_t* p = out.data();
  std::memcpy(p, keyring_magic.data(), keyring_magic.size());
  store_le<std::uint16_t>(p + 8, keyring_version);
  store_le<std::uint32_t>(p + 12, static_cast<std::uint32_t>(epochs_.size()));
  store_le<std::uint64_t>(p + 16, tenant_id_);
  KMB_ASSERT(salt_.size() == salt_size);
  KMB_ASSERT(key_check_.size() == key_check_size);
  std::memcpy(p + 24, salt_.data(), salt_size);
  std::memcpy(p + 56, key_check_.data(), key_check_size);
  store_le<std::uint32_t>(p + 88, session_);
  for (std::size_t i = 0; i < epochs_.size(); i++) {
    const Epoch& epoch = *epochs_[i];
    append_le<std::uint32_t>(out, static_cast<std::uint32_t>(i + 1));
    append_le<std::uint32_t>(out, 0);
    append_le<std::uint64_t>(out, epoch.created_ns);
    append_bytes(out, epoch.wrap_nonce);
    KMB_ASSERT(epoch.wrapped.size() == wrapped_size);
    append_bytes(out, epoch.wrapped);
  }
  append_le<std::uint32_t>(out, crypto::crc32c(out));
  return out;
}

Status TenantKeyring::save() const {
  return io::write_file_atomically(storage_, path_, encode());
}

}  // namespace kmb::db
