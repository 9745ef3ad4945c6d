// PosixStorage: Storage on real files through POSIX calls (open/pread/pwrite/fdatasync/rename).
//
// Every open uses O_CLOEXEC. Creating a file, renaming and removing sync the parent directory
// before returning, so a successful call is durable (see the contract in storage.h). A File whose
// sync() failed is poisoned: later write_at/truncate/sync calls on it return io_error, because
// Linux may already have dropped the unsynced pages (fsyncgate) and a later fdatasync could
// succeed without writing them.
//
// lock_file() uses flock(LOCK_EX | LOCK_NB): two locks on separate opens of the same file conflict,
// both across processes and within one process.
//
// Thread-safety: PosixStorage holds no state and may be shared freely. File follows storage.h.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "io/storage.h"

namespace kmb::io {

class PosixStorage final : public Storage {
 public:
  PosixStorage() = default;

  Result<std::unique_ptr<File>> open(std::string_view path, OpenMode mode) override;
  Status create_directory(std::string_view path) override;
  Status create_directories(std::string_view path) override;
  Result<bool> exists(std::string_view path) override;
  Result<bool> is_directory(std::string_view path) override;
  Result<std::vector<std::string>> list_directory(std::string_view path) override;
  Status rename(std::string_view from, std::string_view to) override;
  Status remove(std::string_view path) override;
  Status sync_directory(std::string_view path) override;
  Result<std::unique_ptr<FileLock>> lock_file(std::string_view path) override;
};

// The Status for an OS error: ENOSPC/EDQUOT -> no_space, ENOENT -> not_found,
// EEXIST -> already_exists, anything else -> io_error. The message reads
// "<operation> <path>: <strerror>", e.g. "open /data/x: No such file or directory".
Status status_from_errno(std::string_view operation, std::string_view path, int error_number);

}  // namespace kmb::io
