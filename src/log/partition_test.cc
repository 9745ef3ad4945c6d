#include "log/partition.h"

#include <gtest/gtest.h>

#include "crypto/crc32c.h"
#include "io/memory_storage.h"
#include "io/posix_storage.h"
#include "log/test_support.h"
#include "log/verify.h"

namespace kmb::log {
namespace {

using testing::Batch;
using testing::payload_for;

constexpr char dir[] = "/data/tenant-7";

PartitionOptions small_segments() {
  PartitionOptions options;
  options.tenant_id = 7;
  options.segment_size_max_bytes = 4096;
  options.index_interval_bytes = 512;
  return options;
}

std::unique_ptr<Partition> open_ok(io::Storage& storage, const PartitionOptions& options = small_segments()) {
  Result<std::unique_ptr<Partition>> partition = Partition::open(storage, dir, options);
  EXPECT_TRUE(partition.ok()) << partition.status().to_string();
  return partition.ok() ? std::move(partition).value() : nullptr;
}

// Appends records [first, first + count) in batches of `batch_size`.
void append_records(Partition& partition, std::uint64_t first, std::uint64_t count, std::uint64_t batch_size = 3) {
  for (std::uint64_t offset = first; offset < first + count; offset += batch_size) {
    std::uint64_t n = std::min(batch_size, first + count - offset);
    Batch batch = Batch::for_offsets(offset, n);
    Result<AppendResult> result = partition.append(batch.inputs, 1000 + offset);
    ASSERT_TRUE(result.ok()) << result.status().to_string();
    ASSERT_EQ(result->first_offset, offset);
  }
}

void expect_records(Partition& partition, std::uint64_t count) {
  ASSERT_EQ(partition.durable_offset(), count);
  Result<Partition::Iterator> iterator = partition.iterate(0);
  ASSERT_TRUE(iterator.ok());
  for (std::uint64_t offset = 0; offset < count; offset++) {
    Record record;
    Result<bool> found = iterator->next(record);
    ASSERT_TRUE(found.ok()) << found.status().to_string();
    ASSERT_TRUE(*found);
    EXPECT_EQ(record.header.offset, offset);
    EXPECT_EQ(record.payload, payload_for(offset)) << "offset " << offset;
    EXPECT_EQ(record.header.client_id, 1000 + offset);
    EXPECT_EQ(record.header.tenant_id, 7u);
  }
  Record extra;
  Result<bool> end = iterator->next(extra);
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(*end);
}

std::string last_segment(io::MemoryStorage& storage) {
  std::string last;
  for (const std::string& path : storage.file_paths()) {
    if (path.ends_with(".segment")) last = path;
  }
  return last;
}

TEST(Partition, AppendsReadsAndReopens) {
  io::MemoryStorage storage(1);
  ChainHash head;
  {
    auto partition = open_ok(storage);
    EXPECT_TRUE(partition->recovery_report().created);
    append_records(*partition, 0, 50);
    expect_records(*partition, 50);
    Result<Record> record = partition->read(17);
    ASSERT_TRUE(record.ok());
    EXPECT_EQ(record->payload, payload_for(17));
    EXPECT_EQ(record->reason, "reason 17");
    EXPECT_EQ(record->header.kind, RecordKind::command);
    head = partition->last_hash();
    EXPECT_GT(partition->segment_count(), 1u);
  }
  auto reopened = open_ok(storage);
  EXPECT_FALSE(reopened->recovery_report().created);
  EXPECT_EQ(reopened->recovery_report().truncated_bytes, 0u);
  EXPECT_EQ(reopened->last_hash(), head);
  expect_records(*reopened, 50);
  append_records(*reopened, 50, 20);
  expect_records(*reopened, 70);
  Result<VerifyReport> report = verify_partition(storage, dir);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->intact()) << report->problem->reason;
  EXPECT_EQ(report->record_count, 70u);
  EXPECT_EQ(report->head_hash, reopened->last_hash());
}

TEST(Partition, WorksOnRealFiles) {
  testing::ScratchDirectory scratch;
  io::PosixStorage storage;
  std::string path = scratch.path() + "/log";
  {
    Result<std::unique_ptr<Partition>> partition = Partition::open(storage, path, small_segments());
    ASSERT_TRUE(partition.ok()) << partition.status().to_string();
    append_records(**partition, 0, 40);
    Result<std::unique_ptr<Partition>> second = Partition::open(storage, path, small_segments());
    EXPECT_EQ(second.status().code(), StatusCode::failed_precondition) << "the LOCK must stop a second opener";
  }
  Result<std::unique_ptr<Partition>> reopened = Partition::open(storage, path, small_segments());
  ASSERT_TRUE(reopened.ok()) << reopened.status().to_string();
  expect_records(**reopened, 40);
}

TEST(Partition, ReadErrorsAreClear) {
  io::MemoryStorage storage(2);
  auto partition = open_ok(storage);
  append_records(*partition, 0, 5);
  EXPECT_EQ(partition->read(5).status().code(), StatusCode::not_found);
  EXPECT_EQ(partition->iterate(6).status().code(), StatusCode::invalid_argument);
  EXPECT_EQ(partition->read_range(3, 1).status().code(), StatusCode::invalid_argument);
  Result<std::vector<Record>> range = partition->read_range(1, 100);
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(range->size(), 4u);
  Result<std::vector<Record>> limited = partition->read_range(0, 5, 1);
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(limited->size(), 1u);
}

TEST(Partition, UnwrittenRecordsAreInvisibleUntilSynced) {
  io::MemoryStorage storage(3);
  auto partition = open_ok(storage);
  Batch batch = Batch::for_offsets(0, 2);
  ASSERT_TRUE(partition->write(batch.inputs, 1).ok());
  EXPECT_EQ(partition->next_offset(), 2u);
  EXPECT_EQ(partition->durable_offset(), 0u);
  EXPECT_EQ(partition->read(0).status().code(), StatusCode::not_found);
  ASSERT_TRUE(partition->sync().ok());
  EXPECT_TRUE(partition->read(1).ok());
}

TEST(Partition, TimestampsNeverGoBackwards) {
  io::MemoryStorage storage(4);
  auto partition = open_ok(storage);
  Batch a = Batch::for_offsets(0, 1);
  Batch b = Batch::for_offsets(1, 1);
  ASSERT_EQ(partition->append(a.inputs, 5000)->timestamp_ns, 5000u);
  ASSERT_EQ(partition->append(b.inputs, 10)->timestamp_ns, 5000u);
  EXPECT_EQ(partition->read(1)->header.timestamp_ns, 5000u);
}

TEST(Partition, RejectsBadBatchesWithoutWriting) {
  io::MemoryStorage storage(5);
  PartitionOptions options = small_segments();
  options.record_payload_size_max_bytes = 1000;
  options.batch_records_max = 4;
  auto partition = open_ok(storage, options);
  EXPECT_EQ(partition->append({}, 1).status().code(), StatusCode::invalid_argument);
  Bytes big(1001, 1);
  RecordInput too_big{RecordKind::event, 1, 1, "", big};
  EXPECT_EQ(partition->append(std::span(&too_big, 1), 1).status().code(), StatusCode::invalid_argument);
  std::string long_reason(record_reason_size_max + 1, 'r');
  RecordInput long_why{RecordKind::event, 1, 1, long_reason, {}};
  EXPECT_EQ(partition->append(std::span(&long_why, 1), 1).status().code(), StatusCode::invalid_argument);
  RecordInput bad_kind{static_cast<RecordKind>(9), 1, 1, "", {}};
  EXPECT_EQ(partition->append(std::span(&bad_kind, 1), 1).status().code(), StatusCode::invalid_argument);
  RecordInput partition_flag{RecordKind::event, 1, 1, "", {}, record_flag_batch_continues};
  EXPECT_EQ(partition->append(std::span(&partition_flag, 1), 1).status().code(), StatusCode::invalid_argument);
  RecordInput clear_reason{RecordKind::event, 1, 1, "why", {}, record_flag_encrypted};
  EXPECT_EQ(partition->append(std::span(&clear_reason, 1), 1).status().code(), StatusCode::invalid_argument);
  Batch five = Batch::for_offsets(0, 5, 10);
  EXPECT_EQ(partition->append(five.inputs, 1).status().code(), StatusCode::resource_exhausted);
  EXPECT_EQ(partition->next_offset(), 0u);
  append_records(*partition, 0, 3);
  expect_records(*partition, 3);
}

TEST(Partition, KeepsTheEncryptedFlagAndWritesVersionTwoOnlyForIt) {
  io::MemoryStorage storage(6);
  auto partition = open_ok(storage, small_segments());
  Bytes sealed = {1, 2, 3};
  RecordInput inputs[] = {{RecordKind::command, 1, 1, "", sealed, record_flag_encrypted},
                          {RecordKind::command, 1, 2, "plain", sealed}};
  ASSERT_TRUE(partition->append(inputs, 1).ok());
  std::vector<Record> records = partition->read_range(0, 2).value();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].header.flags, record_flag_encrypted | record_flag_batch_continues);
  EXPECT_EQ(records[1].header.flags, 0);
  const Bytes segment = storage.read_current(partition->directory() + "/" + segment_file_name(0)).value();
  EXPECT_EQ(load_le<std::uint16_t>(segment.data() + segment_header_size + 4), 2);
  EXPECT_EQ(load_le<std::uint16_t>(segment.data() + segment_header_size + records[0].header.record_size() + 4), 1);
}

