#include "io/memory_storage.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <utility>

namespace kmb::io {
namespace {

// The strerror texts of glibc, so that messages read the same as PosixStorage's.
constexpr std::string_view no_such_file = "No such file or directory";
constexpr std::string_view file_exists = "File exists";
constexpr std::string_view is_a_directory = "Is a directory";
constexpr std::string_view not_a_directory = "Not a directory";
constexpr std::string_view directory_not_empty = "Directory not empty";
constexpr std::string_view invalid_argument_text = "Invalid argument";
constexpr std::string_view bad_file_descriptor = "Bad file descriptor";
constexpr std::string_view input_output_error = "Input/output error";
constexpr std::string_view no_space_left = "No space left on device";

Status failure(StatusCode code, std::string_view operation, std::string_view path,
               std::string_view reason) {
  std::string message(operation);
  message += ' ';
  message += path;
  message += ": ";
  message += reason;
  return Status(code, std::move(message));
}

std::string at_offset(std::string_view path, std::uint64_t offset) {
  return std::string(path) + " at " + std::to_string(offset);
}

// "a//b/./c/" -> "a/b/c", "" -> ".", "/." -> "/". ".." is kept as a plain name.
std::string normalize_path(std::string_view path) {
  const bool absolute = !path.empty() && path.front() == '/';
  std::string normalized = absolute ? "/" : "";
  std::size_t position = 0;
  while (position <= path.size()) {
    std::size_t slash = path.find('/', position);
    if (slash == std::string_view::npos) slash = path.size();
    const std::string_view component = path.substr(position, slash - position);
    position = slash + 1;
    if (component.empty() || component == ".") continue;
    if (!normalized.empty() && normalized.back() != '/') normalized += '/';
    normalized += component;
  }
  if (normalized.empty()) normalized = ".";
  return normalized;
}

// True if `path` lies strictly inside `directory` (both normalized).
bool is_inside(std::string_view path, std::string_view directory) {
  if (path == directory) return false;
  if (directory == "/") return path.front() == '/';
  if (directory == ".") return path.front() != '/';
  return path.size() > directory.size() && path.substr(0, directory.size()) == directory &&
         path[directory.size()] == '/';
}

// REQUIRES: is_inside(path, from) or path == from.
std::string rebase(std::string_view path, std::string_view from, std::string_view to) {
  return std::string(to) + std::string(path.substr(from.size()));
}

struct PendingOperation {
  enum class Kind : std::uint8_t { write, truncate };
  Kind kind = Kind::write;
  std::uint64_t offset = 0;  // For truncate: the new size.
  Bytes data;
};

struct Inode {
  Bytes current;
  Bytes durable;
  std::vector<PendingOperation> pending;  // Since the last sync, oldest first.
  // A sync failed and dropped pending operations, so `current` may never again equal `durable`.
  bool sync_failed = false;
};

void write_into(Bytes& bytes, std::uint64_t offset, ByteSpan data) {
  const std::uint64_t end = offset + data.size();
  if (end > bytes.size()) bytes.resize(static_cast<std::size_t>(end));
  std::copy(data.begin(), data.end(), bytes.begin() + static_cast<std::ptrdiff_t>(offset));
}

void apply_operation(Bytes& bytes, const PendingOperation& operation) {
  switch (operation.kind) {
    case PendingOperation::Kind::write:
      write_into(bytes, operation.offset, operation.data);
      return;
    case PendingOperation::Kind::truncate:
      bytes.resize(static_cast<std::size_t>(operation.offset));
      return;
  }
  KMB_UNREACHABLE();
}

void check_probability(const MemoryStorage::Probability& probability) {
  KMB_ASSERT(probability.denominator > 0);
  KMB_ASSERT(probability.numerator <= probability.denominator);
}

}  // namespace

// All fields are guarded by `mutex`; every method REQUIRES it held.
struct MemoryStorage::State {
  explicit State(Prng seeded) : prng(seeded) {}

  mutable std::mutex mutex;
  Prng prng;
  Faults faults;
  std::map<std::string, std::shared_ptr<Inode>> files;  // Normalized path -> inode.
  std::set<std::string> directories;                    // Normalized, without "/" and ".".
  std::uint64_t boot_epoch = 0;                         // Files opened in an older one are dead.
  bool frozen = false;
  std::uint64_t countdown = 0;  // 0: disarmed.
  std::uint64_t operation_count = 0;
  std::uint64_t syncs_to_fail = 0;
  std::set<std::string> read_failure_paths;
  std::set<std::string> write_failure_paths;
  std::map<std::string, std::uint64_t> locks;  // Normalized path -> id of the holder.
  std::uint64_t next_lock_id = 1;

