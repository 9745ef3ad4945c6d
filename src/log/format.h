// On-disk format of a log partition: constants and codecs for records, segment headers, the
// PARTITION manifest and segment index files. docs/format/log.md describes every byte; keep the two
// in step. All integers are little-endian.
//
// Thread-safety: pure functions and value types.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/sha256.h"

namespace kmb::log {

using ChainHash = crypto::Sha256Digest;

// Version of the partition structures (segment header, PARTITION manifest, index).
inline constexpr std::uint16_t format_version = 1;
// Version of records. 2 added the `encrypted` flag. A record is written with the lowest version
// that can express it (version 1 unless it is encrypted), so older readers still read every
// unencrypted log and refuse encrypted records as `unsupported` instead of misreading them.
inline constexpr std::uint16_t record_format_version = 2;
inline constexpr std::uint16_t record_format_version_encrypted_min = 2;
inline constexpr std::uint16_t hash_algorithm_sha256 = 1;

// ---- Records --------------------------------------------------------------------------------
//  0  u32  magic "KMBR"          4  u16 format_version     6  u8 kind       7  u8 flags
//  8  u64  tenant_id            16  u64 offset            24  u64 timestamp_ns
// 32  u64  client_id            40  u64 request_id        48  u32 reason_length
// 52  u32  payload_length       56  [32] prev_hash        88  u32 header_crc32c (of bytes 0..88)
// 92  reason bytes, payload bytes, then u32 record_crc32c (of every byte before it).
inline constexpr std::uint32_t record_magic = 0x52424D4BU;  // bytes 'K' 'M' 'B' 'R'
inline constexpr std::size_t record_header_size = 92;
inline constexpr std::size_t record_trailer_size = 4;
inline constexpr std::size_t record_overhead_size = record_header_size + record_trailer_size;
inline constexpr std::uint32_t record_reason_size_max = 4096;
// Hard format limit; a partition may configure a lower one.
inline constexpr std::uint32_t record_payload_size_max = 64U << 20;
inline constexpr std::uint64_t record_size_max =
    record_overhead_size + record_reason_size_max + record_payload_size_max;

// flags: bit 0 = batch_continues (the next record belongs to the same atomic batch). A batch is
// the unit of atomicity: recovery drops a trailing batch whose last record is missing.
// bit 1 = encrypted (version >= 2): reason_length is 0 and the payload is an encryption envelope
// (docs/format/encryption.md) holding the reason and the payload. The log itself never decrypts:
// CRCs and the chain cover the stored (encrypted) bytes, so verification needs no keys.
inline constexpr std::uint8_t record_flag_batch_continues = 0x01;
inline constexpr std::uint8_t record_flag_encrypted = 0x02;
inline constexpr std::uint8_t record_flags_known = record_flag_batch_continues | record_flag_encrypted;
// The flags a caller may set through RecordInput (the partition owns batch_continues).
inline constexpr std::uint8_t record_input_flags_allowed = record_flag_encrypted;

enum class RecordKind : std::uint8_t {
  event = 1,    // An application event appended to a stream.
  command = 2,  // A kernel command (SQL write, DDL) whose effects derive projections.
  system = 3,   // Partition-level metadata (key rotation, checkpoints markers, ...).
};
bool is_valid_record_kind(std::uint8_t kind);
std::string_view record_kind_name(RecordKind kind);

struct RecordHeader {
  RecordKind kind = RecordKind::event;
  std::uint8_t flags = 0;
  std::uint64_t tenant_id = 0;
  std::uint64_t offset = 0;
  std::uint64_t timestamp_ns = 0;
  std::uint64_t client_id = 0;
  std::uint64_t request_id = 0;
  std::uint32_t reason_length = 0;
  std::uint32_t payload_length = 0;
  ChainHash prev_hash{};

