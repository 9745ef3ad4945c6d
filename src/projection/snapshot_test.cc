#include "projection/snapshot.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "crypto/crc32c.h"
#include "io/memory_storage.h"
#include "projection/random_workload.h"
#include "projection/test_support.h"
#include "projection/view_compare.h"

namespace kmb::projection {
namespace {

using namespace kmb::projection::testing;

constexpr std::string_view path = "tenant/snapshot";

ChainHash hash_of(std::uint8_t seed) {
  ChainHash hash{};
  for (std::size_t i = 0; i < hash.size(); i++) hash[i] = static_cast<std::uint8_t>(seed + i);
  return hash;
}

struct Step {
  WorkloadStep step;
  Position position = 0;
};

// Applies `count` random records (skipping rejected ones) to `store`; returns those applied.
std::vector<Step> run(std::uint64_t seed, int count, Store& store) {
  RandomWorkload workload(seed);
  std::vector<Step> steps;
  Position next = 0;
  for (int i = 0; i < count; i++) {
    WorkloadStep step = workload.next(store);
    if (step.is_command) {
      if (!store.apply(step.record, next, step.timestamp_ns, step.client_id, step.reason).ok()) continue;
    } else {
      store.note_record(next, step.timestamp_ns);
    }
    steps.push_back(Step{std::move(step), next++});
  }
  return steps;
}

void replay(Store& store, const Step& step) {
  if (step.step.is_command) {
    ASSERT_TRUE(
        store.apply(step.step.record, step.position, step.step.timestamp_ns, step.step.client_id, step.step.reason)
            .ok());
  } else {
    store.note_record(step.position, step.step.timestamp_ns);
  }
}

Bytes encoded(const Store& store) {
  Bytes out;
  store.encode(out);
  return out;
}

class SnapshotTest : public ::testing::Test {
 protected:
  SnapshotTest() : storage_(7) { EXPECT_TRUE(storage_.create_directories("tenant").ok()); }

  Bytes small_snapshot() {
    Store store;
    run(3, 40, store);
    EXPECT_TRUE(save_snapshot(storage_, path, store, *store.last_position(), hash_of(1)).ok());
    return storage_.read_current(path).value();
  }