  bool is_directory(const std::string& key) const {
    return key == "/" || key == "." || directories.contains(key);
  }

  Inode* find_file(const std::string& key) const {
    const auto found = files.find(key);
    return found == files.end() ? nullptr : found->second.get();
  }

  bool has_children(const std::string& key) const {
    for (const auto& [path, inode] : files) {
      if (is_inside(path, key)) return true;
    }
    for (const std::string& directory : directories) {
      if (is_inside(directory, key)) return true;
    }
    return false;
  }

  Status check_frozen(std::string_view operation, std::string_view path) const {
    if (!frozen) return Status();
    return failure(StatusCode::io_error, operation, path, "simulated crash");
  }

  // The gate every mutating operation passes: counts it, or freezes the storage.
  Status pass_mutation(std::string_view operation, std::string_view path) {
    KMB_TRY(check_frozen(operation, path));
    if (countdown > 0) {
      countdown--;
      if (countdown == 0) {
        frozen = true;
        return failure(StatusCode::io_error, operation, path, "simulated crash");
      }
    }
    operation_count++;
    return Status();
  }

  Status check_parent(std::string_view operation, std::string_view path,
                      const std::string& key) const {
    const std::string parent = parent_path(key);
    if (is_directory(parent)) return Status();
    if (find_file(parent) != nullptr) {
      return failure(StatusCode::io_error, operation, path, not_a_directory);
    }
    return failure(StatusCode::not_found, operation, path, no_such_file);
  }

  bool roll(const Probability& probability) {
    if (probability.numerator == 0) return false;
    return prng.chance(probability.numerator, probability.denominator);
  }

  std::uint64_t used_bytes() const {
    std::uint64_t used = 0;
    for (const auto& [path, inode] : files) used += inode->current.size();
    return used;
  }

  // REQUIRES: new_size >= old_size (only growth can run out of space).
  Status check_capacity(std::string_view operation, std::string_view located_path,
                        std::uint64_t old_size, std::uint64_t new_size) const {
    KMB_ASSERT(new_size >= old_size);
    if (faults.capacity_bytes == capacity_unlimited) return Status();
    const std::uint64_t growth = new_size - old_size;
    if (growth == 0) return Status();
    const std::uint64_t used = used_bytes();
    if (growth > faults.capacity_bytes || used > faults.capacity_bytes - growth) {
      return failure(StatusCode::no_space, operation, located_path, no_space_left);
    }
    return Status();
  }

  void crash_inode(Inode& inode) {
    if (faults.torn_writes && !inode.pending.empty()) {
      const std::uint64_t surviving = prng.uniform(inode.pending.size() + 1);
      for (std::uint64_t index = 0; index < surviving; index++) {
        const PendingOperation& operation = inode.pending[index];
        const bool last = index + 1 == surviving;
        const bool tearable =
            operation.kind == PendingOperation::Kind::write && !operation.data.empty();
        if (last && tearable && prng.chance(1, 2)) {
          // Torn: only a strict prefix of the last write reached the platter.
          const std::uint64_t kept = prng.uniform(operation.data.size());
          const ByteSpan prefix = ByteSpan(operation.data).first(static_cast<std::size_t>(kept));
          if (!prefix.empty()) write_into(inode.durable, operation.offset, prefix);
        } else {
          apply_operation(inode.durable, operation);
        }
      }
    }
    inode.pending.clear();
    inode.current = inode.durable;
    inode.sync_failed = false;
  }

  void crash() {
    for (auto& [path, inode] : files) crash_inode(*inode);
    boot_epoch++;
    frozen = false;
    countdown = 0;
    locks.clear();
  }

