#include "log/format.h"

#include <charconv>
#include <cstdio>
#include <cstring>

#include "crypto/crc32c.h"

namespace kmb::log {

namespace {

static_assert(record_header_size == 88 + 4);
static_assert(segment_header_size == 36 + 4);
static_assert(manifest_size == 32 + 4);
constexpr std::size_t index_fixed_size = 80;
constexpr std::size_t index_entry_size = 16;
constexpr std::array<std::uint8_t, 8> manifest_magic = {'K', 'M', 'B', 'P', 'A', 'R', 'T', 'N'};
constexpr std::array<std::uint8_t, 8> index_magic = {'K', 'M', 'B', 'I', 'N', 'D', 'E', 'X'};
constexpr std::uint32_t index_entry_count_max = 1U << 24;

std::uint32_t crc_of(const std::uint8_t* data, std::size_t size) {
  return crypto::crc32c(ByteSpan(data, size));
}

// Shared by the manifest, segment header and index: magic + version + algorithm checks.
Status check_magic_and_version(ByteSpan bytes, const std::array<std::uint8_t, 8>& magic,
                               std::string_view what) {
  if (std::memcmp(bytes.data(), magic.data(), magic.size()) != 0) {
    return corruption(std::string(what) + ": bad magic (not a Kimberlite " + std::string(what) + ")");
  }
  std::uint16_t version = load_le<std::uint16_t>(bytes.data() + 8);
  if (version > format_version) {
    return unsupported(std::string(what) + " has format version " + std::to_string(version) +
                       "; this build reads versions up to " + std::to_string(format_version));
  }
  if (version == 0) return corruption(std::string(what) + ": format version 0");
  return Status();
}

}  // namespace

bool is_valid_record_kind(std::uint8_t kind) {
  return kind >= static_cast<std::uint8_t>(RecordKind::event) &&
         kind <= static_cast<std::uint8_t>(RecordKind::system);
}

std::string_view record_kind_name(RecordKind kind) {
  switch (kind) {
    case RecordKind::event: return "event";
    case RecordKind::command: return "command";
    case RecordKind::system: return "system";
  }
  return "unknown";
}

ChainHash encode_record(const RecordHeader& header, std::string_view reason, ByteSpan payload,
                        Bytes& out) {
  KMB_ASSERT(header.reason_length == reason.size());
  KMB_ASSERT(header.payload_length == payload.size());
  KMB_ASSERT(header.reason_length <= record_reason_size_max);
  KMB_ASSERT(header.payload_length <= record_payload_size_max);
  const std::size_t start = out.size();
  out.resize(start + header.record_size());
  std::uint8_t* p = out.data() + start;
  store_le<std::uint32_t>(p + 0, record_magic);
  const bool encrypted = (header.flags & record_flag_encrypted) != 0;
  store_le<std::uint16_t>(p + 4, encrypted ? record_format_version_encrypted_min : std::uint16_t{1});
  p[6] = static_cast<std::uint8_t>(header.kind);
  p[7] = header.flags;
  store_le<std::uint64_t>(p + 8, header.tenant_id);
  store_le<std::uint64_t>(p + 16, header.offset);
  store_le<std::uint64_t>(p + 24, header.timestamp_ns);
  store_le<std::uint64_t>(p + 32, header.client_id);
  store_le<std::uint64_t>(p + 40, header.request_id);
  store_le<std::uint32_t>(p + 48, header.reason_length);
  store_le<std::uint32_t>(p + 52, header.payload_length);
  std::memcpy(p + 56, header.prev_hash.data(), header.prev_hash.size());
  store_le<std::uint32_t>(p + 88, crc_of(p, 88));
  std::uint8_t* body = p + record_header_size;
  if (!reason.empty()) std::memcpy(body, reason.data(), reason.size());
  if (!payload.empty()) std::memcpy(body + reason.size(), payload.data(), payload.size());
  const std::size_t crc_position = header.record_size() - record_trailer_size;
  store_le<std::uint32_t>(p + crc_position, crc_of(p, crc_position));
  return crypto::sha256(ByteSpan(p, header.record_size()));
}

std::string_view header_problem_text(HeaderProblem problem) {
  switch (problem) {
    case HeaderProblem::none: return "ok";
    case HeaderProblem::bad_magic: return "bad record magic";
    case HeaderProblem::bad_header_crc: return "record header CRC mismatch";
    case HeaderProblem::newer_version: return "record written by a newer format version";
    case HeaderProblem::bad_version: return "invalid record format version";
    case HeaderProblem::bad_kind: return "invalid record kind";
    case HeaderProblem::bad_flags: return "invalid record flags";
    case HeaderProblem::reason_too_long: return "reason length beyond the format limit";
    case HeaderProblem::payload_too_long: return "payload length beyond the format limit";
  }
  return "unknown problem";
}

HeaderProblem decode_record_header(ByteSpan bytes, RecordHeader& header) {
  KMB_ASSERT(bytes.size() >= record_header_size);
  const std::uint8_t* p = bytes.data();
  if (load_le<std::uint32_t>(p) != record_magic) return HeaderProblem::bad_magic;
  if (load_le<std::uint32_t>(p + 88) != crc_of(p, 88)) return HeaderProblem::bad_header_crc;
  std::uint16_t version = load_le<std::uint16_t>(p + 4);
  if (version > record_format_version) return HeaderProblem::newer_version;
  if (version == 0) return HeaderProblem::bad_version;
  if (!is_valid_record_kind(p[6])) return HeaderProblem::bad_kind;
  if ((p[7] & ~record_flags_known) != 0) return HeaderProblem::bad_flags;
  if ((p[7] & record_flag_encrypted) != 0 && version < record_format_version_encrypted_min) {
    return HeaderProblem::bad_flags;
  }
  header.kind = static_cast<RecordKind>(p[6]);
  header.flags = p[7];
  header.tenant_id = load_le<std::uint64_t>(p + 8);
  header.offset = load_le<std::uint64_t>(p + 16);
  header.timestamp_ns = load_le<std::uint64_t>(p + 24);
  header.client_id = load_le<std::uint64_t>(p + 32);
  header.request_id = load_le<std::uint64_t>(p + 40);
  header.reason_length = load_le<std::uint32_t>(p + 48);
  header.payload_length = load_le<std::uint32_t>(p + 52);
  std::memcpy(header.prev_hash.data(), p + 56, header.prev_hash.size());
  if (header.reason_length > record_reason_size_max) return HeaderProblem::reason_too_long;
  if (header.payload_length > record_payload_size_max) return HeaderProblem::payload_too_long;
  return HeaderProblem::none;
}

bool record_crc_matches(ByteSpan record_bytes) {
  KMB_ASSERT(record_bytes.size() >= record_overhead_size);
  const std::size_t crc_position = record_bytes.size() - record_trailer_size;
  return load_le<std::uint32_t>(record_bytes.data() + crc_position) ==
         crc_of(record_bytes.data(), crc_position);
}

Record record_from_bytes(const RecordHeader& header, ByteSpan record_bytes) {
  KMB_ASSERT(record_bytes.size() == header.record_size());
  Record record;
  record.header = header;
  const std::uint8_t* body = record_bytes.data() + record_header_size;
  record.reason.assign(reinterpret_cast<const char*>(body), header.reason_length);
  record.payload.assign(body + header.reason_length,
                        body + header.reason_length + header.payload_length);
  return record;
}

std::array<std::uint8_t, segment_header_size> encode_segment_header(const SegmentHeader& header) {
  std::array<std::uint8_t, segment_header_size> bytes{};
  std::uint8_t* p = bytes.data();
  std::memcpy(p, segment_magic.data(), segment_magic.size());
  store_le<std::uint16_t>(p + 8, format_version);
  store_le<std::uint16_t>(p + 10, hash_algorithm_sha256);
  store_le<std::uint32_t>(p + 12, static_cast<std::uint32_t>(segment_header_size));
  store_le<std::uint64_t>(p + 16, header.tenant_id);
  store_le<std::uint64_t>(p + 24, header.base_offset);
  store_le<std::uint32_t>(p + 32, 0);
  store_le<std::uint32_t>(p + 36, crc_of(p, 36));
  return bytes;
}

Result<SegmentHeader> decode_segment_header(ByteSpan bytes) {
  if (bytes.size() < segment_header_size) {
    return corruption("segment header is cut short (" + std::to_string(bytes.size()) + " of " +
                      std::to_string(segment_header_size) + " bytes)");
  }
  KMB_TRY(check_magic_and_version(bytes, segment_magic, "segment"));
  const std::uint8_t* p = bytes.data();
  if (load_le<std::uint32_t>(p + 36) != crc_of(p, 36)) return corruption("segment header CRC mismatch");
  if (load_le<std::uint16_t>(p + 10) != hash_algorithm_sha256) {
    return unsupported("segment uses unknown hash algorithm " +
                       std::to_string(load_le<std::uint16_t>(p + 10)));
  }
  if (load_le<std::uint32_t>(p + 12) != segment_header_size) {
    return corruption("segment header size field is " + std::to_string(load_le<std::uint32_t>(p + 12)));
  }
  SegmentHeader header;
  header.tenant_id = load_le<std::uint64_t>(p + 16);
  header.base_offset = load_le<std::uint64_t>(p + 24);
  return header;
}

std::string segment_file_name(std::uint64_t base_offset) {
  char name[48];
  std::snprintf(name, sizeof(name), "%020llu.segment", static_cast<unsigned long long>(base_offset));
  return name;
}

std::string index_file_name(std::uint64_t base_offset) {
  char name[48];
  std::snprintf(name, sizeof(name), "%020llu.index", static_cast<unsigned long long>(base_offset));
  return name;
}

std::optional<std::uint64_t> parse_segment_file_name(std::string_view name) {
  constexpr std::string_view suffix = ".segment";
  if (name.size() != 20 + suffix.size()) return std::nullopt;
  if (name.substr(20) != suffix) return std::nullopt;
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(name.data(), name.data() + 20, value);
  if (error != std::errc() || end != name.data() + 20) return std::nullopt;
  return value;
}

Bytes encode_manifest(const Manifest& manifest) {
  Bytes bytes(manifest_size, 0);
  std::uint8_t* p = bytes.data();
  std::memcpy(p, manifest_magic.data(), manifest_magic.size());
  store_le<std::uint16_t>(p + 8, format_version);
  store_le<std::uint16_t>(p + 10, hash_algorithm_sha256);
  store_le<std::uint32_t>(p + 12, 0);
  store_le<std::uint64_t>(p + 16, manifest.tenant_id);
  store_le<std::uint64_t>(p + 24, manifest.created_ns);
  store_le<std::uint32_t>(p + 32, crc_of(p, 32));
  return bytes;
}

Result<Manifest> decode_manifest(ByteSpan bytes) {
  if (bytes.size() != manifest_size) {
    return corruption("PARTITION manifest has " + std::to_string(bytes.size()) + " bytes, expected " +
                      std::to_string(manifest_size));
  }
  KMB_TRY(check_magic_and_version(bytes, manifest_magic, "PARTITION manifest"));
  const std::uint8_t* p = bytes.data();
  if (load_le<std::uint32_t>(p + 32) != crc_of(p, 32)) return corruption("PARTITION manifest CRC mismatch");
  if (load_le<std::uint16_t>(p + 10) != hash_algorithm_sha256) {
    return unsupported("partition uses unknown hash algorithm " +
                       std::to_string(load_le<std::uint16_t>(p + 10)));
  }
  Manifest manifest;
  manifest.tenant_id = load_le<std::uint64_t>(p + 16);
  manifest.created_ns = load_le<std::uint64_t>(p + 24);
  return manifest;
}

Bytes encode_index(const SegmentSummary& summary) {
  KMB_ASSERT(summary.entries.size() <= index_entry_count_max);
  Bytes bytes(index_fixed_size + summary.entries.size() * index_entry_size + 4, 0);
  std::uint8_t* p = bytes.data();
  std::memcpy(p, index_magic.data(), index_magic.size());
  store_le<std::uint16_t>(p + 8, format_version);
  store_le<std::uint16_t>(p + 10, 0);
  store_le<std::uint32_t>(p + 12, static_cast<std::uint32_t>(summary.entries.size()));
  store_le<std::uint64_t>(p + 16, summary.base_offset);
  store_le<std::uint64_t>(p + 24, summary.record_count);
  store_le<std::uint64_t>(p + 32, summary.segment_size);
  store_le<std::uint64_t>(p + 40, summary.last_timestamp_ns);
  std::memcpy(p + 48, summary.last_hash.data(), summary.last_hash.size());
  std::uint8_t* entry = p + index_fixed_size;
  for (const IndexEntry& e : summary.entries) {
    store_le<std::uint64_t>(entry, e.offset);
    store_le<std::uint64_t>(entry + 8, e.position);
    entry += index_entry_size;
  }
  store_le<std::uint32_t>(entry, crc_of(p, static_cast<std::size_t>(entry - p)));
  return bytes;
}

Result<SegmentSummary> decode_index(ByteSpan bytes) {
  if (bytes.size() < index_fixed_size + 4) return corruption("segment index is cut short");
  KMB_TRY(check_magic_and_version(bytes, index_magic, "segment index"));
  const std::uint8_t* p = bytes.data();
  std::uint32_t count = load_le<std::uint32_t>(p + 12);
  if (count > index_entry_count_max ||
      bytes.size() != index_fixed_size + std::size_t{count} * index_entry_size + 4) {
    return corruption("segment index size does not match its entry count");
  }
  const std::size_t crc_position = bytes.size() - 4;
  if (load_le<std::uint32_t>(p + crc_position) != crc_of(p, crc_position)) {
    return corruption("segment index CRC mismatch");
  }
  SegmentSummary summary;
  summary.base_offset = load_le<std::uint64_t>(p + 16);
  summary.record_count = load_le<std::uint64_t>(p + 24);
  summary.segment_size = load_le<std::uint64_t>(p + 32);
  summary.last_timestamp_ns = load_le<std::uint64_t>(p + 40);
  std::memcpy(summary.last_hash.data(), p + 48, summary.last_hash.size());
  summary.entries.resize(count);
  const std::uint8_t* entry = p + index_fixed_size;
  for (IndexEntry& e : summary.entries) {
    e.offset = load_le<std::uint64_t>(entry);
    e.position = load_le<std::uint64_t>(entry + 8);
    entry += index_entry_size;
  }
  return summary;
}

}  // namespace kmb::log