  std::uint64_t record_size() const {
    return record_overhead_size + std::uint64_t{reason_length} + payload_length;
  }
};

// What a caller asks to append; the partition fills in tenant, offset, timestamp and prev_hash.
struct RecordInput {
  RecordKind kind = RecordKind::event;
  std::uint64_t client_id = 0;
  std::uint64_t request_id = 0;
  std::string_view reason;
  ByteSpan payload;
  std::uint8_t flags = 0;  // Only record_input_flags_allowed.
};

// A decoded record, owning its bytes.
struct Record {
  RecordHeader header;
  std::string reason;
  Bytes payload;
};

// Appends the encoded record to `out` and returns its chain hash (SHA-256 of the stored bytes).
// REQUIRES: header lengths match reason/payload sizes and are within the format limits.
ChainHash encode_record(const RecordHeader& header, std::string_view reason, ByteSpan payload,
                        Bytes& out);

// Why a header failed to decode; `none` means it decoded.
enum class HeaderProblem : std::uint8_t {
  none,
  bad_magic,
  bad_header_crc,
  newer_version,
  bad_version,
  bad_kind,
  bad_flags,
  reason_too_long,
  payload_too_long,
};
std::string_view header_problem_text(HeaderProblem problem);

// Decodes and checks the fixed header (magic, header CRC, version, kind, length limits).
// REQUIRES: bytes.size() >= record_header_size.
HeaderProblem decode_record_header(ByteSpan bytes, RecordHeader& header);

// Checks the trailing CRC of a complete record. REQUIRES: bytes.size() == header.record_size().
bool record_crc_matches(ByteSpan record_bytes);

// Splits a complete, checked record into a Record.
Record record_from_bytes(const RecordHeader& header, ByteSpan record_bytes);

// ---- Segment files --------------------------------------------------------------------------
//  0 [8] magic "KMBSEGMT"   8 u16 format_version   10 u16 hash_algorithm   12 u32 header_size (40)
// 16 u64 tenant_id         24 u64 base_offset      32 u32 reserved (0)     36 u32 crc32c (0..36)
inline constexpr std::size_t segment_header_size = 40;
inline constexpr std::array<std::uint8_t, 8> segment_magic = {'K', 'M', 'B', 'S', 'E', 'G', 'M', 'T'};

struct SegmentHeader {
  std::uint64_t tenant_id = 0;
  std::uint64_t base_offset = 0;
};
std::array<std::uint8_t, segment_header_size> encode_segment_header(const SegmentHeader& header);
// Errors: corruption (magic, CRC, size field) or unsupported (newer version / hash algorithm).
Result<SegmentHeader> decode_segment_header(ByteSpan bytes);

// "00000000000000001234.segment" <-> 1234.
std::string segment_file_name(std::uint64_t base_offset);
std::string index_file_name(std::uint64_t base_offset);
std::optional<std::uint64_t> parse_segment_file_name(std::string_view name);

// ---- PARTITION manifest ---------------------------------------------------------------------
//  0 [8] magic "KMBPARTN"   8 u16 format_version   10 u16 hash_algorithm   12 u32 reserved (0)
// 16 u64 tenant_id         24 u64 created_ns       32 u32 crc32c (0..32)
inline constexpr std::size_t manifest_size = 36;
inline constexpr std::string_view manifest_file_name = "PARTITION";

struct Manifest {
  std::uint64_t tenant_id = 0;
  std::uint64_t created_ns = 0;
};
Bytes encode_manifest(const Manifest& manifest);
Result<Manifest> decode_manifest(ByteSpan bytes);

// ---- Segment index (a cache; rebuilt from the segment when missing or stale) ------------------
//  0 [8] magic "KMBINDEX"  8 u16 format_version  10 u16 reserved  12 u32 entry_count
// 16 u64 base_offset      24 u64 record_count    32 u64 segment_size   40 u64 last_timestamp_ns
// 48 [32] last_hash       80 entries: entry_count x (u64 offset, u64 position)
// then u32 crc32c of everything before it.
struct IndexEntry {
  std::uint64_t offset = 0;
  std::uint64_t position = 0;  // Byte position of the record in the segment file.
};

struct SegmentSummary {
  std::uint64_t base_offset = 0;
  std::uint64_t record_count = 0;
  std::uint64_t segment_size = 0;  // Bytes of the segment file covered by the records.
  std::uint64_t last_timestamp_ns = 0;
  ChainHash last_hash{};           // Chain hash of the last record (prev_hash if empty).
  std::vector<IndexEntry> entries; // Sparse: the first record and then one per interval.
};
Bytes encode_index(const SegmentSummary& summary);
Result<SegmentSummary> decode_index(ByteSpan bytes);

}  // namespace kmb::log