  Status modify_stored_byte(std::string_view operation, std::string_view path,
                            std::uint64_t offset, std::uint8_t mask) {
    KMB_ASSERT(mask != 0);
    Inode* inode = find_file(normalize_path(path));
    if (inode == nullptr) return failure(StatusCode::not_found, operation, path, no_such_file);
    if (offset >= inode->durable.size() && offset >= inode->current.size()) {
      return failure(StatusCode::invalid_argument, operation, at_offset(path, offset),
                     "offset is past the end of the file");
    }
    if (offset < inode->durable.size()) inode->durable[offset] ^= mask;
    if (offset < inode->current.size()) inode->current[offset] ^= mask;
    return Status();
  }
};

namespace {

using State = MemoryStorage::State;

class MemoryFile final : public File {
 public:
  MemoryFile(std::shared_ptr<State> state, std::shared_ptr<Inode> inode, std::string path,
             bool writable)
      : state_(std::move(state)),
        inode_(std::move(inode)),
        path_(std::move(path)),
        key_(normalize_path(path_)),
        boot_epoch_(state_->boot_epoch),
        writable_(writable) {}

  Result<std::size_t> read_at(std::uint64_t offset, MutableByteSpan out) override {
    const std::lock_guard<std::mutex> guard(state_->mutex);
    const std::string located = at_offset(path_, offset);
    KMB_TRY(check_alive("pread", located));
    KMB_TRY(state_->check_frozen("pread", located));
    if (state_->read_failure_paths.contains(key_) || state_->roll(state_->faults.read_error)) {
      return failure(StatusCode::io_error, "pread", located, input_output_error);
    }
    const Bytes& current = inode_->current;
    if (offset >= current.size()) return std::size_t{0};
    const std::size_t count =
        std::min<std::size_t>(out.size(), current.size() - static_cast<std::size_t>(offset));
    std::copy_n(current.begin() + static_cast<std::ptrdiff_t>(offset), count, out.begin());
    if (count > 0 && state_->roll(state_->faults.read_bit_flip)) {
      const std::uint64_t byte = state_->prng.uniform(count);
      const std::uint64_t bit = state_->prng.uniform(8);
      out[byte] ^= static_cast<std::uint8_t>(1U << bit);
    }
    return count;
  }

  Status write_at(std::uint64_t offset, ByteSpan data) override {
    const std::lock_guard<std::mutex> guard(state_->mutex);
    const std::string located = at_offset(path_, offset);
    KMB_TRY(check_writable("pwrite", located));
    KMB_TRY(state_->pass_mutation("pwrite", located));
    if (state_->write_failure_paths.contains(key_) || state_->roll(state_->faults.write_error)) {
      return failure(StatusCode::io_error, "pwrite", located, input_output_error);
    }
    KMB_TRY(check_size_limit("pwrite", located, offset, data.size()));
    const std::uint64_t old_size = inode_->current.size();
    const std::uint64_t new_size = std::max<std::uint64_t>(old_size, offset + data.size());
    KMB_TRY(state_->check_capacity("pwrite", located, old_size, new_size));
    write_into(inode_->current, offset, data);
    inode_->pending.push_back(PendingOperation{PendingOperation::Kind::write, offset,
                                               Bytes(data.begin(), data.end())});
    return Status();
  }

  Status sync() override {
    const std::lock_guard<std::mutex> guard(state_->mutex);
    KMB_TRY(check_mutable("fdatasync", path_));
    KMB_TRY(state_->pass_mutation("fdatasync", path_));
    const bool fail_now = state_->syncs_to_fail > 0;
    if (fail_now || state_->roll(state_->faults.sync_failure)) {
      if (fail_now) state_->syncs_to_fail--;
      // As on Linux: the dirty data is dropped from the write-back queue without reaching the
      // disk, yet stays readable; a later sync will not write it.
      inode_->pending.clear();
      inode_->sync_failed = true;
      poisoned_ = true;
      return failure(StatusCode::io_error, "fdatasync", path_, input_output_error);
    }
    for (const PendingOperation& operation : inode_->pending) {
      apply_operation(inode_->durable, operation);
    }
    inode_->pending.clear();
    if (!inode_->sync_failed) KMB_ASSERT(inode_->durable.size() == inode_->current.size());
    return Status();
  }

  Status truncate(std::uint64_t size) override {
    const std::lock_guard<std::mutex> guard(state_->mutex);
    const std::string located = at_offset(path_, size);
    KMB_TRY(check_writable("ftruncate", located));
    KMB_TRY(state_->pass_mutation("ftruncate", located));
    if (state_->write_failure_paths.contains(key_) || state_->roll(state_->faults.write_error)) {
      return failure(StatusCode::io_error, "ftruncate", located, input_output_error);
    }
    KMB_TRY(check_size_limit("ftruncate", located, size, 0));
    const std::uint64_t old_size = inode_->current.size();
    if (size > old_size) KMB_TRY(state_->check_capacity("ftruncate", located, old_size, size));
    inode_->current.resize(static_cast<std::size_t>(size));
    inode_->pending.push_back(PendingOperation{PendingOperation::Kind::truncate, size, Bytes()});
    return Status();
  }

