#include "projection/snapshot.h"

#include <algorithm>
#include <cstring>

#include "crypto/crc32c.h"
#include "crypto/random.h"
#include "crypto/secure.h"

namespace kmb::projection {

namespace {

constexpr char snapshot_magic[8] = {'K', 'M', 'B', 'S', 'N', 'A', 'P', 'S'};
constexpr std::size_t header_size_bytes = 64;
constexpr std::size_t trailer_size_bytes = 4;
constexpr std::size_t read_chunk_bytes = 16 << 20;

// Header field offsets.
constexpr std::size_t version_offset = 8;
constexpr std::size_t flags_offset = 10;
constexpr std::size_t key_epoch_offset = 12;
constexpr std::size_t applied_offset = 16;
constexpr std::size_t hash_offset = 24;
constexpr std::size_t body_length_offset = 56;
static_assert(body_length_offset + 8 == header_size_bytes);
constexpr std::uint16_t flag_encrypted = 0x0001;
constexpr std::uint16_t flags_known = flag_encrypted;
constexpr std::size_t encryption_overhead_bytes = crypto::aes256_gcm_nonce_size + crypto::aes256_gcm_tag_size;

Status damaged(std::string_view path, std::string_view what) {
  return corruption("snapshot " + std::string(path) + ": " + std::string(what));
}

Result<Bytes> read_file(io::Storage& storage, std::string_view path) {
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<io::File> file, storage.open(path, io::OpenMode::read_only));
  KMB_ASSIGN_OR_RETURN(const std::uint64_t size, file->size());
  if (size > snapshot_size_max_bytes) {
    return resource_exhausted("snapshot " + std::string(path) + " of " + std::to_string(size) +
                              " bytes is larger than the limit of " + std::to_string(snapshot_size_max_bytes));
  }
  Bytes content(static_cast<std::size_t>(size));
  std::size_t filled = 0;
  while (filled < content.size()) {
    const std::size_t want = std::min(read_chunk_bytes, content.size() - filled);
    KMB_ASSIGN_OR_RETURN(const std::size_t count,
                         file->read_at(filled, MutableByteSpan(content).subspan(filled, want)));
    if (count == 0) break;
    filled += count;
  }
  content.resize(filled);
  return content;
}

// Authenticates and decrypts an encrypted body ([12] nonce || ciphertext || tag) with the header
// (bytes 0..64 of `content`) as associated data.
Result<Bytes> decrypt_body(std::string_view path, ByteSpan content, ByteSpan body, std::uint32_t key_epoch,
                           const SnapshotKeyLookup& keys) {
  const crypto::Aes256Key* key = keys ? keys(key_epoch) : nullptr;
  if (key == nullptr) {
    return failed_precondition("snapshot " + std::string(path) + " is encrypted under key epoch " +
                               std::to_string(key_epoch) + ", and no key for it was given");
  }
  if (body.size() < encryption_overhead_bytes) return damaged(path, "encrypted body is cut short");
  crypto::Aes256GcmNonce nonce;
  std::memcpy(nonce.data(), body.data(), nonce.size());
  Result<Bytes> opened =
      crypto::aes256_gcm_open(*key, nonce, body.subspan(nonce.size()), content.first(header_size_bytes));
  if (!opened.ok()) return damaged(path, "encrypted body failed its integrity check");
  return opened;
}

}  // namespace

Status save_snapshot(io::Storage& storage, std::string_view path, const Store& store, Position applied,
                     const ChainHash& chain_hash_at_applied, const SnapshotEncryption* encryption) {
  KMB_ASSIGN_OR_RETURN(SnapshotImage image, capture_snapshot(store, applied, chain_hash_at_applied));
  return write_snapshot(storage, path, std::move(image), encryption);
}

Result<SnapshotImage> capture_snapshot(const Store& store, Position applied, const ChainHash& chain_hash_at_applied) {
  if (store.last_position() != applied) {
    return invalid_argument("snapshot at position " + std::to_string(applied) + " of a store whose last position is " +
                            (store.last_position().has_value() ? std::to_string(*store.last_position()) : "none"));
  }
  SnapshotImage image;
  image.applied = applied;
  image.chain_hash = chain_hash_at_applied;
  store.encode(image.body);
  return image;
}

