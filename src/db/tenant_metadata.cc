#include "db/tenant_metadata.h"

#include <cstring>

#include "crypto/crc32c.h"

namespace kmb::db {

namespace {

// 0 [8] magic "KMBTENNT"  8 u16 version  10 u16 flags (bit 0 sealed, bit 1 encrypted)  12 u32 reserved
// 16 u64 tenant_id  24 u64 created_ns  32 u64 storage_bytes_max  40 u64 records_per_second
// 48 u64 bytes_per_second  56 u32 name_length, name  .. u32 region_length, region  .. u32 crc32c
constexpr std::array<std::uint8_t, 8> metadata_magic = {'K', 'M', 'B', 'T', 'E', 'N', 'N', 'T'};
constexpr std::uint16_t metadata_version = 1;
constexpr std::uint16_t flag_sealed = 0x0001;
constexpr std::uint16_t flag_encrypted = 0x0002;
constexpr std::uint16_t flags_known = flag_sealed | flag_encrypted;
constexpr std::size_t fixed_size = 56;

void append_string(Bytes& out, std::string_view text) {
  append_le<std::uint32_t>(out, static_cast<std::uint32_t>(text.size()));
  append_bytes(out, as_bytes(text));
}

}  // namespace

Bytes encode_tenant_metadata(const TenantMetadata& metadata) {
  KMB_ASSERT(metadata.name.size() <= tenant_name_size_max);
  KMB_ASSERT(metadata.region.size() <= region_name_size_max);
  Bytes out(fixed_size, 0);
  std::uint8_t* p = out.data();
  std::memcpy(p, metadata_magic.data(), metadata_magic.size());
  store_le<std::uint16_t>(p + 8, metadata_version);
  const auto flags =
      static_cast<std::uint16_t>((metadata.sealed ? flag_sealed : 0) | (metadata.encrypted ? flag_encrypted : 0));
  store_le<std::uint16_t>(p + 10, flags);
  store_le<std::uint64_t>(p + 16, metadata.tenant_id);
  store_le<std::uint64_t>(p + 24, metadata.created_ns);
  store_le<std::uint64_t>(p + 32, metadata.quotas.storage_bytes_max);
  store_le<std::uint64_t>(p + 40, metadata.quotas.records_per_second);
  store_le<std::uint64_t>(p + 48, metadata.quotas.bytes_per_second);
  append_string(out, metadata.name);
  append_string(out, metadata.region);
  append_le<std::uint32_t>(out, crypto::crc32c(out));
  return out;
}

Result<TenantMetadata> decode_tenant_metadata(ByteSpan bytes, std::string_view path) {
  auto damaged = [&](std::string_view what) {
    return corruption("tenant metadata " + std::string(path) + ": " + std::string(what));
  };
  if (bytes.size() < fixed_size + 4 + 4 + 4) return damaged("cut short");
  const std::uint8_t* p = bytes.data();
  if (std::memcmp(p, metadata_magic.data(), metadata_magic.size()) != 0) return damaged("bad magic");
  const std::size_t crc_position = bytes.size() - 4;
  if (load_le<std::uint32_t>(p + crc_position) != crypto::crc32c(bytes.first(crc_position))) {
    return damaged("CRC mismatch");
  }
  const auto version = load_le<std::uint16_t>(p + 8);
  if (version > metadata_version) {
    return unsupported("tenant metadata " + std::string(path) + " has version " + std::to_string(version) +
                       "; this build reads up to " + std::to_string(metadata_version));
  }
  if (version == 0) return damaged("version 0");
  const auto flags = load_le<std::uint16_t>(p + 10);
  if ((flags & ~flags_known) != 0 || load_le<std::uint32_t>(p + 12) != 0) return damaged("unknown flags");
  TenantMetadata metadata;
  metadata.sealed = (flags & flag_sealed) != 0;
  metadata.encrypted = (flags & flag_encrypted) != 0;
  metadata.tenant_id = load_le<std::uint64_t>(p + 16);
  metadata.created_ns = load_le<std::uint64_t>(p + 24);
  metadata.quotas.storage_bytes_max = load_le<std::uint64_t>(p + 32);
  metadata.quotas.records_per_second = load_le<std::uint64_t>(p + 40);
  metadata.quotas.bytes_per_second = load_le<std::uint64_t>(p + 48);
  std::size_t position = fixed_size;
  auto read_string = [&](std::size_t size_max, std::string& out) -> bool {
    if (crc_position - position < 4) return false;
    const auto length = load_le<std::uint32_t>(p + position);
    position += 4;
    if (length > size_max || length > crc_position - position) return false;
    out.assign(reinterpret_cast<const char*>(p + position), length);
    position += length;
    return true;
  };
  if (!read_string(tenant_name_size_max, metadata.name)) return damaged("bad name");
  if (!read_string(region_name_size_max, metadata.region)) return damaged("bad region");
  if (position != crc_position) return damaged("trailing bytes");
  return metadata;
}

Status save_tenant_metadata(io::Storage& storage, std::string_view path, const TenantMetadata& metadata) {
  return io::write_file_atomically(storage, path, encode_tenant_metadata(metadata));
}

Result<TenantMetadata> load_tenant_metadata(io::Storage& storage, std::string_view path) {
  KMB_ASSIGN_OR_RETURN(Bytes content, io::read_whole_file(storage, path));
  return decode_tenant_metadata(content, path);
}

Status check_tenant_name(std::string_view name) {
  if (name.empty() || name.size() > tenant_name_size_max) {
    return invalid_argument("a tenant name has 1 to " + std::to_string(tenant_name_size_max) + " bytes");
  }
  for (char c : name) {
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\'') {
      return invalid_argument("tenant name '" + std::string(name) +
                              "' may hold only printable ASCII characters other than quotes");
    }
  }
  return Status();
}

Status check_region_name(std::string_view region) {
  if (region.empty() || region.size() > region_name_size_max) {
    return invalid_argument("a region name has 1 to " + std::to_string(region_name_size_max) + " bytes");
  }
  for (char c : region) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!allowed) {
      return invalid_argument("region '" + std::string(region) + "' may hold only a-z, 0-9 and '-'");
    }
  }
  return Status();
}

}  // namespace kmb::db
