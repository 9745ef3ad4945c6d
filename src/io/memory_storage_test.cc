// Fault injection of MemoryStorage. The functional contract is in storage_test.cc.
#include "io/memory_storage.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

namespace kmb::io {
namespace {

Bytes bytes_of(std::string_view text) { return Bytes(text.begin(), text.end()); }

std::unique_ptr<File> must_open(Storage& storage, std::string_view path, OpenMode mode) {
  Result<std::unique_ptr<File>> file = storage.open(path, mode);
  KMB_ASSERT(file.ok());
  return std::move(file).value();
}

std::string durable_text(const MemoryStorage& storage, std::string_view path) {
  Result<Bytes> content = storage.read_durable(path);
  KMB_ASSERT(content.ok());
  return std::string(as_string_view(*content));
}

std::string current_text(const MemoryStorage& storage, std::string_view path) {
  Result<Bytes> content = storage.read_current(path);
  KMB_ASSERT(content.ok());
  return std::string(as_string_view(*content));
}

TEST(MemoryStorage, CrashLosesUnsyncedAndKeepsSynced) {
  MemoryStorage storage(1);
  auto file = must_open(storage, "/log", OpenMode::create_exclusive);
  ASSERT_TRUE(file->write_at(0, as_bytes("synced|")).ok());
  ASSERT_TRUE(file->sync().ok());
  ASSERT_TRUE(file->write_at(7, as_bytes("unsynced")).ok());
  ASSERT_TRUE(file->truncate(3).ok());
  EXPECT_EQ(current_text(storage, "/log"), "syn");
  EXPECT_EQ(durable_text(storage, "/log"), "synced|");

  storage.crash();
  EXPECT_EQ(current_text(storage, "/log"), "synced|");
  auto reopened = must_open(storage, "/log", OpenMode::read_only);
  EXPECT_EQ(*reopened->size(), 7U);
}

TEST(MemoryStorage, CreatedFileSurvivesCrashEmpty) {
  MemoryStorage storage(1);
  auto file = must_open(storage, "/new", OpenMode::create_exclusive);
  ASSERT_TRUE(file->write_at(0, as_bytes("never synced")).ok());
  storage.crash();
  EXPECT_TRUE(*storage.exists("/new"));
  EXPECT_EQ(durable_text(storage, "/new"), "");
}

TEST(MemoryStorage, CrashKillsOpenFilesAndReboots) {
  MemoryStorage storage(1);
  storage.set_contents("/dir/file", as_bytes("content"));
  auto file = must_open(storage, "/dir/file", OpenMode::read_write);
  storage.crash();
  Bytes out(4);
  const Result<std::size_t> read = file->read_at(0, out);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), StatusCode::io_error);
  EXPECT_EQ(read.status().message(), "pread /dir/file at 0: storage crashed");
  EXPECT_EQ(file->write_at(0, as_bytes("x")).code(), StatusCode::io_error);
  EXPECT_EQ(file->sync().code(), StatusCode::io_error);
  EXPECT_EQ(file->truncate(0).code(), StatusCode::io_error);
  EXPECT_FALSE(file->size().ok());

  auto reopened = must_open(storage, "/dir/file", OpenMode::read_write);
  EXPECT_EQ(*reopened->read_at(0, out), 4U);
  EXPECT_EQ(as_string_view(out), "cont");
}

TEST(MemoryStorage, TornWritesLeaveAnInOrderPrefix) {
  // Synced "base", then three unsynced operations. After a crash the file must be one of the
  // states reached by applying a prefix of them, the last write possibly cut short.
  const std::string base = "base";
  std::set<std::string> outcomes;
  for (std::uint64_t seed = 0; seed < 300; seed++) {
    MemoryStorage storage(seed);
    MemoryStorage::Faults faults;
    faults.torn_writes = true;
    storage.set_faults(faults);
    auto file = must_open(storage, "/f", OpenMode::create_exclusive);
    ASSERT_TRUE(file->write_at(0, as_bytes(base)).ok());
    ASSERT_TRUE(file->sync().ok());
    ASSERT_TRUE(file->write_at(4, as_bytes("ABCDEFGH")).ok());
    ASSERT_TRUE(file->write_at(12, as_bytes("ijkl")).ok());
    ASSERT_TRUE(file->truncate(6).ok());
    storage.crash();
    const std::string after = durable_text(storage, "/f");
    outcomes.insert(after);
    const std::string first_applied = "baseABCDEFGH";
    const std::string second_applied = "baseABCDEFGHijkl";
    const bool prefix_of_first =
        after.size() >= base.size() && first_applied.compare(0, after.size(), after) == 0;
    const bool torn_second = after.size() > first_applied.size() &&
                             second_applied.compare(0, after.size(), after) == 0;
    const bool all_applied = after == "baseAB";
    EXPECT_TRUE(prefix_of_first || torn_second || all_applied) << "seed " << seed << ": " << after;
  }
  EXPECT_TRUE(outcomes.contains("base"));
  EXPECT_TRUE(outcomes.contains("baseABCDEFGH"));
  EXPECT_TRUE(outcomes.contains("baseABCDEFGHijkl"));
  EXPECT_TRUE(outcomes.contains("baseAB"));
  // Some write was torn strictly inside.
  EXPECT_TRUE(outcomes.contains("baseABC") || outcomes.contains("baseABCDEFG") ||
              outcomes.contains("baseABCDEFGHij"));
}