TEST(Partition, OpenRejectsWhatIsNotALog) {
  io::MemoryStorage storage(6);
  storage.set_contents("/data/notes/readme.txt", as_bytes("hello"));
  PartitionOptions options = small_segments();
  Result<std::unique_ptr<Partition>> result = Partition::open(storage, "/data/notes", options);
  EXPECT_EQ(result.status().code(), StatusCode::invalid_argument);
  EXPECT_NE(result.status().message().find("not a Kimberlite log partition"), std::string::npos);

  storage.set_contents("/data/file", as_bytes("x"));
  EXPECT_EQ(Partition::open(storage, "/data/file", options).status().code(), StatusCode::invalid_argument);

  options.create_if_missing = false;
  EXPECT_EQ(Partition::open(storage, "/data/missing", options).status().code(), StatusCode::not_found);

  storage.set_contents("/data/bad/PARTITION", as_bytes("garbage"));
  EXPECT_EQ(Partition::open(storage, "/data/bad", options).status().code(), StatusCode::corruption);
}

TEST(Partition, OpenRejectsAnotherTenantsLog) {
  io::MemoryStorage storage(7);
  { open_ok(storage); }
  PartitionOptions other = small_segments();
  other.tenant_id = 8;
  Result<std::unique_ptr<Partition>> result = Partition::open(storage, dir, other);
  EXPECT_EQ(result.status().code(), StatusCode::invalid_argument);
}

