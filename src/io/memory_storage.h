// MemoryStorage: deterministic in-memory Storage with fault injection, for tests and the simulator.
//
// Model. Each file (an "inode", which keeps living while a File refers to it even after it is
// renamed or removed, as on POSIX) holds
//   * `current`: what reads return now;
//   * `durable`: what survives a crash;
//   * `pending`: the writes and truncates since the last successful sync, in order.
// A successful sync() applies `pending` to `durable`. Directory operations (create, rename, remove,
// create_directory) are durable as soon as they return ok, which is the contract of storage.h, so
// the namespace itself has no unsynced state. Paths are normalized ("a//b/./c/" is "a/b/c"); "/"
// and "." always exist, and files need an existing parent directory, as on POSIX.
//
// Faults (all off by default; every random choice comes from the one Prng given at construction):
//   * crash(): power loss and reboot. Unsynced operations are lost; with Faults::torn_writes a
//     random in-order prefix of them survives and the last surviving write may be torn (only a
//     random prefix of its bytes persists). Open Files die ("storage crashed"), locks are released,
//     a frozen storage thaws, and new open() calls work again.
//   * crash_after_operations(n): mutating operations 1 .. n-1 succeed; operation n and every call
//     after it (reads included) fail with io_error "simulated crash" until crash() is called.
//     Mutating operations are write_at, sync, truncate, open that creates, create_directory that
//     creates, rename and remove. operation_count() counts those that passed the countdown, so
//     running a workload once with no faults and then for n = 1 .. operation_count() + 1 crashes
//     it at every mutation point.
//   * Faults::read_bit_flip: a read returns one random bit flipped (the stored bytes are intact).
//     corrupt_byte() and flip_bit() change the stored bytes themselves (tamper tests).
//   * fail_next_syncs(n) / Faults::sync_failure: sync() returns io_error and, as Linux does, the
//     unsynced operations are dropped without becoming durable; reads still see them. The File is
//     poisoned: later write_at/truncate/sync on it return io_error (PosixStorage does the same).
//   * Faults::capacity_bytes: a write or truncate that would make the sum of all files' current
//     sizes exceed it changes nothing and returns no_space "No space left on device".
//   * Faults::read_error / write_error and fail_reads_for(path) / fail_writes_for(path): io_error.
//     A failed write changes nothing.
//
// Thread-safety: every method, and every File and FileLock, takes one mutex, so all may be used
// from several threads. Replays are deterministic only when the calls happen in the same order.
// Files and locks keep the shared state alive, so they may outlive the MemoryStorage.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "io/prng.h"
#include "io/storage.h"

namespace kmb::io {

class MemoryStorage final : public Storage {
 public:
  // numerator / denominator; a zero numerator never fires and draws nothing from the Prng.
  struct Probability {
    std::uint64_t numerator = 0;
    std::uint64_t denominator = 1;
  };

  static constexpr std::uint64_t capacity_unlimited = ~std::uint64_t{0};

  struct Faults {
    bool torn_writes = false;
    Probability read_bit_flip;
    Probability read_error;
    Probability write_error;
    Probability sync_failure;
    std::uint64_t capacity_bytes = capacity_unlimited;
  };

  // Largest single file; a write past it returns resource_exhausted (it would be a runaway test).
  static constexpr std::uint64_t file_size_max_bytes = 1ULL << 32;

  explicit MemoryStorage(std::uint64_t seed);
  explicit MemoryStorage(Prng prng);
  // A snapshot: copies files (current, durable and pending), directories, faults, the Prng and the
  // countdown, so the copy behaves exactly as the original would from here. Open Files and locks
  // stay with the original.
  MemoryStorage(const MemoryStorage& other);
  MemoryStorage& operator=(const MemoryStorage&) = delete;
  ~MemoryStorage() override;

  // ---- Storage -------------------------------------------------------------------------------
  Result<std::unique_ptr<File>> open(std::string_view path, OpenMode mode) override;
  Status create_directory(std::string_view path) override;
  Status create_directories(std::string_view path) override;
  Result<bool> exists(std::string_view path) override;
  Result<bool> is_directory(std::string_view path) override;
  Result<std::vector<std::string>> list_directory(std::string_view path) override;
  Status rename(std::string_view from, std::string_view to) override;
  Status remove(std::string_view path) override;
  Status sync_directory(std::string_view path) override;
  // In-process lock table. Creates the file if missing (not a counted operation).
  Result<std::unique_ptr<FileLock>> lock_file(std::string_view path) override;

  // ---- Fault injection -----------------------------------------------------------------------
  // REQUIRES: every Probability has denominator > 0 and numerator <= denominator.
  void set_faults(const Faults& faults);
  Faults faults() const;

  // Power loss followed by a reboot; see the header comment.
  void crash();
  // REQUIRES: count > 0. Replaces any countdown already armed; crash() disarms it.
  void crash_after_operations(std::uint64_t count);
  bool frozen() const;
  std::uint64_t operation_count() const;

  // The next `count` File::sync() calls fail (added to any still pending).
  void fail_next_syncs(std::uint64_t count);
  // Reads (or writes) through Files opened with this path fail with io_error.
  void fail_reads_for(std::string_view path);
  void fail_writes_for(std::string_view path);
  void clear_path_faults();

  // Replaces the byte at `offset` with a different random byte, in both the durable and the current
  // contents (wherever the offset is inside them). not_found for a missing file, invalid_argument
  // if the offset is past both ends.
  Status corrupt_byte(std::string_view path, std::uint64_t offset);
  // Flips bit `bit` (0 = least significant) of the byte at `offset`; same rules.
  // REQUIRES: bit < 8.
  Status flip_bit(std::string_view path, std::uint64_t offset, unsigned bit);

  // ---- Inspection (never fail because of faults; do not count as operations) -----------------
  Result<Bytes> read_durable(std::string_view path) const;
  Result<Bytes> read_current(std::string_view path) const;
  // Sets a file's durable and current contents, creating it and its parent directories if needed.
  void set_contents(std::string_view path, ByteSpan content);
  std::uint64_t file_count() const;
  // Normalized paths of all files, sorted.
  std::vector<std::string> file_paths() const;
  // Sum of the current sizes of all files (what Faults::capacity_bytes limits).
  std::uint64_t used_bytes() const;

  struct State;  // Defined in memory_storage.cc; shared with Files and FileLocks.

 private:
  std::shared_ptr<State> state_;
};

}  // namespace kmb::io