TEST(MemoryStorage, WithoutTornWritesCrashKeepsExactlyTheSyncedState) {
  for (std::uint64_t seed = 0; seed < 20; seed++) {
    MemoryStorage storage(seed);
    auto file = must_open(storage, "/f", OpenMode::create_exclusive);
    ASSERT_TRUE(file->write_at(0, as_bytes("base")).ok());
    ASSERT_TRUE(file->sync().ok());
    ASSERT_TRUE(file->write_at(4, as_bytes("more")).ok());
    storage.crash();
    EXPECT_EQ(durable_text(storage, "/f"), "base");
  }
}

TEST(MemoryStorage, CrashAfterOperationsFreezesAtTheCountedOperation) {
  MemoryStorage storage(1);
  storage.crash_after_operations(3);
  auto file = must_open(storage, "/f", OpenMode::create_exclusive);  // Operation 1.
  ASSERT_TRUE(file->write_at(0, as_bytes("one")).ok());              // Operation 2.
  const Status third = file->sync();                                 // Operation 3: frozen.
  EXPECT_EQ(third.code(), StatusCode::io_error);
  EXPECT_EQ(third.message(), "fdatasync /f: simulated crash");
  EXPECT_TRUE(storage.frozen());
  EXPECT_EQ(storage.operation_count(), 2U);
  // Everything fails while frozen, reads included.
  Bytes out(3);
  EXPECT_FALSE(file->read_at(0, out).ok());
  EXPECT_FALSE(file->write_at(0, as_bytes("x")).ok());
  EXPECT_FALSE(storage.open("/f", OpenMode::read_only).ok());
  EXPECT_FALSE(storage.exists("/f").ok());
  EXPECT_EQ(storage.create_directory("/d").code(), StatusCode::io_error);
  EXPECT_EQ(storage.operation_count(), 2U);

  storage.crash();
  EXPECT_FALSE(storage.frozen());
  EXPECT_EQ(durable_text(storage, "/f"), "");  // The sync never happened.
  EXPECT_TRUE(storage.open("/f", OpenMode::read_write).ok());
}

// A small "write a record, sync, publish a manifest" workload. After a crash at any point, what
// is durable must be a state the workload passed through.
Status run_workload(Storage& storage) {
  KMB_TRY(storage.create_directory("/db"));
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<File> log,
                       storage.open("/db/log", OpenMode::create_or_open));
  KMB_TRY(log->write_at(0, as_bytes("record-1;")));
  KMB_TRY(log->sync());
  KMB_TRY(log->write_at(9, as_bytes("record-2;")));
  KMB_TRY(log->sync());
  return write_file_atomically(storage, "/db/MANIFEST", as_bytes("length=18"));
}

