#include "io/posix_storage.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <limits>
#include <system_error>

namespace kmb::io {
namespace {

static_assert(sizeof(off_t) == 8, "Kimberlite needs 64-bit file offsets");

// One pread/pwrite moves at most this much; Linux caps a single call just below 2 GiB anyway.
constexpr std::size_t io_chunk_size_max_bytes = 1U << 30;
// create_or_open loses a race if another process creates or removes the file between our two
// open calls; a few retries settle it.
constexpr int create_or_open_attempts_max = 8;
constexpr mode_t file_mode = 0644;
constexpr mode_t directory_mode = 0755;

template <typename Call>
auto retry_on_eintr(Call call) {
  for (;;) {
    auto result = call();
    if (result >= 0 || errno != EINTR) return result;
  }
}

Status status_at_offset(std::string_view operation, std::string_view path, std::uint64_t offset,
                        int error_number) {
  std::string located(path);
  located += " at ";
  located += std::to_string(offset);
  return status_from_errno(operation, located, error_number);
}

// REQUIRES: offset + size does not overflow off_t; checked so that user-sized values never wrap.
Status check_offset_range(std::string_view operation, std::string_view path, std::uint64_t offset,
                          std::size_t size) {
  constexpr std::uint64_t off_t_max = static_cast<std::uint64_t>(std::numeric_limits<off_t>::max());
  if (offset > off_t_max || size > off_t_max - offset) {
    return invalid_argument(std::string(operation) + " " + std::string(path) + " at " +
                            std::to_string(offset) + ": offset + size " + std::to_string(size) +
                            " exceeds the largest file offset");
  }
  return Status();
}

class PosixFile final : public File {
 public:
  PosixFile(int descriptor, std::string path) : descriptor_(descriptor), path_(std::move(path)) {
    KMB_ASSERT(descriptor_ >= 0);
  }
  ~PosixFile() override {
    // Linux releases the descriptor even when close() fails, so there is nothing to retry. Data
    // durability was the job of sync().
    ::close(descriptor_);
  }
  PosixFile(const PosixFile&) = delete;
  PosixFile& operator=(const PosixFile&) = delete;

  Result<std::size_t> read_at(std::uint64_t offset, MutableByteSpan out) override {
    KMB_TRY(check_offset_range("pread", path_, offset, out.size()));
    std::size_t filled = 0;
    while (filled < out.size()) {
      const std::size_t chunk = std::min(out.size() - filled, io_chunk_size_max_bytes);
      const off_t position = static_cast<off_t>(offset + filled);
      const ssize_t count = retry_on_eintr(
          [&] { return ::pread(descriptor_, out.data() + filled, chunk, position); });
      if (count < 0) return status_at_offset("pread", path_, offset + filled, errno);
      if (count == 0) break;  // End of file.
      KMB_ASSERT(static_cast<std::size_t>(count) <= chunk);
      filled += static_cast<std::size_t>(count);
    }
    KMB_ASSERT(filled <= out.size());
    return filled;
  }

  Status write_at(std::uint64_t offset, ByteSpan data) override {
    KMB_TRY(check_not_poisoned("pwrite"));
    KMB_TRY(check_offset_range("pwrite", path_, offset, data.size()));
    std::size_t written = 0;
    while (written < data.size()) {
      const std::size_t chunk = std::min(data.size() - written, io_chunk_size_max_bytes);
      const off_t position = static_cast<off_t>(offset + written);
      const ssize_t count = retry_on_eintr(
          [&] { return ::pwrite(descriptor_, data.data() + written, chunk, position); });
      if (count < 0) return status_at_offset("pwrite", path_, offset + written, errno);
      // pwrite returns 0 for a non-empty buffer only on a broken device; do not spin on it.
      if (count == 0) return status_at_offset("pwrite", path_, offset + written, EIO);
      KMB_ASSERT(static_cast<std::size_t>(count) <= chunk);
      written += static_cast<std::size_t>(count);
    }
    KMB_ASSERT(written == data.size());
    return Status();
  }

  Status sync() override {
    KMB_TRY(check_not_poisoned("fdatasync"));
    // No retry, not even on EINTR: after a failure the kernel may have marked the dirty pages
    // clean, so a second call could report success for data that never reached the disk.
    if (::fdatasync(descriptor_) != 0) {
      const int error_number = errno;
      poisoned_ = true;
      return status_from_errno("fdatasync", path_, error_number);
    }
    return Status();
  }

  Status truncate(std::uint64_t size) override {
    KMB_TRY(check_not_poisoned("ftruncate"));
    KMB_TRY(check_offset_range("ftruncate", path_, size, 0));
    const int result =
        retry_on_eintr([&] { return ::ftruncate(descriptor_, static_cast<off_t>(size)); });
    if (result != 0) return status_at_offset("ftruncate", path_, size, errno);
    return Status();
  }