TEST(Partition, OpenRejectsNewerFormatVersion) {
  io::MemoryStorage storage(8);
  {
    auto partition = open_ok(storage);
    append_records(*partition, 0, 3);
  }
  std::string segment = last_segment(storage);
  Bytes bytes = storage.read_durable(segment).value();
  store_le<std::uint16_t>(bytes.data() + 8, format_version + 1);
  store_le<std::uint32_t>(bytes.data() + 36, crypto::crc32c(ByteSpan(bytes.data(), 36)));
  storage.set_contents(segment, bytes);
  Result<std::unique_ptr<Partition>> result = Partition::open(storage, dir, small_segments());
  EXPECT_EQ(result.status().code(), StatusCode::unsupported) << result.status().to_string();
  EXPECT_EQ(verify_partition(storage, dir).status().code(), StatusCode::unsupported);
}

TEST(Partition, TruncatesATornTailAndReportsIt) {
  io::MemoryStorage storage(9);
  {
    auto partition = open_ok(storage);
    append_records(*partition, 0, 4, 1);
  }
  std::string segment = last_segment(storage);
  Bytes intact = storage.read_durable(segment).value();
  // Cut the last record at every byte: each cut loses only that record, never an earlier one.
  Bytes with_last = intact;
  std::uint64_t last_size = record_overhead_size + payload_for(3).size();  // Offset 3 has no reason.
  for (std::uint64_t cut = 1; cut < last_size; cut += 7) {
    storage.set_contents(segment, ByteSpan(with_last.data(), with_last.size() - cut));
    auto partition = open_ok(storage);
    ASSERT_NE(partition, nullptr);
    EXPECT_EQ(partition->next_offset(), 3u) << "cut " << cut;
    EXPECT_EQ(partition->recovery_report().truncated_bytes, last_size - cut);
    EXPECT_NE(partition->recovery_report().truncation.find("truncated"), std::string::npos);
    expect_records(*partition, 3);
  }
  // Garbage after the last complete record is an interrupted write too.
  Bytes garbage = intact;
  for (int i = 0; i < 50; i++) garbage.push_back(static_cast<std::uint8_t>(i * 13));
  storage.set_contents(segment, garbage);
  auto partition = open_ok(storage);
  EXPECT_EQ(partition->recovery_report().truncated_bytes, 50u);
  expect_records(*partition, 4);
}