TEST(MemoryStorage, CrashAtEveryOperation) {
  MemoryStorage counter(7);
  ASSERT_TRUE(run_workload(counter).ok());
  const std::uint64_t operations = counter.operation_count();
  // mkdir, open, 2 x (write, sync), then open, truncate, write, sync, rename of the manifest.
  EXPECT_EQ(operations, 11U);

  for (std::uint64_t crash_at = 1; crash_at <= operations + 1; crash_at++) {
    MemoryStorage storage(7);
    MemoryStorage::Faults faults;
    faults.torn_writes = true;
    storage.set_faults(faults);
    storage.crash_after_operations(crash_at);
    const Status status = run_workload(storage);
    EXPECT_EQ(status.ok(), crash_at == operations + 1) << crash_at;
    storage.crash();
    if (crash_at == 1) {
      EXPECT_FALSE(*storage.exists("/db"));
      continue;
    }
    const Result<Bytes> log = storage.read_durable("/db/log");
    if (crash_at == 2) {
      EXPECT_FALSE(log.ok());
      continue;
    }
    const std::string text(as_string_view(*log));
    // Synced records must be there in full; anything after them is a prefix of the next.
    if (crash_at > 4) {
      EXPECT_EQ(text.substr(0, 9), "record-1;") << crash_at;
    }
    if (crash_at > 6) {
      EXPECT_EQ(text, "record-1;record-2;") << crash_at;
    }
    EXPECT_EQ(std::string("record-1;record-2;").compare(0, text.size(), text), 0) << crash_at;
    const Result<Bytes> manifest = storage.read_durable("/db/MANIFEST");
    EXPECT_EQ(manifest.ok(), crash_at == operations + 1) << crash_at;
    if (manifest.ok()) {
      EXPECT_EQ(as_string_view(*manifest), "length=18");
    }
  }
}

TEST(MemoryStorage, BitFlipOnReadLeavesStoredDataIntact) {
  MemoryStorage storage(3);
  const Bytes content = bytes_of("the quick brown fox");
  storage.set_contents("/f", content);
  MemoryStorage::Faults faults;
  faults.read_bit_flip = {1, 1};
  storage.set_faults(faults);
  auto file = must_open(storage, "/f", OpenMode::read_only);
  for (int round = 0; round < 20; round++) {
    Bytes out(content.size());
    ASSERT_EQ(*file->read_at(0, out), content.size());
    int flipped_bits = 0;
    for (std::size_t i = 0; i < out.size(); i++) {
      flipped_bits += __builtin_popcount(static_cast<unsigned>(out[i] ^ content[i]));
    }
    EXPECT_EQ(flipped_bits, 1);
  }
  EXPECT_EQ(*storage.read_current("/f"), content);
  EXPECT_EQ(*storage.read_durable("/f"), content);
}

TEST(MemoryStorage, CorruptByteAndFlipBitChangeStoredBytes) {
  MemoryStorage storage(4);
  storage.set_contents("/f", as_bytes("abcdef"));
  ASSERT_TRUE(storage.flip_bit("/f", 0, 1).ok());
  EXPECT_EQ(durable_text(storage, "/f"), "cbcdef");  // 'a' ^ 2 == 'c'.
  EXPECT_EQ(current_text(storage, "/f"), "cbcdef");
  ASSERT_TRUE(storage.corrupt_byte("/f", 5).ok());
  EXPECT_NE(durable_text(storage, "/f")[5], 'f');
  EXPECT_EQ(durable_text(storage, "/f"), current_text(storage, "/f"));
  EXPECT_EQ(storage.corrupt_byte("/missing", 0).code(), StatusCode::not_found);
  EXPECT_EQ(storage.flip_bit("/f", 6, 0).code(), StatusCode::invalid_argument);
}

TEST(MemoryStorage, FailedSyncDoesNotMakeDataDurableAndPoisonsTheFile) {
  MemoryStorage storage(5);
  auto file = must_open(storage, "/f", OpenMode::create_exclusive);
  ASSERT_TRUE(file->write_at(0, as_bytes("lost")).ok());
  storage.fail_next_syncs(1);
  const Status failed = file->sync();
  EXPECT_EQ(failed.code(), StatusCode::io_error);
  EXPECT_EQ(failed.message(), "fdatasync /f: Input/output error");
  EXPECT_EQ(current_text(storage, "/f"), "lost");  // Still visible ...
  EXPECT_EQ(durable_text(storage, "/f"), "");      // ... but not durable.
  EXPECT_EQ(file->write_at(4, as_bytes("x")).code(), StatusCode::io_error);
  EXPECT_EQ(file->sync().code(), StatusCode::io_error);

  // fsyncgate: another descriptor's successful sync does not rescue the dropped data.
  auto other = must_open(storage, "/f", OpenMode::read_write);
  ASSERT_TRUE(other->sync().ok());
  EXPECT_EQ(durable_text(storage, "/f"), "");
  storage.crash();
  EXPECT_EQ(durable_text(storage, "/f"), "");
}

