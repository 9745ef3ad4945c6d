// A tenant's metadata file, DATA/tenants/<id>/tenant: name, region, quotas, legal-hold state and
// whether its data is encrypted. Its presence is what makes a tenant exist. Layout byte by byte:
// docs/format/encryption.md ("Tenant metadata file").
//
// Written with io::write_file_atomically (temporary file, fsync, rename, directory fsync), so a
// crash leaves the old or the new version. Seal and unseal are also recorded as events in the
// tenant's own log (tenant_event.h) — the log is the audit trail and wins on disagreement.
//
// Thread-safety: pure codecs and free functions.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"
#include "db/database.h"
#include "io/storage.h"

namespace kmb::db {

inline constexpr std::string_view tenant_metadata_file_name = "tenant";
inline constexpr std::size_t tenant_name_size_max = 128;
inline constexpr std::size_t region_name_size_max = 64;

struct TenantMetadata {
  std::uint64_t tenant_id = 0;
  std::string name;
  std::string region;
  TenantQuotas quotas;
  bool sealed = false;
  bool encrypted = false;
  std::uint64_t created_ns = 0;
};

Bytes encode_tenant_metadata(const TenantMetadata& metadata);
// corruption for any damage; unsupported for a newer version.
Result<TenantMetadata> decode_tenant_metadata(ByteSpan bytes, std::string_view path);

Status save_tenant_metadata(io::Storage& storage, std::string_view path, const TenantMetadata& metadata);
// not_found if there is no file.
Result<TenantMetadata> load_tenant_metadata(io::Storage& storage, std::string_view path);

// invalid_argument unless `name` is 1..128 bytes of printable ASCII other than quotes.
Status check_tenant_name(std::string_view name);
// invalid_argument unless `region` is 1..64 bytes of [a-z0-9-] (e.g. "eu-west-1").
Status check_region_name(std::string_view region);

}  // namespace kmb::db