TEST(Partition, DropsAnIncompleteBatch) {
  io::MemoryStorage storage(10);
  Bytes before;
  std::string segment;
  {
    auto partition = open_ok(storage);
    append_records(*partition, 0, 2, 2);
    segment = last_segment(storage);
    before = storage.read_durable(segment).value();
    Batch batch = Batch::for_offsets(2, 3, 50);
    ASSERT_TRUE(partition->append(batch.inputs, 1).ok());
  }
  // Keep the first two records of the three-record batch: they must not survive recovery.
  Bytes full = storage.read_durable(segment).value();
  std::uint64_t third = record_overhead_size + payload_for(4, 50).size() + std::string("reason 4").size();
  storage.set_contents(segment, ByteSpan(full.data(), full.size() - third));
  auto partition = open_ok(storage);
  EXPECT_EQ(partition->next_offset(), 2u);
  EXPECT_EQ(storage.read_durable(segment).value(), before);
  EXPECT_NE(partition->recovery_report().truncation.find("batch is incomplete"), std::string::npos);
}

TEST(Partition, RefusesToOpenWithDamageBeforeTheTail) {
  io::MemoryStorage storage(11);
  {
    auto partition = open_ok(storage);
    append_records(*partition, 0, 12, 1);
  }
  std::string segment = last_segment(storage);
  Bytes bytes = storage.read_durable(segment).value();
  // Damage the payload of the first record of the last segment; valid records follow it.
  ASSERT_TRUE(storage.flip_bit(segment, segment_header_size + record_header_size + 1, 3).ok());
  Result<std::unique_ptr<Partition>> result = Partition::open(storage, dir, small_segments());
  ASSERT_EQ(result.status().code(), StatusCode::corruption);
  EXPECT_NE(result.status().message().find(segment), std::string::npos);
  EXPECT_NE(result.status().message().find("offset"), std::string::npos);
  EXPECT_NE(result.status().message().find("valid records follow"), std::string::npos);
  EXPECT_EQ(storage.read_durable(segment).value().size(), bytes.size()) << "nothing may be dropped";
}

TEST(Partition, SealedSegmentDamageWithoutIndexRefusesOpen) {
  io::MemoryStorage storage(12);
  {
    auto partition = open_ok(storage);
    append_records(*partition, 0, 40, 2);
  }
  std::string first = std::string(dir) + "/" + segment_file_name(0);
  ASSERT_TRUE(storage.remove(std::string(dir) + "/" + index_file_name(0)).ok());
  ASSERT_TRUE(storage.flip_bit(first, 200, 0).ok());
  Result<std::unique_ptr<Partition>> result = Partition::open(storage, dir, small_segments());
  ASSERT_EQ(result.status().code(), StatusCode::corruption);
  EXPECT_NE(result.status().message().find(segment_file_name(0)), std::string::npos);
}

TEST(Partition, RebuildsMissingOrDamagedIndexes) {
  io::MemoryStorage storage(13);
  {
    auto partition = open_ok(storage);
    append_records(*partition, 0, 60, 2);
  }
  std::string index = std::string(dir) + "/" + index_file_name(0);
  ASSERT_TRUE(storage.remove(index).ok());
  {
    auto partition = open_ok(storage);
    EXPECT_GE(partition->recovery_report().indexes_rebuilt, 1u);
    expect_records(*partition, 60);
  }
  ASSERT_TRUE(storage.exists(index).value());
  ASSERT_TRUE(storage.corrupt_byte(index, 50).ok());
  auto partition = open_ok(storage);
  EXPECT_GE(partition->recovery_report().indexes_rebuilt, 1u);
  expect_records(*partition, 60);
  for (std::uint64_t offset : {0u, 1u, 17u, 33u, 59u}) {
    EXPECT_EQ(partition->read(offset)->payload, payload_for(offset));
  }
}