TEST(MemoryStorage, SyncFailureProbability) {
  MemoryStorage storage(6);
  MemoryStorage::Faults faults;
  faults.sync_failure = {1, 2};
  storage.set_faults(faults);
  int failures = 0;
  for (int i = 0; i < 200; i++) {
    auto file = must_open(storage, "/f" + std::to_string(i), OpenMode::create_exclusive);
    if (!file->sync().ok()) failures++;
  }
  EXPECT_GT(failures, 60);
  EXPECT_LT(failures, 140);
}

TEST(MemoryStorage, NoSpaceWritesNothing) {
  MemoryStorage storage(7);
  MemoryStorage::Faults faults;
  faults.capacity_bytes = 100;
  storage.set_faults(faults);
  auto file = must_open(storage, "/f", OpenMode::create_exclusive);
  ASSERT_TRUE(file->write_at(0, Bytes(60, 'a')).ok());
  const Status full = file->write_at(60, Bytes(50, 'b'));
  EXPECT_EQ(full.code(), StatusCode::no_space);
  EXPECT_EQ(full.message(), "pwrite /f at 60: No space left on device");
  EXPECT_EQ(*file->size(), 60U);
  EXPECT_EQ(storage.used_bytes(), 60U);
  EXPECT_TRUE(file->write_at(0, Bytes(60, 'c')).ok());  // Overwriting needs no space.
  EXPECT_TRUE(file->write_at(60, Bytes(40, 'd')).ok());  // Exactly full.
  auto other = must_open(storage, "/g", OpenMode::create_exclusive);
  EXPECT_EQ(other->write_at(0, as_bytes("x")).code(), StatusCode::no_space);
  EXPECT_EQ(other->truncate(1).code(), StatusCode::no_space);
  ASSERT_TRUE(file->truncate(90).ok());  // Shrinking frees space.
  EXPECT_TRUE(other->write_at(0, Bytes(10, 'e')).ok());
}

TEST(MemoryStorage, ReadAndWriteErrorsForPath) {
  MemoryStorage storage(8);
  storage.set_contents("/bad", as_bytes("data"));
  storage.set_contents("/good", as_bytes("data"));
  storage.fail_reads_for("/bad");
  storage.fail_writes_for("//bad");  // Paths are normalized.
  auto bad = must_open(storage, "/bad", OpenMode::read_write);
  auto good = must_open(storage, "/good", OpenMode::read_write);
  Bytes out(4);
  const Result<std::size_t> read = bad->read_at(0, out);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().message(), "pread /bad at 0: Input/output error");
  EXPECT_EQ(bad->write_at(0, as_bytes("x")).code(), StatusCode::io_error);
  EXPECT_EQ(current_text(storage, "/bad"), "data");
  EXPECT_TRUE(good->read_at(0, out).ok());
  EXPECT_TRUE(good->write_at(0, as_bytes("x")).ok());
  storage.clear_path_faults();
  EXPECT_TRUE(bad->read_at(0, out).ok());
}

TEST(MemoryStorage, RandomReadAndWriteErrors) {
  MemoryStorage storage(9);
  storage.set_contents("/f", as_bytes("data"));
  MemoryStorage::Faults faults;
  faults.read_error = {1, 1};
  faults.write_error = {1, 1};
  storage.set_faults(faults);
  auto file = must_open(storage, "/f", OpenMode::read_write);
  Bytes out(4);
  EXPECT_EQ(file->read_at(0, out).status().code(), StatusCode::io_error);
  EXPECT_EQ(file->write_at(0, as_bytes("x")).code(), StatusCode::io_error);
  EXPECT_EQ(storage.faults().read_error.numerator, 1U);
}

// Random operations with every fault on, then a crash: the full state must depend on the seed only.
std::vector<std::pair<std::string, Bytes>> chaos(std::uint64_t seed) {
  MemoryStorage storage(seed);
  MemoryStorage::Faults faults;
  faults.torn_writes = true;
  faults.read_bit_flip = {1, 10};
  faults.sync_failure = {1, 10};
  faults.write_error = {1, 20};
  storage.set_faults(faults);
  Prng workload(seed);
  std::vector<std::unique_ptr<File>> files;
  for (int i = 0; i < 4; i++) {
    files.push_back(must_open(storage, "/f" + std::to_string(i), OpenMode::create_exclusive));
  }
  for (int step = 0; step < 300; step++) {
    File& file = *files[workload.uniform(files.size())];
    Bytes data(workload.range(1, 64));
    workload.fill(data.data(), data.size());
    switch (workload.uniform(4)) {
      case 0: static_cast<void>(file.sync()); break;
      case 1: static_cast<void>(file.truncate(workload.uniform(256))); break;
      default: static_cast<void>(file.write_at(workload.uniform(256), data)); break;
    }
  }
  storage.crash();
  std::vector<std::pair<std::string, Bytes>> state;
  for (const std::string& path : storage.file_paths()) {
    state.emplace_back(path, *storage.read_durable(path));
  }
  return state;
}

