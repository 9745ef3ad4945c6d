// Crash at every write and sync point of a scripted workload, with and without torn writes, and
// check after reopening that every acknowledged record is present and byte-identical and that
// every visible unacknowledged record is intact (exactly what was written at its offset).
#include <gtest/gtest.h>

#include "io/memory_storage.h"
#include "log/partition.h"
#include "log/test_support.h"
#include "log/verify.h"

namespace kmb::log {
namespace {

using testing::Batch;
using testing::payload_for;

constexpr char dir[] = "/crash/tenant-3";

PartitionOptions options() {
  PartitionOptions o;
  o.tenant_id = 3;
  o.segment_size_max_bytes = 4096;  // Several rotations within the workload.
  o.index_interval_bytes = 300;
  return o;
}

// Runs the workload until it finishes or the storage freezes. Returns the number of acknowledged
// records (all offsets below it were acknowledged).
std::uint64_t run_workload(io::MemoryStorage& storage, std::uint64_t start_offset, std::uint64_t batches) {
  Result<std::unique_ptr<Partition>> opened = Partition::open(storage, dir, options());
  if (!opened.ok()) return start_offset;
  Partition& partition = **opened;
  std::uint64_t acknowledged = partition.durable_offset();
  EXPECT_EQ(acknowledged, start_offset);
  std::uint64_t offset = partition.next_offset();
  for (std::uint64_t b = 0; b < batches; b++) {
    std::uint64_t size = 1 + (b * 5) % 4;
    Batch batch = Batch::for_offsets(offset, size);
    Result<AppendResult> written = partition.write(batch.inputs, 100 + b);
    if (!written.ok()) break;
    offset += size;
    if (b % 3 == 1) continue;  // Sometimes two batches share one sync.
    if (!partition.sync().ok()) break;
    acknowledged = offset;
  }
  return acknowledged;
}

void check_after_crash(io::MemoryStorage& storage, std::uint64_t acknowledged, const std::string& context) {
  Result<std::unique_ptr<Partition>> reopened = Partition::open(storage, dir, options());
  ASSERT_TRUE(reopened.ok()) << context << ": " << reopened.status().to_string();
  Partition& partition = **reopened;
  ASSERT_GE(partition.durable_offset(), acknowledged) << context << ": acknowledged records lost";
  Result<Partition::Iterator> iterator = partition.iterate(0);
  ASSERT_TRUE(iterator.ok());
  for (std::uint64_t offset = 0; offset < partition.durable_offset(); offset++) {
    Record record;
    Result<bool> found = iterator->next(record);
    ASSERT_TRUE(found.ok()) << context << ": " << found.status().to_string();
    ASSERT_TRUE(*found);
    ASSERT_EQ(record.payload, payload_for(offset)) << context << ": offset " << offset;
  }
  Result<VerifyReport> report = verify_partition(storage, dir);
  ASSERT_TRUE(report.ok()) << context;
  ASSERT_TRUE(report->intact()) << context << ": " << report->problem->reason;
  // The log accepts writes again and the chain continues.
  Batch batch = Batch::for_offsets(partition.next_offset(), 2);
  ASSERT_TRUE(partition.append(batch.inputs, 1'000'000).ok()) << context;
}

void crash_at_every_point(bool torn_writes, std::uint64_t seed) {
  constexpr std::uint64_t batches = 40;
  std::uint64_t operations = 0;
  {
    io::MemoryStorage dry(seed);
    std::uint64_t acknowledged = run_workload(dry, 0, batches);
    ASSERT_GT(acknowledged, 50u);
    operations = dry.operation_count();
  }
  ASSERT_GT(operations, 60u);
  for (std::uint64_t n = 1; n <= operations + 1; n++) {
    io::MemoryStorage storage(seed * 1000 + n);
    io::MemoryStorage::Faults faults;
    faults.torn_writes = torn_writes;
    storage.set_faults(faults);
    storage.crash_after_operations(n);
    std::uint64_t acknowledged = run_workload(storage, 0, batches);
    storage.crash();
    std::string context = "crash at operation " + std::to_string(n) + (torn_writes ? " (torn)" : "");
    check_after_crash(storage, acknowledged, context);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(CrashRecovery, CrashAtEveryWriteAndSyncPoint) { crash_at_every_point(false, 1); }

TEST(CrashRecovery, CrashAtEveryPointWithTornWrites) {
  for (std::uint64_t seed = 2; seed < 6; seed++) {
    crash_at_every_point(true, seed);
    if (HasFatalFailure()) return;
  }
}

TEST(CrashRecovery, RepeatedCrashesDuringRecoveryAndAppends) {
  // Crash, reopen, append, crash again — many times on one storage, with torn writes.
  io::MemoryStorage storage(99);
  io::MemoryStorage::Faults faults;
  faults.torn_writes = true;
  storage.set_faults(faults);
  io::Prng prng(7);
  std::uint64_t acknowledged = 0;
  for (int round = 0; round < 60; round++) {
    storage.crash_after_operations(1 + prng.uniform(40));
    acknowledged = std::max(acknowledged, run_workload(storage, acknowledged, 10));
    storage.crash();
    Result<std::unique_ptr<Partition>> reopened = Partition::open(storage, dir, options());
    ASSERT_TRUE(reopened.ok()) << "round " << round << ": " << reopened.status().to_string();
    ASSERT_GE((*reopened)->durable_offset(), acknowledged) << "round " << round;
    acknowledged = (*reopened)->durable_offset();
    for (std::uint64_t offset = 0; offset < acknowledged; offset++) {
      ASSERT_EQ((*reopened)->read(offset)->payload, payload_for(offset)) << "round " << round;
    }
  }
}

}  // namespace
}  // namespace kmb::log
