#include "db/master_key.h"

#include <cctype>

#include "crypto/hkdf.h"
#include "crypto/random.h"
#include "io/secret_file.h"
#include "io/storage.h"

namespace kmb::db {

namespace {

constexpr std::string_view key_file_header = "kimberlite-master-key v1";
// HKDF `info` prefix for tenant KEKs; the tenant id (u64 little-endian) follows it.
constexpr std::string_view kek_info_label = "kimberlite tenant key-encryption key v1";

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) text.remove_suffix(1);
  return text;
}

}  // namespace

LocalMasterKey::LocalMasterKey(crypto::SecretBytes key, std::string description)
    : key_(std::move(key)), description_(std::move(description)) {
  KMB_ASSERT(key_.size() == master_key_size);
}

Result<crypto::Aes256Key> LocalMasterKey::tenant_key_encryption_key(std::uint64_t tenant_id, ByteSpan salt) const {
  Bytes info(kek_info_label.begin(), kek_info_label.end());
  append_le<std::uint64_t>(info, tenant_id);
  KMB_ASSIGN_OR_RETURN(crypto::SecretBytes derived,
                       crypto::hkdf_sha256_secret(salt, key_.span(), info, crypto::aes256_key_size));
  return crypto::Aes256Key::from_bytes(derived.span());
}

Result<std::shared_ptr<MasterKeyProvider>> parse_master_key_hex(std::string_view hex, std::string description) {
  hex = trim(hex);
  if (hex.size() != 2 * master_key_size) {
    return invalid_argument(description + ": a master key is " + std::to_string(2 * master_key_size) +
                            " hex digits, got " + std::to_string(hex.size()) + " characters");
  }
  std::optional<Bytes> bytes = from_hex(hex);
  if (!bytes) return invalid_argument(description + ": the master key is not hexadecimal");
  crypto::SecretBytes key{ByteSpan(*bytes)};
  crypto::secure_zero(MutableByteSpan(*bytes));
  return std::shared_ptr<MasterKeyProvider>(std::make_shared<LocalMasterKey>(std::move(key), std::move(description)));
}

std::string default_master_key_path(std::string_view data_directory) {
  return io::join_path(data_directory, master_key_file_name);
}

Status create_master_key_file(const std::string& path) {
  crypto::SecretBytes key(master_key_size);
  KMB_TRY(crypto::random_bytes(key.mutable_span()));
  std::string text(key_file_header);
  text += '\n';
  text += to_hex(key.span());
  text += '\n';
  Status written = io::write_private_file(path, as_bytes(text));
  crypto::secure_zero(MutableByteSpan(reinterpret_cast<std::uint8_t*>(text.data()), text.size()));
  return written;
}

Result<std::shared_ptr<MasterKeyProvider>> load_master_key_file(const std::string& path) {
  KMB_ASSIGN_OR_RETURN(Bytes content, io::read_private_file(path));
  std::string_view text = as_string_view(content);
  const std::string description = "key file " + path;
  Result<std::shared_ptr<MasterKeyProvider>> parsed = invalid_argument(
      path + " is not a Kimberlite master key file (expected the line '" + std::string(key_file_header) + "')");
  if (text.substr(0, key_file_header.size()) == key_file_header) {
    parsed = parse_master_key_hex(text.substr(key_file_header.size()), description);
  }
  crypto::secure_zero(MutableByteSpan(content));
  return parsed;
}

Result<std::shared_ptr<MasterKeyProvider>> master_key_from_environment() {
  std::optional<std::string> value = io::environment_variable(master_key_environment_variable);
  if (!value || trim(*value).empty()) return std::shared_ptr<MasterKeyProvider>();
  Result<std::shared_ptr<MasterKeyProvider>> parsed =
      parse_master_key_hex(*value, std::string(master_key_environment_variable));
  crypto::secure_zero(MutableByteSpan(reinterpret_cast<std::uint8_t*>(value->data()), value->size()));
  return parsed;
}

Result<std::shared_ptr<MasterKeyProvider>> discover_master_key(std::string_view data_directory) {
  KMB_ASSIGN_OR_RETURN(std::shared_ptr<MasterKeyProvider> from_environment, master_key_from_environment());
  if (from_environment) return from_environment;
  const std::string path = default_master_key_path(data_directory);
  Result<std::shared_ptr<MasterKeyProvider>> from_file = load_master_key_file(path);
  if (from_file.status().code() == StatusCode::not_found) return std::shared_ptr<MasterKeyProvider>();
  return from_file;
}

}  // namespace kmb::db
