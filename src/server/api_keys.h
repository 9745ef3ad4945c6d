// API keys: how clients authenticate to the server.
//
// A key is 32 bytes from the CSPRNG (crypto/random.h), shown to its owner exactly once as
//
//   kmb_<64 lower-case hex digits>
//
// and never stored: the server keeps only SHA-256(key bytes) (a 256-bit random secret needs no
// salt or slow hash — it cannot be guessed, only stolen, and the digest is useless to a thief).
// Each key is bound to one tenant and one role; its public id (the first 16 hex digits of the
// digest) names it in listings, revocation and the audit trail.
//
// The registry is the replay of the system log (system_log.h): key_created / key_revoked events,
// each durable before the call returns. Revocation and rotation take effect at once for every
// connection, because the server re-checks the key on every request (check()).
//
// Thread-safety: ApiKeyStore is thread-safe; check() and authenticate() take a shared lock only.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "server/system_log.h"

namespace kmb::server {

// The numbering matches protocol::Role.
enum class Role : std::uint8_t {
  reader = 1,  // queries of its tenant
  writer = 2,  // queries and writes (DML, DDL) of its tenant
  admin = 3,   // an operator key: writer in its tenant, plus tenant and key administration of all
};

std::string_view role_name(Role role);  // "reader", "writer", "admin"
// Also accepts "read-only" and "read-write".
Result<Role> parse_role(std::string_view name);

inline constexpr std::string_view api_key_prefix = "kmb_";
inline constexpr std::size_t api_key_secret_size_bytes = 32;
inline constexpr std::size_t api_key_text_size = api_key_prefix.size() + 2 * api_key_secret_size_bytes;
inline constexpr std::size_t api_key_id_size = 16;
// A label is an operator's note ("ci", "billing service"); bounded so events stay small.
inline constexpr std::size_t api_key_label_size_max = 200;

struct ApiKeyInfo {
  std::string id;
  std::uint64_t tenant_id = 0;
  Role role = Role::reader;
  std::string label;
  std::uint64_t created_ns = 0;
  bool revoked = false;
  std::uint64_t revoked_ns = 0;
};

struct CreatedKey {
  ApiKeyInfo info;
  std::string key;  // kmb_...: print once, never store
};

// Who asked for a key change, recorded in the event.
struct KeyActor {
  std::string actor;  // a key id, "cli" or "init"
  std::string reason;
};

class ApiKeyStore {
 public:
  // Opens DATA/system/log, replaying the registry. `create` allows creating an empty one.
  static Result<std::unique_ptr<ApiKeyStore>> open(io::Storage& storage, io::Clock& clock,
                                                   const std::string& data_directory, bool create);

  // invalid_argument for a label that is too long or a tenant id of 0.
  Result<CreatedKey> create(std::uint64_t tenant_id, Role role, std::string_view label, const KeyActor& actor);
  // not_found for an unknown id; ok (nothing written) if already revoked.
  Status revoke(std::string_view id, const KeyActor& actor);
  // A new key with the same tenant, role and label; the old one is revoked. not_found for an
  // unknown id, failed_precondition for a revoked one.
  Result<CreatedKey> rotate(std::string_view id, const KeyActor& actor);

  // The key's record if `key_text` is a well-formed, known and unrevoked key; otherwise
  // invalid_argument "authentication failed: ..." (the same answer for malformed, unknown and
  // revoked keys, so that the reply tells an attacker nothing).
  Result<ApiKeyInfo> authenticate(std::string_view key_text) const;
  // The current record of an authenticated key: failed_precondition once it is revoked.
  Result<ApiKeyInfo> check(std::string_view id) const;

  Result<ApiKeyInfo> get(std::string_view id) const;
  // All keys (revoked ones too), or one tenant's when `tenant_id` is set, by creation order.
  std::vector<ApiKeyInfo> list(std::optional<std::uint64_t> tenant_id = std::nullopt) const;

  // Records a refused request in the audit trail (durably).
  Status audit_denied(std::string_view key_id, std::uint64_t key_tenant_id, std::uint64_t requested_tenant_id,
                      std::string_view operation, std::string_view peer, std::string_view why);
  // Audit records (access_denied events) written since open or replayed from the log.
  std::uint64_t denied_count() const;

  SystemLog& system_log() { return *log_; }

  struct Entry {
    ApiKeyInfo info;
    std::string digest_hex;
    std::uint64_t sequence = 0;
  };

 private:
  Status apply(std::uint64_t timestamp_ns, const nlohmann::json& event);
  Result<CreatedKey> make_key(std::uint64_t tenant_id, Role role, std::string_view label) const;
  static nlohmann::json created_event(const CreatedKey& created, const std::string& digest_hex, const KeyActor& actor);

  std::unique_ptr<SystemLog> log_;
  mutable std::shared_mutex mutex_;
  std::mutex write_mutex_;  // Orders registry changes: validate, log, apply as one step.
  std::map<std::string, Entry, std::less<>> by_id_;
  std::map<std::string, std::string, std::less<>> id_by_digest_;
  std::uint64_t sequence_ = 0;
  std::uint64_t denied_count_ = 0;
};

// "kmb_..." -> the 32 key bytes; invalid_argument when malformed.
Result<Bytes> parse_api_key(std::string_view text);

}  // namespace kmb::server
