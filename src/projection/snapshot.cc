#include "projection/snapshot.h"

#include <algorithm>
#include <cstring>

#include "crypto/crc32c.h"

namespace kmb::projection {

namespace {

constexpr char snapshot_magic[8] = {'K', 'M', 'B', 'S', 'N', 'A', 'P', 'S'};
constexpr std::size_t header_size_bytes = 64;
constexpr std::size_t trailer_size_bytes = 4;
constexpr std::size_t read_chunk_bytes = 16 << 20;

// Header field offsets.
constexpr std::size_t version_offset = 8;
constexpr std::size_t reserved_offset = 10;
constexpr std::size_t applied_offset = 16;
constexpr std::size_t hash_offset = 24;
constexpr std::size_t body_length_offset = 56;
static_assert(body_length_offset + 8 == header_size_bytes);

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

}  // namespace

Status save_snapshot(io::Storage& storage, std::string_view path, const Store& store, Position applied,
                     const ChainHash& chain_hash_at_applied) {
  if (store.last_position() != applied) {
    return invalid_argument("snapshot at position " + std::to_string(applied) + " of a store whose last position is " +
                            (store.last_position().has_value() ? std::to_string(*store.last_position()) : "none"));
  }
  Bytes content(header_size_bytes, 0);
  std::memcpy(content.data(), snapshot_magic, sizeof(snapshot_magic));
  store_le<std::uint16_t>(content.data() + version_offset, snapshot_format_version);
  store_le<std::uint64_t>(content.data() + applied_offset, applied);
  std::memcpy(content.data() + hash_offset, chain_hash_at_applied.data(), chain_hash_at_applied.size());
  store.encode(content);
  store_le<std::uint64_t>(content.data() + body_length_offset, content.size() - header_size_bytes);
  append_le<std::uint32_t>(content, crypto::crc32c(content));
  return io::write_file_atomically(storage, path, content);
}

Result<LoadedSnapshot> load_snapshot(io::Storage& storage, std::string_view path) {
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
  if (load_le<std::uint16_t>(content.data() + reserved_offset) != 0 ||
      load_le<std::uint32_t>(content.data() + reserved_offset + 2) != 0) {
    return damaged(path, "reserved header bytes are not zero");
  }

  LoadedSnapshot loaded;
  loaded.applied = load_le<std::uint64_t>(content.data() + applied_offset);
  std::memcpy(loaded.chain_hash.data(), content.data() + hash_offset, loaded.chain_hash.size());
  Result<Store> store = Store::decode(ByteSpan(content).subspan(header_size_bytes, body_length));
  if (!store.ok()) return damaged(path, store.status().message());
  loaded.store = std::move(store).value();
  if (loaded.store.last_position() != loaded.applied) {
    return damaged(path, "applied position " + std::to_string(loaded.applied) + " differs from the content's");
  }
  return loaded;
}

}  // namespace kmb::projection