  Result<std::uint64_t> size() override {
    const std::lock_guard<std::mutex> guard(state_->mutex);
    KMB_TRY(check_alive("fstat", path_));
    KMB_TRY(state_->check_frozen("fstat", path_));
    return static_cast<std::uint64_t>(inode_->current.size());
  }

  const std::string& path() const override { return path_; }

 private:
  Status check_alive(std::string_view operation, std::string_view located) const {
    if (boot_epoch_ == state_->boot_epoch) return Status();
    return failure(StatusCode::io_error, operation, located, "storage crashed");
  }

  // What a write or truncate checks before the countdown gate. A read-only descriptor may still be
  // synced, as with fdatasync(2).
  Status check_writable(std::string_view operation, std::string_view located) const {
    if (!writable_) {
      KMB_TRY(check_alive(operation, located));
      return failure(StatusCode::io_error, operation, located, bad_file_descriptor);
    }
    return check_mutable(operation, located);
  }

  Status check_mutable(std::string_view operation, std::string_view located) const {
    KMB_TRY(check_alive(operation, located));
    if (poisoned_) {
      return failure(StatusCode::io_error, operation, located,
                     "file is poisoned by an earlier failed sync");
    }
    return Status();
  }

  static Status check_size_limit(std::string_view operation, std::string_view located,
                                 std::uint64_t offset, std::uint64_t size) {
    constexpr std::uint64_t limit = MemoryStorage::file_size_max_bytes;
    if (offset <= limit && size <= limit - offset) return Status();
    return failure(StatusCode::resource_exhausted, operation, located,
                   "file would exceed MemoryStorage::file_size_max_bytes");
  }

  const std::shared_ptr<State> state_;
  const std::shared_ptr<Inode> inode_;
  const std::string path_;
  const std::string key_;
  const std::uint64_t boot_epoch_;
  const bool writable_;
  bool poisoned_ = false;  // Guarded by state_->mutex.
};

class MemoryFileLock final : public FileLock {
 public:
  MemoryFileLock(std::shared_ptr<State> state, std::string key, std::uint64_t id, std::string path)
      : state_(std::move(state)), key_(std::move(key)), id_(id), path_(std::move(path)) {}

  ~MemoryFileLock() override {
    const std::lock_guard<std::mutex> guard(state_->mutex);
    const auto found = state_->locks.find(key_);
    // After a crash() the table was cleared and someone else may hold the lock now.
    if (found != state_->locks.end() && found->second == id_) state_->locks.erase(found);
  }
  MemoryFileLock(const MemoryFileLock&) = delete;
  MemoryFileLock& operator=(const MemoryFileLock&) = delete;

  const std::string& path() const override { return path_; }

