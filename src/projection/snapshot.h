// Projection snapshots (checkpoints): a Store written to one file, so that opening a tenant replays
// only the log records after it instead of the whole log. A snapshot is a cache: whatever is wrong
// with it — missing, damaged, truncated, from a newer build — the database layer discards it and
// rebuilds from the log. Layout byte by byte: docs/format/snapshot.md.
//
// Thread-safety: save_snapshot and capture_snapshot read the Store (hold the shared lock); the
// functions are otherwise independent.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "base/status.h"
#include "crypto/aead.h"
#include "crypto/sha256.h"
#include "io/storage.h"
#include "projection/store.h"

namespace kmb::projection {

// The log's chain hash (the same type as log::ChainHash).
using ChainHash = crypto::Sha256Digest;

// Version 2 added views to the catalog and (independently) encryption: flags and key epoch in the
// formerly reserved header bytes; version 3 has both. Older snapshots are stale caches: rebuilt.
inline constexpr std::uint16_t snapshot_format_version = 3;
// Refuse to allocate for anything larger (a damaged size field or a runaway file).
inline constexpr std::uint64_t snapshot_size_max_bytes = 64ULL << 30;

// How to encrypt a snapshot (docs/format/encryption.md): AES-256-GCM under `key` (the tenant's
// snapshot key of `key_epoch`) with a random nonce, the 64-byte header as associated data.
struct SnapshotEncryption {
  std::uint32_t key_epoch = 0;
  const crypto::Aes256Key* key = nullptr;
};
// The snapshot key of an epoch, or nullptr if there is none.
using SnapshotKeyLookup = std::function<const crypto::Aes256Key*(std::uint32_t key_epoch)>;

// Writes the Store durably and atomically (io::write_file_atomically) to `path`, recording that it
// reflects the log up to and including position `applied`, whose chain hash is `chain_hash_at_applied`
// (so a reader can check that the snapshot belongs to the log it is about to replay).
// invalid_argument if applied is not the Store's last position; I/O errors from the storage.
// With `encryption`, the body is encrypted. = capture_snapshot, then write_snapshot.
Status save_snapshot(io::Storage& storage, std::string_view path, const Store& store, Position applied,
                     const ChainHash& chain_hash_at_applied, const SnapshotEncryption* encryption = nullptr);

// The two halves of save_snapshot, so that a writer stalls only for the first: capture_snapshot
// encodes the Store (it must not change meanwhile: hold the locks that keep it still), and
// write_snapshot encrypts, checksums and writes that image with no access to the Store at all.
struct SnapshotImage {
  Position applied = 0;
  ChainHash chain_hash{};
  Bytes body;  // Store::encode
};
Result<SnapshotImage> capture_snapshot(const Store& store, Position applied, const ChainHash& chain_hash_at_applied);
Status write_snapshot(io::Storage& storage, std::string_view path, SnapshotImage image,
                      const SnapshotEncryption* encryption = nullptr);

struct LoadedSnapshot {
  Store store;
  Position applied = 0;
  ChainHash chain_hash{};
};

// Reads and fully validates a snapshot. not_found if there is none; unsupported for a newer format
// version; corruption for any damage (the caller then rebuilds from the log), including an
// encrypted snapshot that fails authentication; failed_precondition for an encrypted snapshot
// whose key `keys` cannot provide; I/O errors.
Result<LoadedSnapshot> load_snapshot(io::Storage& storage, std::string_view path, const SnapshotKeyLookup& keys = {});

}  // namespace kmb::projection