  io::MemoryStorage storage_;
};

TEST_F(SnapshotTest, RoundTripAnswersEveryQueryAlike) {
  for (std::uint64_t seed = 100; seed < 103; seed++) {
    Store store;
    run(seed, 200, store);
    const Position last = *store.last_position();
    ASSERT_TRUE(save_snapshot(storage_, path, store, last, hash_of(9)).ok());
    Result<LoadedSnapshot> loaded = load_snapshot(storage_, path);
    ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
    EXPECT_EQ(loaded->applied, last);
    EXPECT_EQ(loaded->chain_hash, hash_of(9));
    EXPECT_EQ(encoded(loaded->store), encoded(store));
    io::Prng prng(seed);
    for (Position p = 0; p <= last; p++) {
      // The loaded store's indexes were rebuilt from the row history, not copied.
      const std::string diff = compare_views(*store.view(p), *loaded->store.view(p), p, prng);
      ASSERT_EQ(diff, "") << "seed " << seed << " position " << p;
    }
  }
}

TEST_F(SnapshotTest, SnapshotThenReplayEqualsFullReplay) {
  for (std::uint64_t seed = 200; seed < 203; seed++) {
    Store full;
    const std::vector<Step> steps = run(seed, 200, full);
    ASSERT_GT(steps.size(), 20u);
    const std::size_t cut = steps.size() / 2;
    Store partial;
    for (std::size_t i = 0; i < cut; i++) replay(partial, steps[i]);
    ASSERT_TRUE(save_snapshot(storage_, path, partial, steps[cut - 1].position, hash_of(2)).ok());
    Result<LoadedSnapshot> loaded = load_snapshot(storage_, path);
    ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
    Store resumed = std::move(loaded->store);
    for (std::size_t i = cut; i < steps.size(); i++) replay(resumed, steps[i]);
    EXPECT_EQ(encoded(resumed), encoded(full)) << seed;
    io::Prng prng(seed);
    const Position last = *full.last_position();
    for (Position p = 0; p <= last; p += 7) {
      ASSERT_EQ(compare_views(*full.view(p), *resumed.view(p), p, prng), "") << seed << " " << p;
    }
  }
}

TEST_F(SnapshotTest, EmptyAndMissing) {
  EXPECT_EQ(load_snapshot(storage_, path).status().code(), StatusCode::not_found);
  Store store;
  store.note_record(0, 1);
  ASSERT_TRUE(save_snapshot(storage_, path, store, 0, hash_of(0)).ok());
  Result<LoadedSnapshot> loaded = load_snapshot(storage_, path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
  EXPECT_EQ(loaded->store.last_position(), 0u);
  EXPECT_EQ(save_snapshot(storage_, path, store, 5, hash_of(0)).code(), StatusCode::invalid_argument);
  Store empty;
  EXPECT_EQ(save_snapshot(storage_, path, empty, 0, hash_of(0)).code(), StatusCode::invalid_argument);
}

TEST_F(SnapshotTest, EveryTruncationIsCorruption) {
  const Bytes content = small_snapshot();
  for (std::size_t size = 0; size < content.size(); size += (size < 200 ? 1 : 97)) {
    storage_.set_contents(path, ByteSpan(content).first(size));
    Result<LoadedSnapshot> loaded = load_snapshot(storage_, path);
    ASSERT_FALSE(loaded.ok()) << size;
    EXPECT_EQ(loaded.status().code(), StatusCode::corruption) << size;
  }
}

TEST_F(SnapshotTest, EveryDamagedByteIsDetected) {
  const Bytes content = small_snapshot();
  for (std::size_t offset = 0; offset < content.size(); offset += (offset < 100 ? 1 : 13)) {
    Bytes damaged = content;
    damaged[offset] ^= 0x5a;
    storage_.set_contents(path, damaged);
    Result<LoadedSnapshot> loaded = load_snapshot(storage_, path);
    ASSERT_FALSE(loaded.ok()) << offset;
    // A damaged version field may read as a newer version.
    EXPECT_TRUE(loaded.status().code() == StatusCode::corruption || loaded.status().code() == StatusCode::unsupported)
        << offset << " " << loaded.status().to_string();
  }
}

TEST_F(SnapshotTest, NewerVersionIsUnsupported) {
  Bytes content = small_snapshot();
  content[8] = static_cast<std::uint8_t>(snapshot_format_version + 1);  // format_version
  const std::size_t body_end = content.size() - 4;
  store_le<std::uint32_t>(content.data() + body_end, crypto::crc32c(ByteSpan(content).first(body_end)));
  storage_.set_contents(path, content);
  Result<LoadedSnapshot> loaded = load_snapshot(storage_, path);
  EXPECT_EQ(loaded.status().code(), StatusCode::unsupported);
}

// An older format is stale: a cache miss (rebuilt from the log), not an error to stop for.
TEST_F(SnapshotTest, OlderVersionIsStale) {
  Bytes content = small_snapshot();
  content[8] = static_cast<std::uint8_t>(snapshot_format_version - 1);  // format_version
  const std::size_t body_end = content.size() - 4;
  store_le<std::uint32_t>(content.data() + body_end, crypto::crc32c(ByteSpan(content).first(body_end)));
  storage_.set_contents(path, content);
  Result<LoadedSnapshot> loaded = load_snapshot(storage_, path);
  EXPECT_EQ(loaded.status().code(), StatusCode::corruption);
  EXPECT_NE(loaded.status().message().find("older than this build's"), std::string::npos) << loaded.status().to_string();
}

// Damage that keeps the checksum valid (a bug, or a forged file) must still be refused cleanly by
// the structural checks, never crash.
TEST_F(SnapshotTest, StructuralDamageWithValidChecksumNeverCrashes) {
  const Bytes content = small_snapshot();
  io::Prng prng(11);
  int refused = 0;
  for (int trial = 0; trial < 600; trial++) {
    Bytes damaged = content;
    const std::uint64_t changes = prng.range(1, 3);
    for (std::uint64_t i = 0; i < changes; i++) {
      const std::size_t offset = prng.range(64, damaged.size() - 5);
      damaged[offset] = prng.chance(1, 2) ? static_cast<std::uint8_t>(prng.next_u64())
                                          : static_cast<std::uint8_t>(damaged[offset] + 1);
    }
    const std::size_t body_end = damaged.size() - 4;
    store_le<std::uint32_t>(damaged.data() + body_end, crypto::crc32c(ByteSpan(damaged).first(body_end)));
    storage_.set_contents(path, damaged);
    Result<LoadedSnapshot> loaded = load_snapshot(storage_, path);
    if (!loaded.ok()) {
      EXPECT_EQ(loaded.status().code(), StatusCode::corruption) << loaded.status().to_string();
      refused++;
      continue;
    }
    // Accepted: it must be usable without crashing.
    const Position last = *loaded->store.last_position();
    for (const kernel::TableDef& table : loaded->store.catalog().tables()) {
      Result<std::unique_ptr<TableView>> view = loaded->store.view(last)->table(table.name, last);
      if (view.ok()) (void)collect_scan(**view);
    }
  }
  EXPECT_GT(refused, 400);
}

TEST_F(SnapshotTest, WrittenAtomically) {
  small_snapshot();
  Result<std::vector<std::string>> names = storage_.list_directory("tenant");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, std::vector<std::string>{"snapshot"});  // no temporary left behind
  EXPECT_EQ(storage_.read_durable(path).value(), storage_.read_current(path).value());
}

}  // namespace
}  // namespace kmb::projection

