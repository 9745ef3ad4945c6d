// Storage: the only way Kimberlite code above src/io touches files.
//
// Two implementations:
//   * PosixStorage (posix_storage.h): real files with pwrite/pread, fdatasync, ftruncate, rename,
//     and an fsync of the parent directory after every create, rename or remove so that the
//     directory entry itself is durable.
//   * MemoryStorage (memory_storage.h): deterministic, in-memory, with fault injection (lose
//     unsynced data at a simulated crash, tear writes, flip bits on read, fail fsync, ENOSPC).
//
// Paths are plain '/'-separated strings. Errors are Status values: ENOSPC maps to
// StatusCode::no_space, EIO and other OS failures to StatusCode::io_error, a missing file to
// StatusCode::not_found. Messages name the path.
//
// Durability contract (both implementations):
//   * write_at() data is durable only after a successful File::sync().
//   * A newly created file's directory entry, a rename and a remove are durable when the call
//     returns ok (the implementation syncs the parent directory).
//   * After a failed sync() the file's durable content is unknown; callers must treat the file as
//     poisoned (see fsyncgate) and stop writing to it.
//
// Thread-safety: a Storage may be shared between threads. A File may be used from several threads
// as long as calls that modify the same byte range are not concurrent; read_at is always safe
// concurrently with writes to other ranges and with sync().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"

namespace kmb::io {

class File {
 public:
  virtual ~File() = default;

  // Reads up to out.size() bytes at `offset`. Returns the number of bytes read, which is smaller
  // than out.size() only when the end of the file is reached.
  virtual Result<std::size_t> read_at(std::uint64_t offset, MutableByteSpan out) = 0;

  // Writes all of `data` at `offset`, extending the file if needed. Either all bytes are written
  // (not yet durable) or a non-ok Status is returned (some prefix may have been written).
  virtual Status write_at(std::uint64_t offset, ByteSpan data) = 0;

  // Makes all written data durable (fdatasync).
  virtual Status sync() = 0;

  // Sets the file size. Not durable until sync().
  virtual Status truncate(std::uint64_t size) = 0;

  virtual Result<std::uint64_t> size() = 0;

  virtual const std::string& path() const = 0;
};

enum class OpenMode : std::uint8_t {
  read_only,         // The file must exist.
  read_write,        // The file must exist.
  create_or_open,    // Opened read-write; created (and the directory synced) if missing.
  create_exclusive,  // Created read-write; already_exists if it is there.
};

// An advisory exclusive lock on a file, held until this object is destroyed. Used so that two
// processes cannot open the same log directory at once. Destroying it releases the lock.
class FileLock {
 public:
  virtual ~FileLock() = default;
  virtual const std::string& path() const = 0;
};

class Storage {
 public:
  virtual ~Storage() = default;

  virtual Result<std::unique_ptr<File>> open(std::string_view path, OpenMode mode) = 0;

  // Creates one directory (its parent must exist) and syncs the parent. ok if it already exists.
  virtual Status create_directory(std::string_view path) = 0;

  // Creates the directory and any missing parents.
  virtual Status create_directories(std::string_view path) = 0;

  virtual Result<bool> exists(std::string_view path) = 0;
  virtual Result<bool> is_directory(std::string_view path) = 0;

  // Names (not paths) of the entries of a directory, sorted, without "." and "..".
  virtual Result<std::vector<std::string>> list_directory(std::string_view path) = 0;

  // Atomically replaces `to` with `from` and syncs the parent directory.
  virtual Status rename(std::string_view from, std::string_view to) = 0;

  // Removes a file and syncs the parent directory.
  virtual Status remove(std::string_view path) = 0;

  // Syncs a directory so that entries created, renamed or removed in it are durable.
  virtual Status sync_directory(std::string_view path) = 0;

  // Takes an exclusive advisory lock on `path` (creating the file if missing; its parent must
  // exist). Returns failed_precondition "... already locked by another process" if anyone else,
  // including another lock_file() call in this process, holds it. Never blocks.
  virtual Result<std::unique_ptr<FileLock>> lock_file(std::string_view path) = 0;
};

// "a/b" + "c" -> "a/b/c".
std::string join_path(std::string_view directory, std::string_view name);
// "a/b/c" -> "a/b"; "c" -> ".".
std::string parent_path(std::string_view path);

// Writes a whole small file durably: write to `path.tmp`, sync, rename over `path`, sync dir.
Status write_file_atomically(Storage& storage, std::string_view path, ByteSpan content);
// Reads a whole file (for small files only: metadata, indexes).
Result<Bytes> read_whole_file(Storage& storage, std::string_view path);

}  // namespace kmb::io
