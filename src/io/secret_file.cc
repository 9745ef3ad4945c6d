#include "io/secret_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "io/posix_storage.h"
#include "io/storage.h"

namespace kmb::io {
namespace {

constexpr mode_t private_file_mode = 0600;
constexpr mode_t group_and_other_bits = 0077;

// Closes a descriptor when it goes out of scope.
class Descriptor {
 public:
  explicit Descriptor(int descriptor) : descriptor_(descriptor) {}
  ~Descriptor() {
    if (descriptor_ >= 0) ::close(descriptor_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  int get() const { return descriptor_; }

 private:
  int descriptor_;
};

std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof(text), "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

}  // namespace

Status write_private_file(std::string_view path, ByteSpan content) {
  const std::string path_string(path);
  // O_EXCL: never replace an existing key. The mode is applied at creation (the umask can only
  // remove bits), so the key is never readable by others, not even for a moment.
  Descriptor file(::open(path_string.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, private_file_mode));
  if (file.get() < 0) return status_from_errno("create", path, errno);
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t count = ::write(file.get(), content.data() + written, content.size() - written);
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) return status_from_errno("write", path, errno);
    written += static_cast<std::size_t>(count);
  }
  if (::fsync(file.get()) != 0) return status_from_errno("fsync", path, errno);
  PosixStorage storage;
  return storage.sync_directory(parent_path(path));
}

Result<Bytes> read_private_file(std::string_view path) {
  const std::string path_string(path);
  Descriptor file(::open(path_string.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.get() < 0) return status_from_errno("open", path, errno);
  struct stat info {};
  if (::fstat(file.get(), &info) != 0) return status_from_errno("stat", path, errno);
  if ((info.st_mode & group_and_other_bits) != 0) {
    return failed_precondition("key file " + path_string + " has permissions " + octal_mode(info.st_mode) +
                               "; it must be readable by its owner only (run: chmod 600 " + path_string + ")");
  }
  if (static_cast<std::uint64_t>(info.st_size) > private_file_size_max_bytes) {
    return resource_exhausted("key file " + path_string + " has " + std::to_string(info.st_size) +
                              " bytes; a key file is at most " + std::to_string(private_file_size_max_bytes));
  }
  Bytes content(static_cast<std::size_t>(info.st_size));
  std::size_t filled = 0;
  while (filled < content.size()) {
    const ssize_t count = ::read(file.get(), content.data() + filled, content.size() - filled);
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) return status_from_errno("read", path, errno);
    if (count == 0) break;
    filled += static_cast<std::size_t>(count);
  }
  content.resize(filled);
  return content;
}

std::optional<std::string> environment_variable(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

}  // namespace kmb::io
