#include "io/storage.h"

#include <string>

namespace kmb::io {
namespace {

// read_whole_file is for metadata and indexes; anything larger is a bug or a hostile file.
constexpr std::uint64_t whole_file_size_max_bytes = 256ULL << 20;

std::string_view strip_trailing_slashes(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return path;
}

}  // namespace

std::string join_path(std::string_view directory, std::string_view name) {
  directory = strip_trailing_slashes(directory);
  if (directory.empty()) return std::string(name);
  std::string joined(directory);
  if (joined.back() != '/') joined += '/';
  joined += name;
  return joined;
}

std::string parent_path(std::string_view path) {
  path = strip_trailing_slashes(path);
  const std::size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(strip_trailing_slashes(path.substr(0, slash)));
}

Status write_file_atomically(Storage& storage, std::string_view path, ByteSpan content) {
  const std::string temporary_path = std::string(path) + ".tmp";
  {
    KMB_ASSIGN_OR_RETURN(std::unique_ptr<File> file,
                         storage.open(temporary_path, OpenMode::create_or_open));
    // A leftover from an earlier failed attempt may be longer than `content`.
    KMB_TRY(file->truncate(0));
    KMB_TRY(file->write_at(0, content));
    KMB_TRY(file->sync());
  }
  // rename() syncs the parent directory, which makes the new name durable.
  return storage.rename(temporary_path, path);
}

Result<Bytes> read_whole_file(Storage& storage, std::string_view path) {
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<File> file, storage.open(path, OpenMode::read_only));
  KMB_ASSIGN_OR_RETURN(const std::uint64_t size, file->size());
  if (size > whole_file_size_max_bytes) {
    return resource_exhausted("read " + std::string(path) + ": file of " + std::to_string(size) +
                              " bytes is larger than the limit of " +
                              std::to_string(whole_file_size_max_bytes) + " bytes");
  }
  Bytes content(static_cast<std::size_t>(size));
  std::size_t filled = 0;
  while (filled < content.size()) {
    KMB_ASSIGN_OR_RETURN(const std::size_t count,
                         file->read_at(filled, MutableByteSpan(content).subspan(filled)));
    if (count == 0) break;  // The file shrank after size(); return what is there.
    filled += count;
  }
  KMB_ASSERT(filled <= content.size());
  content.resize(filled);
  return content;
}

}  // namespace kmb::io