TEST(MemoryStorage, SameSeedSameStateAfterCrash) {
  EXPECT_EQ(chaos(11), chaos(11));
  EXPECT_NE(chaos(11), chaos(12));
}

TEST(MemoryStorage, CopyIsASnapshotWithTheSameFuture) {
  MemoryStorage original(13);
  MemoryStorage::Faults faults;
  faults.torn_writes = true;
  original.set_faults(faults);
  auto file = must_open(original, "/f", OpenMode::create_exclusive);
  ASSERT_TRUE(file->write_at(0, Bytes(100, 'x')).ok());
  MemoryStorage copy(original);
  ASSERT_TRUE(file->write_at(0, Bytes(10, 'y')).ok());  // Only the original sees this.
  EXPECT_EQ(current_text(copy, "/f"), std::string(100, 'x'));
  MemoryStorage second_copy(copy);
  copy.crash();
  second_copy.crash();
  EXPECT_EQ(*copy.read_durable("/f"), *second_copy.read_durable("/f"));
  EXPECT_TRUE(copy.faults().torn_writes);
}

TEST(MemoryStorage, CrashReleasesLocks) {
  MemoryStorage storage(14);
  auto held = storage.lock_file("/LOCK");
  ASSERT_TRUE(held.ok());
  storage.crash();
  auto after_reboot = storage.lock_file("/LOCK");
  ASSERT_TRUE(after_reboot.ok());
  held->reset();  // The stale lock must not release the new holder's lock.
  EXPECT_EQ(storage.lock_file("/LOCK").status().code(), StatusCode::failed_precondition);
}

TEST(MemoryStorage, SetContentsCreatesParentsAndCounts) {
  MemoryStorage storage(15);
  storage.set_contents("/a/b/c", as_bytes("123"));
  storage.set_contents("rel/x", as_bytes("45"));
  EXPECT_TRUE(*storage.is_directory("/a/b"));
  EXPECT_TRUE(*storage.is_directory("rel"));
  EXPECT_EQ(storage.file_count(), 2U);
  EXPECT_EQ(storage.file_paths(), (std::vector<std::string>{"/a/b/c", "rel/x"}));
  EXPECT_EQ(storage.used_bytes(), 5U);
  EXPECT_EQ(*storage.list_directory("."), std::vector<std::string>{"rel"});
  EXPECT_EQ(*storage.list_directory("/"), std::vector<std::string>{"a"});
  EXPECT_EQ(storage.read_durable("/nope").status().code(), StatusCode::not_found);
}

TEST(MemoryStorage, FilesMayOutliveTheStorage) {
  auto storage = std::make_unique<MemoryStorage>(16);
  auto file = must_open(*storage, "/f", OpenMode::create_exclusive);
  storage.reset();
  EXPECT_TRUE(file->write_at(0, as_bytes("ok")).ok());
  EXPECT_EQ(*file->size(), 2U);
}

TEST(MemoryStorage, ConcurrentWritersToSeparateFiles) {
  MemoryStorage storage(17);
  constexpr int threads = 4;
  constexpr int writes = 200;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; t++) {
    workers.emplace_back([&storage, t] {
      auto file = must_open(storage, "/t" + std::to_string(t), OpenMode::create_exclusive);
      for (int i = 0; i < writes; i++) {
        KMB_ASSERT(file->write_at(static_cast<std::uint64_t>(i), as_bytes("x")).ok());
        if (i % 50 == 0) KMB_ASSERT(file->sync().ok());
      }
      KMB_ASSERT(file->sync().ok());
    });
  }
  for (std::thread& worker : workers) worker.join();
  for (int t = 0; t < threads; t++) {
    EXPECT_EQ(storage.read_durable("/t" + std::to_string(t))->size(),
              static_cast<std::size_t>(writes));
  }
  EXPECT_EQ(storage.operation_count(),
            static_cast<std::uint64_t>(threads * (1 + writes + writes / 50 + 1)));
}

}  // namespace
}  // namespace kmb::io