Status write_snapshot(io::Storage& storage, std::string_view path, SnapshotImage image,
                      const SnapshotEncryption* encryption) {
  Bytes content(header_size_bytes, 0);
  std::memcpy(content.data(), snapshot_magic, sizeof(snapshot_magic));
  store_le<std::uint16_t>(content.data() + version_offset, snapshot_format_version);
  store_le<std::uint64_t>(content.data() + applied_offset, image.applied);
  std::memcpy(content.data() + hash_offset, image.chain_hash.data(), image.chain_hash.size());
  if (encryption == nullptr) {
    store_le<std::uint64_t>(content.data() + body_length_offset, image.body.size());
    append_bytes(content, image.body);
  } else {
    KMB_ASSERT(encryption->key != nullptr);
    store_le<std::uint16_t>(content.data() + flags_offset, flag_encrypted);
    store_le<std::uint32_t>(content.data() + key_epoch_offset, encryption->key_epoch);
    store_le<std::uint64_t>(content.data() + body_length_offset, image.body.size() + encryption_overhead_bytes);
    // A random nonce: snapshots are rare (far below GCM's 2^32 random-nonce bound per key) and
    // use their own key, so they never share a key with the log's counter nonces.
    Result<crypto::Aes256GcmNonce> nonce = crypto::random_array<crypto::aes256_gcm_nonce_size>();
    Result<Bytes> sealed = nonce.ok() ? crypto::aes256_gcm_seal(*encryption->key, *nonce, image.body,
                                                                ByteSpan(content).first(header_size_bytes))
                                      : Result<Bytes>(nonce.status());
    crypto::secure_zero(MutableByteSpan(image.body));
    KMB_TRY(sealed.status());
    append_bytes(content, *nonce);
    append_bytes(content, *sealed);
  }
  append_le<std::uint32_t>(content, crypto::crc32c(content));
  return io::write_file_atomically(storage, path, content);
}

Result<LoadedSnapshot> load_snapshot(io::Storage& storage, std::string_view path, const SnapshotKeyLookup& keys) {
  KMB_ASSIGN_OR_RETURN(const Bytes content, read_file(storage, path));
  if (content.size() < header_size_bytes + trailer_size_bytes) return damaged(path, "truncated header");
  if (std::memcmp(content.data(), snapshot_magic, sizeof(snapshot_magic)) != 0) return damaged(path, "bad magic");
  const auto version = load_le<std::uint16_t>(content.data() + version_offset);
  if (version == 0) return damaged(path, "format version 0");
  if (version < snapshot_format_version) {
    return damaged(path, "format version " + std::to_string(version) + " is older than this build's " +
                             std::to_string(snapshot_format_version));
  }
  if (version > snapshot_format_version) {
    return unsupported("snapshot " + std::string(path) + " has format version " + std::to_string(version) +
                       ", newer than this build's " + std::to_string(snapshot_format_version));
  }
  const auto body_length = load_le<std::uint64_t>(content.data() + body_length_offset);
  if (body_length != content.size() - header_size_bytes - trailer_size_bytes) {
    return damaged(path, "length " + std::to_string(body_length) + " does not match the file size " +
                             std::to_string(content.size()));
  }
  const std::size_t checked = content.size() - trailer_size_bytes;
  const auto stored_crc = load_le<std::uint32_t>(content.data() + checked);
  if (crypto::crc32c(ByteSpan(content).first(checked)) != stored_crc) return damaged(path, "checksum mismatch");
  const auto flags = load_le<std::uint16_t>(content.data() + flags_offset);
  const auto key_epoch = load_le<std::uint32_t>(content.data() + key_epoch_offset);
  if ((flags & ~flags_known) != 0) return damaged(path, "unknown header flags");
  const bool encrypted = (flags & flag_encrypted) != 0;
  if (!encrypted && key_epoch != 0) return damaged(path, "key epoch set on an unencrypted snapshot");
  if (version < 2 && flags != 0) return damaged(path, "reserved header bytes are not zero");

  LoadedSnapshot loaded;
  loaded.applied = load_le<std::uint64_t>(content.data() + applied_offset);
  std::memcpy(loaded.chain_hash.data(), content.data() + hash_offset, loaded.chain_hash.size());
  ByteSpan body = ByteSpan(content).subspan(header_size_bytes, body_length);
  Bytes decrypted;
  if (encrypted) {
    KMB_ASSIGN_OR_RETURN(decrypted, decrypt_body(path, content, body, key_epoch, keys));
    body = ByteSpan(decrypted);
  }
  Result<Store> store = Store::decode(body);
  if (encrypted) crypto::secure_zero(MutableByteSpan(decrypted));
  if (!store.ok()) return damaged(path, store.status().message());
  loaded.store = std::move(store).value();
  if (loaded.store.last_position() != loaded.applied) {
    return damaged(path, "applied position " + std::to_string(loaded.applied) + " differs from the content's");
  }
  return loaded;
}

}  // namespace kmb::projection
