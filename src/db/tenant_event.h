// Tenant lifecycle events: log records of kind `system` in the tenant's own log, so that legal
// holds and key rotations are part of the tamper-evident history (who, when, why). The reason
// travels in the record's reason field; the timestamp is the record's.
//
// Payload: [4] "KTEV" | u8 version (1) | u8 event | u32 key_epoch | u32 actor_length | actor
// (docs/format/encryption.md). Encrypted like every other record of an encrypted tenant.
//
// Thread-safety: pure codecs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/bytes.h"
#include "base/status.h"

namespace kmb::db {

enum class TenantEventKind : std::uint8_t {
  sealed = 1,       // Legal hold placed: writes refused from here on.
  unsealed = 2,     // Legal hold lifted.
  key_rotated = 3,  // Records from here on use key_epoch.
};

struct TenantEvent {
  TenantEventKind kind = TenantEventKind::sealed;
  std::uint32_t key_epoch = 0;
  std::string actor;
};

Bytes encode_tenant_event(const TenantEvent& event);
// nullopt if the payload is not a tenant event (another system record); corruption if it claims
// to be one but is malformed.
Result<std::optional<TenantEvent>> decode_tenant_event(ByteSpan payload);

}  // namespace kmb::db
