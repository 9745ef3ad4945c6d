#include "db/tenant_event.h"

#include <cstring>

namespace kmb::db {

namespace {
constexpr std::array<std::uint8_t, 4> event_magic = {'K', 'T', 'E', 'V'};
constexpr std::uint8_t event_version = 1;
constexpr std::size_t fixed_size = 4 + 1 + 1 + 4 + 4;
constexpr std::size_t actor_size_max = 4096;
}  // namespace

Bytes encode_tenant_event(const TenantEvent& event) {
  Bytes out(event_magic.begin(), event_magic.end());
  out.push_back(event_version);
  out.push_back(static_cast<std::uint8_t>(event.kind));
  append_le<std::uint32_t>(out, event.key_epoch);
  const std::string_view actor = std::string_view(event.actor).substr(0, actor_size_max);
  append_le<std::uint32_t>(out, static_cast<std::uint32_t>(actor.size()));
  append_bytes(out, as_bytes(actor));
  return out;
}

Result<std::optional<TenantEvent>> decode_tenant_event(ByteSpan payload) {
  if (payload.size() < event_magic.size() || std::memcmp(payload.data(), event_magic.data(), event_magic.size()) != 0) {
    return std::optional<TenantEvent>();
  }
  if (payload.size() < fixed_size) return corruption("tenant event is cut short");
  if (payload[4] != event_version) {
    return unsupported("tenant event version " + std::to_string(payload[4]) + " is newer than this build's");
  }
  const std::uint8_t kind = payload[5];
  if (kind < 1 || kind > 3) return corruption("unknown tenant event " + std::to_string(kind));
  TenantEvent event;
  event.kind = static_cast<TenantEventKind>(kind);
  event.key_epoch = load_le<std::uint32_t>(payload.data() + 6);
  const auto actor_length = load_le<std::uint32_t>(payload.data() + 10);
  if (actor_length != payload.size() - fixed_size) return corruption("tenant event actor length mismatch");
  event.actor.assign(reinterpret_cast<const char*>(payload.data() + fixed_size), actor_length);
  return std::optional<TenantEvent>(std::move(event));
}

}  // namespace kmb::db