TEST(Partition, NoSpaceLeavesTheLogConsistent) {
  io::MemoryStorage storage(14);
  auto partition = open_ok(storage);
  append_records(*partition, 0, 5, 1);
  io::MemoryStorage::Faults faults;
  faults.capacity_bytes = storage.used_bytes() + 100;
  storage.set_faults(faults);
  Batch batch = Batch::for_offsets(5, 3);
  Result<AppendResult> full = partition->append(batch.inputs, 1);
  ASSERT_EQ(full.status().code(), StatusCode::no_space) << full.status().to_string();
  EXPECT_EQ(partition->next_offset(), 5u);
  expect_records(*partition, 5);
  storage.set_faults(io::MemoryStorage::Faults{});
  append_records(*partition, 5, 6, 2);
  expect_records(*partition, 11);
  partition.reset();
  auto reopened = open_ok(storage);
  expect_records(*reopened, 11);
  EXPECT_TRUE(verify_partition(storage, dir)->intact());
}

TEST(Partition, WriteErrorsRollBackOrPoison) {
  io::MemoryStorage storage(15);
  auto partition = open_ok(storage);
  append_records(*partition, 0, 3, 1);
  storage.fail_writes_for(last_segment(storage));
  Batch batch = Batch::for_offsets(3, 2);
  Result<AppendResult> failed = partition->append(batch.inputs, 1);
  EXPECT_EQ(failed.status().code(), StatusCode::io_error);
  storage.clear_path_faults();
  expect_records(*partition, 3);
  partition.reset();
  auto reopened = open_ok(storage);
  expect_records(*reopened, 3);
  append_records(*reopened, 3, 3);
  expect_records(*reopened, 6);
}

TEST(Partition, FailedSyncPoisonsUntilReopen) {
  io::MemoryStorage storage(16);
  auto partition = open_ok(storage);
  append_records(*partition, 0, 3, 1);
  storage.fail_next_syncs(1);
  Batch batch = Batch::for_offsets(3, 1);
  EXPECT_EQ(partition->append(batch.inputs, 1).status().code(), StatusCode::io_error);
  EXPECT_TRUE(partition->poisoned());
  Batch next = Batch::for_offsets(4, 1);
  Result<AppendResult> refused = partition->append(next.inputs, 1);
  EXPECT_EQ(refused.status().code(), StatusCode::failed_precondition);
  EXPECT_NE(refused.status().message().find("reopen"), std::string::npos);
  expect_records(*partition, 3);
  partition.reset();
  storage.crash();
  auto reopened = open_ok(storage);
  expect_records(*reopened, 3);
}

TEST(Partition, BigRecordGetsItsOwnSegment) {
  io::MemoryStorage storage(17);
  auto partition = open_ok(storage);
  append_records(*partition, 0, 2, 1);
  Bytes big(10000, 0x42);
  RecordInput input{RecordKind::event, 1, 1, "", big};
  ASSERT_TRUE(partition->append(std::span(&input, 1), 1).ok());
  Result<Record> record = partition->read(2);
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->payload, big);
  partition.reset();
  auto reopened = open_ok(storage);
  EXPECT_EQ(reopened->read(2)->payload, big);
}

TEST(Partition, WriteManyWritesIndependentBatchesAcrossRotations) {
  io::MemoryStorage storage(18);
  auto partition = open_ok(storage);
  std::vector<Batch> owned;
  std::uint64_t offset = 0;
  for (int i = 0; i < 12; i++) {
    owned.push_back(Batch::for_offsets(offset, 3));
    offset += 3;
  }
  RecordInput bad{static_cast<RecordKind>(0), 0, 0, "", {}};
  std::vector<std::span<const RecordInput>> batches;
  for (std::size_t i = 0; i < owned.size(); i++) {
    batches.push_back(owned[i].inputs);
    if (i == 4) batches.push_back(std::span(&bad, 1));
  }
  std::vector<Result<AppendResult>> results = partition->write_many(batches, 77);
  ASSERT_EQ(results.size(), batches.size());
  EXPECT_EQ(results[5].status().code(), StatusCode::invalid_argument);
  std::uint64_t expected = 0;
  for (std::size_t i = 0; i < results.size(); i++) {
    if (i == 5) continue;
    ASSERT_TRUE(results[i].ok()) << i;
    EXPECT_EQ(results[i]->first_offset, expected);
    expected += 3;
  }
  ASSERT_TRUE(partition->sync().ok());
  EXPECT_GT(partition->segment_count(), 2u) << "the group must rotate segments between batches";
  expect_records(*partition, 36);
  partition.reset();
  auto reopened = open_ok(storage);
  expect_records(*reopened, 36);
  EXPECT_TRUE(verify_partition(storage, dir)->intact());
}

}  // namespace
}  // namespace kmb::log