 private:
  const std::shared_ptr<State> state_;
  const std::string key_;
  const std::uint64_t id_;
  const std::string path_;
};

}  // namespace

MemoryStorage::MemoryStorage(std::uint64_t seed) : MemoryStorage(Prng(seed)) {}

MemoryStorage::MemoryStorage(Prng prng) : state_(std::make_shared<State>(prng)) {}

MemoryStorage::MemoryStorage(const MemoryStorage& other) {
  const std::lock_guard<std::mutex> guard(other.state_->mutex);
  const State& source = *other.state_;
  state_ = std::make_shared<State>(source.prng);
  state_->faults = source.faults;
  for (const auto& [path, inode] : source.files) {
    state_->files.emplace(path, std::make_shared<Inode>(*inode));
  }
  state_->directories = source.directories;
  state_->frozen = source.frozen;
  state_->countdown = source.countdown;
  state_->operation_count = source.operation_count;
  state_->syncs_to_fail = source.syncs_to_fail;
  state_->read_failure_paths = source.read_failure_paths;
  state_->write_failure_paths = source.write_failure_paths;
}

MemoryStorage::~MemoryStorage() = default;

Result<std::unique_ptr<File>> MemoryStorage::open(std::string_view path, OpenMode mode) {
  const std::lock_guard<std::mutex> guard(state_->mutex);
  State& state = *state_;
  KMB_TRY(state.check_frozen("open", path));
  const std::string key = normalize_path(path);
  if (state.is_directory(key)) {
    if (mode == OpenMode::create_exclusive) {
      return failure(StatusCode::already_exists, "open", path, file_exists);
    }
    return failure(StatusCode::io_error, "open", path, is_a_directory);
  }
  std::shared_ptr<Inode> inode;
  if (const auto found = state.files.find(key); found != state.files.end()) {
    if (mode == OpenMode::create_exclusive) {
      return failure(StatusCode::already_exists, "open", path, file_exists);
    }
    inode = found->second;
  } else {
    if (mode == OpenMode::read_only || mode == OpenMode::read_write) {
      return failure(StatusCode::not_found, "open", path, no_such_file);
    }
    KMB_TRY(state.check_parent("open", path, key));
    KMB_TRY(state.pass_mutation("open", path));
    inode = std::make_shared<Inode>();
    state.files.emplace(key, inode);
  }
  const bool writable = mode != OpenMode::read_only;
  return std::unique_ptr<File>(
      std::make_unique<MemoryFile>(state_, std::move(inode), std::string(path), writable));
}

Status MemoryStorage::create_directory(std::string_view path) {
  const std::lock_guard<std::mutex> guard(state_->mutex);
  State& state = *state_;
  KMB_TRY(state.check_frozen("mkdir", path));
  const std::string key = normalize_path(path);
  if (state.is_directory(key)) return Status();
  if (state.find_file(key) != nullptr) {
    return failure(StatusCode::already_exists, "mkdir", path, file_exists);
  }
  KMB_TRY(state.check_parent("mkdir", path, key));
  KMB_TRY(state.pass_mutation("mkdir", path));
  state.directories.insert(key);
  return Status();
}

Status MemoryStorage::create_directories(std::string_view path) {
  KMB_ASSIGN_OR_RETURN(const bool is_dir, is_directory(path));
  if (is_dir) return Status();
  const std::string parent = parent_path(path);
  // Each step removes one component, so the recursion depth is bounded by the path's length.
  if (parent.size() < path.size()) KMB_TRY(create_directories(parent));
  return create_directory(path);
}

Result<bool> MemoryStorage::exists(std::string_view path) {
  const std::lock_guard<std::mutex> guard(state_->mutex);
  KMB_TRY(state_->check_frozen("stat", path));
  const std::string key = normalize_path(path);
  return state_->is_directory(key) || state_->find_file(key) != nullptr;
}

Result<bool> MemoryStorage::is_directory(std::string_view path) {
  const std::lock_guard<std::mutex> guard(state_->mutex);
  KMB_TRY(state_->check_frozen("stat", path));
  return state_->is_directory(normalize_path(path));
}

Result<std::vector<std::string>> MemoryStorage::list_directory(std::string_view path) {
  const std::lock_guard<std::mutex> guard(state_->mutex);
  const State& state = *state_;
  KMB_TRY(state.check_frozen("opendir", path));
  const std::string key = normalize_path(path);
  if (!state.is_directory(key)) {
    if (state.find_file(key) != nullptr) {
      return failure(StatusCode::io_error, "opendir", path, not_a_directory);
    }
    return failure(StatusCode::not_found, "opendir", path, no_such_file);
  }
  std::vector<std::string> names;
  const auto add_if_child = [&](const std::string& entry) {
    if (parent_path(entry) == key) names.push_back(entry.substr(entry.rfind('/') + 1));
  };
  for (const auto& [entry, inode] : state.files) add_if_child(entry);
  for (const std::string& entry : state.directories) add_if_child(entry);
  std::sort(names.begin(), names.end());
  return names;
}

Status MemoryStorage::rename(std::string_view from, std::string_view to) {
  const std::lock_guard<std::mutex> guard(state_->mutex);
  State& state = *state_;
  const std::string label = std::string(from) + " to " + std::string(to);
  KMB_TRY(state.check_frozen("rename", label));
  const std::string from_key = normalize_path(from);
  const std::string to_key = normalize_path(to);
  if (state.find_file(from_key) != nullptr) {
    if (state.is_directory(to_key)) {
      return failure(StatusCode::io_error, "rename", label, is_a_directory);
    }
    KMB_TRY(state.check_parent("rename", label, to_key));
    if (from_key == to_key) return Status();
    KMB_TRY(state.pass_mutation("rename", label));
    std::shared_ptr<Inode> inode = state.files.at(from_key);
    state.files.erase(from_key);
    state.files[to_key] = std::move(inode);  // Replaces `to` atomically.
    return Status();
  }
  if (!state.directories.contains(from_key)) {
    if (state.is_directory(from_key)) {  // "/" or ".".
      return failure(StatusCode::io_error, "rename", label, invalid_argument_text);
    }
    return failure(StatusCode::not_found, "rename", label, no_such_file);
  }
  if (from_key == to_key) return Status();
  if (is_inside(to_key, from_key)) {
    return failure(StatusCode::io_error, "rename", label, invalid_argument_text);
  }
  if (state.find_file(to_key) != nullptr) {
    return failure(StatusCode::io_error, "rename", label, not_a_directory);
  }
  if (state.is_directory(to_key) && state.has_children(to_key)) {
    return failure(StatusCode::io_error, "rename", label, directory_not_empty);
  }
  KMB_TRY(state.check_parent("rename", label, to_key));
  KMB_TRY(state.pass_mutation("rename", label));
  state.directories.erase(to_key);
  std::set<std::string> directories;
  for (const std::string& directory : state.directories) {
    const bool moves = directory == from_key || is_inside(directory, from_key);
    directories.insert(moves ? rebase(directory, from_key, to_key) : directory);
  }
  std::map<std::string, std::shared_ptr<Inode>> files;
  for (auto& [path, inode] : state.files) {
    files.emplace(is_inside(path, from_key) ? rebase(path, from_key, to_key) : path, inode);
  }
  state.directories = std::move(directories);
  state.files = std::move(files);
  return Status();
}

Status MemoryStorage::remove(std::string_view path) {
  const std::lock_guard<std::mutex> guard(state_->mutex);
  State& state = *state_;
  KMB_TRY(state.check_frozen("unlink", path));
  const std::string key = normalize_path(path);
  if (state.find_file(key) != nullptr) {
    KMB_TRY(state.pass_mutation("unlink", path));
    state.files.erase(key);  // Open Files keep the inode alive, as on POSIX.
    return Status();
  }
  if (!state.is_directory(key)) return failure(StatusCode::not_found, "unlink", path, no_such_file);
  if (!state.directories.contains(key)) {  // "/" or ".".
    return failure(StatusCode::io_error, "rmdir", path, invalid_argument_text);
  }
  if (state.has_children(key)) {
    return failure(StatusCode::io_error, "rmdir", path, directory_not_empty);
  }
  KMB_TRY(state.pass_mutation("rmdir", path));
  state.directories.erase(key);
  return Status();
}

Status MemoryStorage::sync_directory(std::string_view path) {
  const std::lock_guard<std::mutex> guard(state_->mutex);
  KMB_TRY(state_->check_frozen("open directory", path));
  const std::string key = normalize_path(path);
  // Directory entries are durable when their operation returns, so there is nothing to do.
  if (state_->is_directory(key)) return Status();
  if (state_->find_file(key) != nullptr) {
    return failure(StatusCode::io_error, "open directory", path, not_a_directory);
  }
  return failure(StatusCode::not_found, "open directory", path, no_such_file);
}

Result<std::unique_ptr<FileLock>> MemoryStorage::lock_file(std::string_view path) {
  const std::lock_guard<std::mutex> guard(state_->mutex);
  State& state = *state_;
  KMB_TRY(state.check_frozen("open lock", path));
  const std::string key = normalize_path(path);
  if (state.is_directory(key)) {
    return failure(StatusCode::io_error, "open lock", path, is_a_directory);
  }
  if (state.find_file(key) == nullptr) {
    KMB_TRY(state.check_parent("open lock", path, key));
    state.files.emplace(key, std::make_shared<Inode>());
  }
  if (state.locks.contains(key)) {
    return failed_precondition("lock " + std::string(path) + ": already locked by another process");
  }
  const std::uint64_t id = state.next_lock_id++;
  state.locks.emplace(key, id);
  return std::unique_ptr<FileLock>(
      std::make_unique<MemoryFileLock>(state_, key, id, std::string(path)));
}

void MemoryStorage::set_faults(const Faults& faults) {
  check_probability(faults.read_bit_flip);
  check_probability(faults.read_error);
  check_probability(faults.write_error);
  check_probability(faults.sync_failure);
  const std::lock_guard<std::mutex> guard(state_->mutex);
  state_->faults = faults;
}

MemoryStorage::Faults MemoryStorage::faults() const {
  const std::lock_guard<std::mutex> guard(state_->mutex);
  return state_->faults;
}

void MemoryStorage::crash() {
  const std::lock_guard<std::mutex> guard(state_->mutex);
  state_->crash();
}

void MemoryStorage::crash_after_operations(std::uint64_t count) {
  KMB_ASSERT(count > 0);
  const std::lock_guard<std::mutex> guard(state_->mutex);
  state_->countdown = count;
}

bool MemoryStorage::frozen() const {
  const std::lock_guard<std::mutex> guard(state_->mutex);
  return state_->frozen;
}

std::uint64_t MemoryStorage::operation_count() const {
  const std::lock_guard<std::mutex> guard(state_->mutex);
  return state_->operation_count;
}

void MemoryStorage::fail_next_syncs(std::uint64_t count) {
  const std::lock_guard<std::mutex> guard(state_->mutex);
  state_->syncs_to_fail += count;
}

void MemoryStorage::fail_reads_for(std::string_view path) {
  const std::lock_guard<std::mutex> guard(state_->mutex);
  state_->read_failure_paths.insert(normalize_path(path));
}

void MemoryStorage::fail_writes_for(std::string_view path) {
  const std::lock_guard<std::mutex> guard(state_->mutex);
  state_->write_failure_paths.insert(normalize_path(path));
}

void MemoryStorage::clear_path_faults() {
  const std::lock_guard<std::mutex> guard(state_->mutex);
  state_->read_failure_paths.clear();
  state_->write_failure_paths.clear();
}

Status MemoryStorage::corrupt_byte(std::string_view path, std::uint64_t offset) {
  const std::lock_guard<std::mutex> guard(state_->mutex);
  // A non-zero mask, so the byte always changes.
  const auto mask = static_cast<std::uint8_t>(1 + state_->prng.uniform(255));
  return state_->modify_stored_byte("corrupt_byte", path, offset, mask);
}

Status MemoryStorage::flip_bit(std::string_view path, std::uint64_t offset, unsigned bit) {
  KMB_ASSERT(bit < 8);
  const std::lock_guard<std::mutex> guard(state_->mutex);
  return state_->modify_stored_byte("flip_bit", path, offset, static_cast<std::uint8_t>(1U << bit));
}

Result<Bytes> MemoryStorage::read_durable(std::string_view path) const {
  const std::lock_guard<std::mutex> guard(state_->mutex);
  const Inode* inode = state_->find_file(normalize_path(path));
  if (inode == nullptr) return failure(StatusCode::not_found, "read_durable", path, no_such_file);
  return inode->durable;
}

Result<Bytes> MemoryStorage::read_current(std::string_view path) const {
  const std::lock_guard<std::mutex> guard(state_->mutex);
  const Inode* inode = state_->find_file(normalize_path(path));
  if (inode == nullptr) return failure(StatusCode::not_found, "read_current", path, no_such_file);
  return inode->current;
}

void MemoryStorage::set_contents(std::string_view path, ByteSpan content) {
  const std::lock_guard<std::mutex> guard(state_->mutex);
  State& state = *state_;
  const std::string key = normalize_path(path);
  KMB_ASSERT(!state.is_directory(key));
  KMB_ASSERT(content.size() <= file_size_max_bytes);
  for (std::string parent = parent_path(key); !state.is_directory(parent);
       parent = parent_path(parent)) {
    KMB_ASSERT(state.find_file(parent) == nullptr);
    state.directories.insert(parent);
  }
  std::shared_ptr<Inode>& inode = state.files[key];
  if (inode == nullptr) inode = std::make_shared<Inode>();
  inode->current.assign(content.begin(), content.end());
  inode->durable = inode->current;
  inode->pending.clear();
  inode->sync_failed = false;
}

std::uint64_t MemoryStorage::file_count() const {
  const std::lock_guard<std::mutex> guard(state_->mutex);
  return state_->files.size();
}

std::vector<std::string> MemoryStorage::file_paths() const {
  const std::lock_guard<std::mutex> guard(state_->mutex);
  std::vector<std::string> paths;
  paths.reserve(state_->files.size());
  for (const auto& [path, inode] : state_->files) paths.push_back(path);
  return paths;  // std::map keeps them sorted.
}

std::uint64_t MemoryStorage::used_bytes() const {
  const std::lock_guard<std::mutex> guard(state_->mutex);
  return state_->used_bytes();
}

}  // namespace kmb::io
