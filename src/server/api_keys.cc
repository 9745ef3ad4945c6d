#include "server/api_keys.h"

#include <algorithm>
#include <mutex>
#include <utility>

#include "base/bytes.h"
#include "crypto/random.h"
#include "crypto/secure.h"
#include "crypto/sha256.h"

namespace kmb::server {

namespace {

std::string digest_hex_of(ByteSpan key_bytes) {
  const crypto::Sha256Digest digest = crypto::sha256(key_bytes);
  return to_hex(ByteSpan(digest));
}

Status invalid_key() {
  return invalid_argument("authentication failed: unknown, revoked or malformed API key");
}

}  // namespace

std::string_view role_name(Role role) {
  switch (role) {
    case Role::reader:
      return "reader";
    case Role::writer:
      return "writer";
    case Role::admin:
      return "admin";
  }
  KMB_UNREACHABLE();
}

Result<Role> parse_role(std::string_view name) {
  if (name == "reader" || name == "read-only") return Role::reader;
  if (name == "writer" || name == "read-write") return Role::writer;
  if (name == "admin") return Role::admin;
  return invalid_argument("unknown role '" + std::string(name) + "' (expected admin, writer or reader)");
}

Result<Bytes> parse_api_key(std::string_view text) {
  if (text.size() != api_key_text_size || text.substr(0, api_key_prefix.size()) != api_key_prefix) {
    return invalid_argument("an API key looks like kmb_ followed by 64 hex digits");
  }
  std::optional<Bytes> bytes = from_hex(text.substr(api_key_prefix.size()));
  if (!bytes.has_value()) return invalid_argument("an API key looks like kmb_ followed by 64 hex digits");
  KMB_ASSERT(bytes->size() == api_key_secret_size_bytes);
  return std::move(*bytes);
}

Result<std::unique_ptr<ApiKeyStore>> ApiKeyStore::open(io::Storage& storage, io::Clock& clock,
                                                       const std::string& data_directory, bool create) {
  auto store = std::make_unique<ApiKeyStore>();
  ApiKeyStore* raw = store.get();
  KMB_ASSIGN_OR_RETURN(
      store->log_,
      SystemLog::open(storage, clock, data_directory, create,
                      [raw](std::uint64_t, std::uint64_t timestamp_ns, const nlohmann::json& event) -> Status {
                        // A field of the wrong JSON type throws: that is damage, not a crash.
                        try {
                          return raw->apply(timestamp_ns, event);
                        } catch (const nlohmann::json::exception& exception) {
                          return corruption(std::string("malformed key event: ") + exception.what());
                        }
                      }));
  return store;
}

// Applies one registry event to the in-memory maps. Called during replay (single-threaded) and,
// with mutex_ held exclusively, after each durable append.
Status ApiKeyStore::apply(std::uint64_t timestamp_ns, const nlohmann::json& event) {
  const std::string kind = event.value("event", "");
  if (kind == "key_created") {
    if (!event.contains("id") || !event.contains("tenant") || !event.contains("role") || !event.contains("digest")) {
      return corruption("key_created event lacks id, tenant, role or digest");
    }
    Entry entry;
    entry.info.id = event["id"].get<std::string>();
    entry.info.tenant_id = event["tenant"].get<std::uint64_t>();
    KMB_ASSIGN_OR_RETURN(entry.info.role, parse_role(event["role"].get<std::string>()));
    entry.info.label = event.value("label", "");
    entry.info.created_ns = timestamp_ns;
    entry.digest_hex = event["digest"].get<std::string>();
    entry.sequence = sequence_++;
    if (by_id_.contains(entry.info.id)) return corruption("key " + entry.info.id + " created twice");
    const std::string replaces = event.value("replaces", "");
    if (!replaces.empty()) {
      auto old = by_id_.find(replaces);
      if (old == by_id_.end()) return corruption("key_created replaces unknown key " + replaces);
      old->second.info.revoked = true;
      old->second.info.revoked_ns = timestamp_ns;
    }
    id_by_digest_[entry.digest_hex] = entry.info.id;
    by_id_.emplace(entry.info.id, std::move(entry));
    return Status::ok_status();
  }
  if (kind == "key_revoked") {
    auto found = by_id_.find(event.value("id", ""));
    if (found == by_id_.end()) return corruption("key_revoked names an unknown key");
    found->second.info.revoked = true;
    found->second.info.revoked_ns = timestamp_ns;
    return Status::ok_status();
  }
  if (kind == "access_denied") {
    denied_count_++;
    return Status::ok_status();
  }
  // Events of a newer server are skipped rather than refused: the registry events above are the
  // only ones that change state.
  return Status::ok_status();
}

Result<CreatedKey> ApiKeyStore::make_key(std::uint64_t tenant_id, Role role, std::string_view label) const {
  if (tenant_id == 0) return invalid_argument("a key must belong to a tenant (tenant ids start at 1)");
  if (label.size() > api_key_label_size_max) {
    return invalid_argument("key label longer than " + std::to_string(api_key_label_size_max) + " bytes");
  }
  KMB_ASSIGN_OR_RETURN(auto secret, crypto::random_array<api_key_secret_size_bytes>());
  CreatedKey created;
  created.key = std::string(api_key_prefix) + to_hex(ByteSpan(secret));
  const std::string digest = digest_hex_of(ByteSpan(secret));
  crypto::secure_zero(MutableByteSpan(secret));
  created.info.id = digest.substr(0, api_key_id_size);
  created.info.tenant_id = tenant_id;
  created.info.role = role;
  created.info.label = std::string(label);
  return created;
}

nlohmann::json ApiKeyStore::created_event(const CreatedKey& created, const std::string& digest_hex,
                                          const KeyActor& actor) {
  nlohmann::json event = {{"event", "key_created"},
                          {"id", created.info.id},
                          {"tenant", created.info.tenant_id},
                          {"role", std::string(role_name(created.info.role))},
                          {"label", created.info.label},
                          {"digest", digest_hex},
                          {"actor", actor.actor}};
  return event;
}

Result<CreatedKey> ApiKeyStore::create(std::uint64_t tenant_id, Role role, std::string_view label,
                                       const KeyActor& actor) {
  std::lock_guard write_lock(write_mutex_);
  KMB_ASSIGN_OR_RETURN(CreatedKey created, make_key(tenant_id, role, label));
  KMB_ASSIGN_OR_RETURN(Bytes secret, parse_api_key(created.key));
  const std::string digest = digest_hex_of(ByteSpan(secret));
  crypto::secure_zero(MutableByteSpan(secret));
  {
    std::shared_lock lock(mutex_);
    // 64 bits of id from a random 256-bit key: a collision is astronomically unlikely, but a
    // duplicate id must never alias two keys, so it is refused rather than assumed away.
    if (by_id_.contains(created.info.id)) return aborted("key id collision; try again");
  }
  const nlohmann::json event = created_event(created, digest, actor);
  KMB_ASSIGN_OR_RETURN(SystemLog::Appended appended, log_->append(event, actor.reason));
  std::unique_lock lock(mutex_);
  KMB_TRY(apply(appended.timestamp_ns, event));
  created.info = by_id_[created.info.id].info;
  return created;
}

Status ApiKeyStore::revoke(std::string_view id, const KeyActor& actor) {
  std::lock_guard write_lock(write_mutex_);
  {
    std::shared_lock lock(mutex_);
    auto found = by_id_.find(id);
    if (found == by_id_.end()) return not_found("no API key with id " + std::string(id));
    if (found->second.info.revoked) return Status::ok_status();
  }
  const nlohmann::json event = {{"event", "key_revoked"}, {"id", std::string(id)}, {"actor", actor.actor}};
  KMB_ASSIGN_OR_RETURN(SystemLog::Appended appended, log_->append(event, actor.reason));
  std::unique_lock lock(mutex_);
  return apply(appended.timestamp_ns, event);
}

Result<CreatedKey> ApiKeyStore::rotate(std::string_view id, const KeyActor& actor) {
  std::lock_guard write_lock(write_mutex_);
  ApiKeyInfo old;
  {
    std::shared_lock lock(mutex_);
    auto found = by_id_.find(id);
    if (found == by_id_.end()) return not_found("no API key with id " + std::string(id));
    if (found->second.info.revoked) return failed_precondition("API key " + std::string(id) + " is revoked");
    old = found->second.info;
  }
  KMB_ASSIGN_OR_RETURN(CreatedKey created, make_key(old.tenant_id, old.role, old.label));
  KMB_ASSIGN_OR_RETURN(Bytes secret, parse_api_key(created.key));
  const std::string digest = digest_hex_of(ByteSpan(secret));
  crypto::secure_zero(MutableByteSpan(secret));
  // One event both creates the new key and revokes the old one, so a crash cannot leave two
  // valid keys or none.
  nlohmann::json event = created_event(created, digest, actor);
  event["replaces"] = old.id;
  KMB_ASSIGN_OR_RETURN(SystemLog::Appended appended, log_->append(event, actor.reason));
  std::unique_lock lock(mutex_);
  KMB_TRY(apply(appended.timestamp_ns, event));
  created.info = by_id_[created.info.id].info;
  return created;
}

Result<ApiKeyInfo> ApiKeyStore::authenticate(std::string_view key_text) const {
  Result<Bytes> secret = parse_api_key(key_text);
  if (!secret.ok()) return invalid_key();
  const std::string digest = digest_hex_of(ByteSpan(*secret));
  std::shared_lock lock(mutex_);
  auto id = id_by_digest_.find(digest);
  if (id == id_by_digest_.end()) return invalid_key();
  const Entry& entry = by_id_.find(id->second)->second;
  // The map lookup already matched; the constant-time comparison guards against a future change
  // to a lookup structure that compares early-exit.
  if (!crypto::constant_time_equal(
          ByteSpan(reinterpret_cast<const std::uint8_t*>(entry.digest_hex.data()), entry.digest_hex.size()),
          ByteSpan(reinterpret_cast<const std::uint8_t*>(digest.data()), digest.size()))) {
    return invalid_key();
  }
  if (entry.info.revoked) return invalid_key();
  return entry.info;
}

Result<ApiKeyInfo> ApiKeyStore::check(std::string_view id) const {
  std::shared_lock lock(mutex_);
  auto found = by_id_.find(id);
  if (found == by_id_.end() || found->second.info.revoked) {
    return failed_precondition("API key " + std::string(id) + " has been revoked");
  }
  return found->second.info;
}

Result<ApiKeyInfo> ApiKeyStore::get(std::string_view id) const {
  std::shared_lock lock(mutex_);
  auto found = by_id_.find(id);
  if (found == by_id_.end()) return not_found("no API key with id " + std::string(id));
  return found->second.info;
}

std::vector<ApiKeyInfo> ApiKeyStore::list(std::optional<std::uint64_t> tenant_id) const {
  std::vector<const Entry*> entries;
  std::shared_lock lock(mutex_);
  for (const auto& [id, entry] : by_id_) {
    if (!tenant_id.has_value() || entry.info.tenant_id == *tenant_id) entries.push_back(&entry);
  }
  std::sort(entries.begin(), entries.end(), [](const Entry* a, const Entry* b) { return a->sequence < b->sequence; });
  std::vector<ApiKeyInfo> infos;
  infos.reserve(entries.size());
  for (const Entry* entry : entries) infos.push_back(entry->info);
  return infos;
}

Status ApiKeyStore::audit_denied(std::string_view key_id, std::uint64_t key_tenant_id,
                                 std::uint64_t requested_tenant_id, std::string_view operation, std::string_view peer,
                                 std::string_view why) {
  const nlohmann::json event = {{"event", "access_denied"},
                                {"key", std::string(key_id)},
                                {"key_tenant", key_tenant_id},
                                {"requested_tenant", requested_tenant_id},
                                {"operation", std::string(operation)},
                                {"peer", std::string(peer)},
                                {"why", std::string(why)}};
  KMB_ASSIGN_OR_RETURN(SystemLog::Appended appended, log_->append(event, "access denied"));
  (void)appended;
  std::unique_lock lock(mutex_);
  denied_count_++;
  return Status::ok_status();
}

std::uint64_t ApiKeyStore::denied_count() const {
  std::shared_lock lock(mutex_);
  return denied_count_;
}

}  // namespace kmb::server