namespace kmb::projection {
namespace {

class EncryptedSnapshotTest : public ::testing::Test {
 protected:
  EncryptedSnapshotTest()
      : storage_(8), key_(crypto::Aes256Key::generate().value()), other_key_(crypto::Aes256Key::generate().value()) {
    EXPECT_TRUE(storage_.create_directories("tenant").ok());
  }

  SnapshotKeyLookup lookup(const crypto::Aes256Key& key) {
    return [&key](std::uint32_t epoch) -> const crypto::Aes256Key* { return epoch == 3 ? &key : nullptr; };
  }

  Bytes save(Store& store) {
    run(5, 60, store);
    const SnapshotEncryption encryption{3, &key_};
    EXPECT_TRUE(save_snapshot(storage_, path, store, *store.last_position(), hash_of(4), &encryption).ok());
    return storage_.read_current(path).value();
  }

  io::MemoryStorage storage_;
  crypto::Aes256Key key_;
  crypto::Aes256Key other_key_;
};

TEST_F(EncryptedSnapshotTest, RoundTripsAndHidesTheBody) {
  Store store;
  const Bytes content = save(store);
  Bytes plain_body = encoded(store);
  // No 16-byte run of the plaintext body appears in the file.
  for (std::size_t i = 0; i + 16 <= plain_body.size(); i += 16) {
    auto found = std::search(content.begin(), content.end(), plain_body.begin() + i, plain_body.begin() + i + 16);
    ASSERT_EQ(found, content.end()) << "plaintext at body offset " << i;
  }
  Result<LoadedSnapshot> loaded = load_snapshot(storage_, path, lookup(key_));
  ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
  EXPECT_EQ(encoded(loaded->store), plain_body);
  EXPECT_EQ(loaded->chain_hash, hash_of(4));
}

TEST_F(EncryptedSnapshotTest, WrongOrMissingKeyIsRefused) {
  Store store;
  save(store);
  EXPECT_EQ(load_snapshot(storage_, path).status().code(), StatusCode::failed_precondition);
  Result<LoadedSnapshot> wrong = load_snapshot(storage_, path, lookup(other_key_));
  EXPECT_EQ(wrong.status().code(), StatusCode::corruption);
  EXPECT_NE(wrong.status().message().find("integrity"), std::string::npos) << wrong.status().to_string();
}

// Damage with a recomputed CRC (a forger's edit) is caught by the authentication tag, in the body
// and in the header fields it binds (applied position, chain hash, key epoch).
TEST_F(EncryptedSnapshotTest, AlteredBytesFailAuthenticationEvenWithValidCrc) {
  Store store;
  const Bytes content = save(store);
  const std::size_t offsets[] = {16, 30, 80, content.size() / 2, content.size() - 6};
  for (std::size_t offset : offsets) {
    Bytes damaged = content;
    damaged[offset] ^= 0x01;
    const std::size_t crc_at = damaged.size() - 4;
    store_le<std::uint32_t>(damaged.data() + crc_at, crypto::crc32c(ByteSpan(damaged).first(crc_at)));
    storage_.set_contents(path, damaged);
    Result<LoadedSnapshot> loaded = load_snapshot(storage_, path, lookup(key_));
    ASSERT_FALSE(loaded.ok()) << offset;
    EXPECT_EQ(loaded.status().code(), StatusCode::corruption) << offset << " " << loaded.status().to_string();
  }
}

}  // namespace
}  // namespace kmb::projection