  Result<std::uint64_t> size() override {
    struct stat info {};
    if (::fstat(descriptor_, &info) != 0) return status_from_errno("fstat", path_, errno);
    KMB_ASSERT(info.st_size >= 0);
    return static_cast<std::uint64_t>(info.st_size);
  }

  const std::string& path() const override { return path_; }

 private:
  Status check_not_poisoned(std::string_view operation) const {
    if (!poisoned_) return Status();
    return io_error(std::string(operation) + " " + path_ +
                    ": file is poisoned by an earlier failed sync");
  }

  const int descriptor_;
  const std::string path_;
  // Set by a failed sync(); atomic because writes to other ranges may run concurrently with it.
  std::atomic<bool> poisoned_{false};
};

class PosixFileLock final : public FileLock {
 public:
  PosixFileLock(int descriptor, std::string path)
      : descriptor_(descriptor), path_(std::move(path)) {
    KMB_ASSERT(descriptor_ >= 0);
  }
  // Closing the only descriptor of this open file description releases the flock.
  ~PosixFileLock() override { ::close(descriptor_); }
  PosixFileLock(const PosixFileLock&) = delete;
  PosixFileLock& operator=(const PosixFileLock&) = delete;

  const std::string& path() const override { return path_; }

 private:
  const int descriptor_;
  const std::string path_;
};

struct OpenedDescriptor {
  int descriptor = -1;
  bool created = false;
};

Result<OpenedDescriptor> open_descriptor(const std::string& path, OpenMode mode) {
  const auto open_with = [&](int flags) {
    return retry_on_eintr([&] { return ::open(path.c_str(), flags | O_CLOEXEC, file_mode); });
  };
  switch (mode) {
    case OpenMode::read_only:
    case OpenMode::read_write: {
      const int descriptor = open_with(mode == OpenMode::read_only ? O_RDONLY : O_RDWR);
      if (descriptor < 0) return status_from_errno("open", path, errno);
      return OpenedDescriptor{descriptor, false};
    }
    case OpenMode::create_exclusive: {
      const int descriptor = open_with(O_RDWR | O_CREAT | O_EXCL);
      if (descriptor < 0) return status_from_errno("open", path, errno);
      return OpenedDescriptor{descriptor, true};
    }
    case OpenMode::create_or_open: {
      // Two steps, so that we know whether we created the file and must sync the directory.
      for (int attempt = 0; attempt < create_or_open_attempts_max; attempt++) {
        const int existing = open_with(O_RDWR);
        if (existing >= 0) return OpenedDescriptor{existing, false};
        if (errno != ENOENT) return status_from_errno("open", path, errno);
        const int created = open_with(O_RDWR | O_CREAT | O_EXCL);
        if (created >= 0) return OpenedDescriptor{created, true};
        if (errno != EEXIST) return status_from_errno("open", path, errno);
      }
      return aborted("open " + path + ": file kept appearing and disappearing");
    }
  }
  KMB_UNREACHABLE();
}

}  // namespace

Status status_from_errno(std::string_view operation, std::string_view path, int error_number) {
  std::string message(operation);
  message += ' ';
  message += path;
  message += ": ";
  message += std::system_category().message(error_number);
  switch (error_number) {
    case ENOSPC:
    case EDQUOT:
      return no_space(std::move(message));
    case ENOENT:
      return not_found(std::move(message));
    case EEXIST:
      return already_exists(std::move(message));
    default:
      return io_error(std::move(message));
  }
}

Result<std::unique_ptr<File>> PosixStorage::open(std::string_view path, OpenMode mode) {
  const std::string path_string(path);
  KMB_ASSIGN_OR_RETURN(const OpenedDescriptor opened, open_descriptor(path_string, mode));
  // The File owns the descriptor from here on, so every early return closes it.
  auto file = std::make_unique<PosixFile>(opened.descriptor, path_string);
  struct stat info {};
  if (::fstat(opened.descriptor, &info) != 0) return status_from_errno("fstat", path, errno);
  // open(O_RDONLY) succeeds on a directory; reading it would fail later with a vaguer error.
  if (S_ISDIR(info.st_mode)) return status_from_errno("open", path, EISDIR);
  if (opened.created) KMB_TRY(sync_directory(parent_path(path)));
  return std::unique_ptr<File>(std::move(file));
}

Status PosixStorage::create_directory(std::string_view path) {
  const std::string path_string(path);
  if (::mkdir(path_string.c_str(), directory_mode) != 0) {
    const int error_number = errno;
    if (error_number != EEXIST) return status_from_errno("mkdir", path, error_number);
    KMB_ASSIGN_OR_RETURN(const bool is_dir, is_directory(path));
    if (!is_dir) return status_from_errno("mkdir", path, EEXIST);
  }
  // Synced even when the directory was already there: an earlier process may have crashed
  // between its mkdir and this sync.
  return sync_directory(parent_path(path));
}

Status PosixStorage::create_directories(std::string_view path) {
  KMB_ASSIGN_OR_RETURN(const bool is_dir, is_directory(path));
  if (is_dir) return Status();
  const std::string parent = parent_path(path);
  // Each step removes one component, so the recursion depth is bounded by the path's length.
  if (parent.size() < path.size()) KMB_TRY(create_directories(parent));
  return create_directory(path);
}

Result<bool> PosixStorage::exists(std::string_view path) {
  const std::string path_string(path);
  struct stat info {};
  if (::stat(path_string.c_str(), &info) == 0) return true;
  if (errno == ENOENT) return false;
  return status_from_errno("stat", path, errno);
}

Result<bool> PosixStorage::is_directory(std::string_view path) {
  const std::string path_string(path);
  struct stat info {};
  if (::stat(path_string.c_str(), &info) == 0) return S_ISDIR(info.st_mode);
  if (errno == ENOENT) return false;
  return status_from_errno("stat", path, errno);
}

Result<std::vector<std::string>> PosixStorage::list_directory(std::string_view path) {
  const std::string path_string(path);
  DIR* directory = ::opendir(path_string.c_str());
  if (directory == nullptr) return status_from_errno("opendir", path, errno);
  std::vector<std::string> names;
  int error_number = 0;
  for (;;) {
    errno = 0;
    // readdir on a stream no other thread uses is thread-safe in glibc (readdir_r is deprecated).
    const struct dirent* entry = ::readdir(directory);  // NOLINT(concurrency-mt-unsafe)
    if (entry == nullptr) {
      error_number = errno;  // 0 at the end of the directory.
      break;
    }
    const std::string_view name(entry->d_name);
    if (name == "." || name == "..") continue;
    names.emplace_back(name);
  }
  ::closedir(directory);
  if (error_number != 0) return status_from_errno("readdir", path, error_number);
  std::sort(names.begin(), names.end());
  return names;
}

Status PosixStorage::rename(std::string_view from, std::string_view to) {
  const std::string from_string(from);
  const std::string to_string(to);
  if (::rename(from_string.c_str(), to_string.c_str()) != 0) {
    return status_from_errno("rename", from_string + " to " + to_string, errno);
  }
  const std::string to_parent = parent_path(to);
  const std::string from_parent = parent_path(from);
  KMB_TRY(sync_directory(to_parent));
  if (from_parent != to_parent) KMB_TRY(sync_directory(from_parent));
  return Status();
}

Status PosixStorage::remove(std::string_view path) {
  const std::string path_string(path);
  if (::unlink(path_string.c_str()) != 0) {
    const int error_number = errno;
    // Linux reports EISDIR for unlink on a directory; remove empty directories as remove(3) does.
    if (error_number != EISDIR) return status_from_errno("unlink", path, error_number);
    if (::rmdir(path_string.c_str()) != 0) return status_from_errno("rmdir", path, errno);
  }
  return sync_directory(parent_path(path));
}

Status PosixStorage::sync_directory(std::string_view path) {
  const std::string path_string(path);
  const int descriptor = retry_on_eintr(
      [&] { return ::open(path_string.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); });
  if (descriptor < 0) return status_from_errno("open directory", path, errno);
  const int result = ::fsync(descriptor);
  const int error_number = errno;
  ::close(descriptor);
  if (result != 0) return status_from_errno("fsync directory", path, error_number);
  return Status();
}

Result<std::unique_ptr<FileLock>> PosixStorage::lock_file(std::string_view path) {
  const std::string path_string(path);
  const int descriptor = retry_on_eintr(
      [&] { return ::open(path_string.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, file_mode); });
  if (descriptor < 0) return status_from_errno("open lock", path, errno);
  // Owns the descriptor from here on, so every early return closes it (and drops any lock).
  auto lock = std::make_unique<PosixFileLock>(descriptor, path_string);
  const int result = retry_on_eintr([&] { return ::flock(descriptor, LOCK_EX | LOCK_NB); });
  if (result != 0) {
    if (errno == EWOULDBLOCK) {
      return failed_precondition("lock " + path_string + ": already locked by another process");
    }
    return status_from_errno("flock", path, errno);
  }
  return std::unique_ptr<FileLock>(std::move(lock));
}

}  // namespace kmb::io
