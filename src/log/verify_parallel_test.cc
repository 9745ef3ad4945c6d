// The parallel verifier (verify_partition) against the one-record-at-a-time walk through the
// recovery engine (verify_partition_by_recovery_scan): on intact logs and on every kind of damage,
// with several thread counts and chunk sizes, the two must return identical reports field by field.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "crypto/crc32c.h"
#include "io/memory_storage.h"
#include "io/prng.h"
#include "log/parallel_scan.h"
#include "log/partition.h"
#include "log/verify.h"
#include "log/worker_pool.h"

namespace kmb::log {
namespace {

constexpr char dir[] = "/verify/tenant-7";
constexpr std::uint64_t tenant = 7;
constexpr std::uint64_t timestamp_base_ns = 1'700'000'000'000'000'000;

PartitionOptions partition_options() {
  PartitionOptions options;
  options.tenant_id = tenant;
  options.segment_size_max_bytes = 48 << 10;
  return options;
}

// Appends `batch_count` batches of 1-4 records. Most payloads are small; one record in eight is
// 5-20 KiB, larger than the smallest chunk the tests use (4 KiB).
void build_log(io::MemoryStorage& storage, std::uint64_t seed, std::uint64_t batch_count) {
  auto partition = Partition::open(storage, dir, partition_options());
  ASSERT_TRUE(partition.ok()) << partition.status().to_string();
  io::Prng prng(seed);
  for (std::uint64_t batch = 0; batch < batch_count; batch++) {
    const std::size_t count = static_cast<std::size_t>(prng.range(1, 4));
    std::vector<Bytes> payloads(count);
    std::vector<std::string> reasons(count);
    std::vector<RecordInput> inputs(count);
    for (std::size_t i = 0; i < count; i++) {
      const std::uint64_t size = prng.chance(1, 8) ? prng.range(5 << 10, 20 << 10) : prng.range(0, 600);
      payloads[i].resize(size);
      prng.fill(payloads[i].data(), size);
      reasons[i] = prng.chance(1, 3) ? std::string() : "reason " + std::to_string(batch);
      inputs[i].kind = prng.chance(1, 2) ? RecordKind::event : RecordKind::command;
      inputs[i].client_id = batch;
      inputs[i].request_id = i;
      inputs[i].reason = reasons[i];
      inputs[i].payload = payloads[i];
    }
    ASSERT_TRUE((*partition)->append(inputs, timestamp_base_ns + batch * 1000).ok());
  }
}

std::vector<std::string> segment_paths(const io::MemoryStorage& storage) {
  std::vector<std::string> paths;
  for (const std::string& path : storage.file_paths()) {
    if (path.ends_with(".segment")) paths.push_back(path);
  }
  return paths;
}

// Byte positions of the records of a segment file's intact prefix.
std::vector<std::size_t> record_positions(const Bytes& segment) {
  std::vector<std::size_t> positions;
  std::size_t position = segment_header_size;
  RecordHeader header;
  while (position + record_header_size <= segment.size() &&
         decode_record_header(ByteSpan(segment.data() + position, record_header_size), header) == HeaderProblem::none &&
         position + header.record_size() <= segment.size()) {
    positions.push_back(position);
    position += static_cast<std::size_t>(header.record_size());
  }
  return positions;
}

void expect_same(const Result<VerifyReport>& expected, const Result<VerifyReport>& actual, const std::string& context) {
  ASSERT_EQ(expected.ok(), actual.ok()) << context << ": expected "
                                        << (expected.ok() ? "a report" : expected.status().to_string()) << ", got "
                                        << (actual.ok() ? "a report" : actual.status().to_string());
  if (!expected.ok()) {
    EXPECT_EQ(expected.status().code(), actual.status().code()) << context;
    EXPECT_EQ(expected.status().message(), actual.status().message()) << context;
    return;
  }
  EXPECT_EQ(expected->tenant_id, actual->tenant_id) << context;
  EXPECT_EQ(expected->segment_count, actual->segment_count) << context;
  EXPECT_EQ(expected->record_count, actual->record_count) << context;
  EXPECT_EQ(expected->byte_count, actual->byte_count) << context;
  EXPECT_EQ(to_hex(expected->head_hash), to_hex(actual->head_hash)) << context;
  ASSERT_EQ(expected->problem.has_value(), actual->problem.has_value())
      << context << ": expected " << (expected->problem ? expected->problem->reason : "no problem") << ", got "
      << (actual->problem ? actual->problem->reason : "no problem");
  if (!expected->problem) return;
  EXPECT_EQ(expected->problem->segment, actual->problem->segment) << context;
  EXPECT_EQ(expected->problem->offset, actual->problem->offset) << context;
  EXPECT_EQ(expected->problem->position, actual->problem->position) << context;
  EXPECT_EQ(expected->problem->reason, actual->problem->reason) << context;
}

// Verifies with the reference walk and with the parallel engine at 1, 2 and 7 threads and at a
// chunk smaller than many records, a mid-sized one and the default. Returns the reference report.
Result<VerifyReport> verify_all_ways(io::MemoryStorage& storage, const std::string& context) {
  Result<VerifyReport> expected = verify_partition_by_recovery_scan(storage, dir);
  for (std::size_t threads : {1, 2, 7}) {
    for (std::size_t chunk : {std::size_t{4096}, std::size_t{20000}, VerifyOptions::read_chunk_size_bytes_default}) {
      VerifyOptions options;
      options.threads = threads;
      options.read_chunk_size_bytes = chunk;
      expect_same(expected, verify_partition(storage, dir, options),
                  context + " (threads " + std::to_string(threads) + ", chunk " + std::to_string(chunk) + ")");
      if (::testing::Test::HasFatalFailure()) return expected;
    }
  }
  return expected;
}

// Rewrites a record's header through `change`, then makes both CRCs valid again: damage that only
// the chain and order checks can see.
template <typename Change>
void rewrite_record(Bytes& segment, std::size_t position, Change change) {
  RecordHeader header;
  ASSERT_EQ(decode_record_header(ByteSpan(segment.data() + position, record_header_size), header), HeaderProblem::none);
  change(segment.data() + position);
  store_le<std::uint32_t>(segment.data() + position + 88, crypto::crc32c(ByteSpan(segment.data() + position, 88)));
  const std::size_t size = static_cast<std::size_t>(header.record_size());
  store_le<std::uint32_t>(segment.data() + position + size - 4,
                          crypto::crc32c(ByteSpan(segment.data() + position, size - 4)));
}

TEST(VerifyParallel, IntactLogsMatchTheSequentialWalk) {
  for (std::uint64_t seed = 1; seed <= 4; seed++) {
    io::MemoryStorage storage(seed);
    build_log(storage, seed, 120);
    ASSERT_GE(segment_paths(storage).size(), 5u);
    Result<VerifyReport> report = verify_all_ways(storage, "seed " + std::to_string(seed));
    ASSERT_TRUE(report.ok());
    EXPECT_TRUE(report->intact());
    auto partition = Partition::open(storage, dir, partition_options());
    ASSERT_TRUE(partition.ok());
    EXPECT_EQ(report->record_count, (*partition)->next_offset());
    EXPECT_EQ(report->head_hash, (*partition)->last_hash());
  }
}

TEST(VerifyParallel, RecordLargerThanTheDefaultChunk) {
  io::MemoryStorage storage(11);
  {
    PartitionOptions options = partition_options();
    options.segment_size_max_bytes = 64ULL << 20;
    auto partition = Partition::open(storage, dir, options);
    ASSERT_TRUE(partition.ok());
    Bytes small(300, 0x11);
    Bytes large(VerifyOptions::read_chunk_size_bytes_default + 12345, 0x22);
    io::Prng(5).fill(large.data(), large.size());
    for (const Bytes* payload : {&small, &large, &small, &large, &large, &small}) {
      RecordInput input{RecordKind::event, 1, 2, "big", *payload};
      ASSERT_TRUE((*partition)->append(std::span(&input, 1), 100).ok());
    }
  }
  Result<VerifyReport> report = verify_all_ways(storage, "intact");
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->intact());
  EXPECT_EQ(report->record_count, 6u);
  // Damage inside a large record, in its middle and in its stored CRC.
  const std::string file = segment_paths(storage).front();
  const std::vector<std::size_t> positions = record_positions(storage.read_durable(file).value());
  ASSERT_EQ(positions.size(), 6u);
  for (std::size_t at : {positions[1] + 2'000'000, positions[4] - 1, positions[4] - 4}) {
    io::MemoryStorage damaged(storage);
    ASSERT_TRUE(damaged.corrupt_byte(file, at).ok());
    Result<VerifyReport> damaged_report = verify_all_ways(damaged, "byte " + std::to_string(at));
    ASSERT_TRUE(damaged_report.ok());
    EXPECT_FALSE(damaged_report->intact());
  }
}

TEST(VerifyParallel, EveryByteFlipReportsTheSameFirstProblem) {
  io::MemoryStorage original(21);
  build_log(original, 21, 60);
  const std::vector<std::string> files = segment_paths(original);
  io::Prng prng(2101);
  for (int trial = 0; trial < 150; trial++) {
    io::MemoryStorage storage(original);
    const std::string& file = files[prng.uniform(files.size())];
    const std::uint64_t position = prng.uniform(storage.read_durable(file)->size());
    ASSERT_TRUE(storage.corrupt_byte(file, position).ok());
    // A second flip further on must not be reported before the first.
    if (prng.chance(1, 2)) {
      const std::string& later = files[prng.uniform(files.size())];
      ASSERT_TRUE(storage.corrupt_byte(later, prng.uniform(storage.read_durable(later)->size())).ok());
    }
    Result<VerifyReport> report = verify_all_ways(storage, file + " byte " + std::to_string(position));
    if (HasFatalFailure()) return;
    ASSERT_TRUE(report.ok());
    EXPECT_FALSE(report->intact());
  }
}

TEST(VerifyParallel, EveryTruncationReportsTheSameFirstProblem) {
  io::MemoryStorage original(31);
  build_log(original, 31, 60);
  const std::vector<std::string> files = segment_paths(original);
  io::Prng prng(3101);
  for (int trial = 0; trial < 150; trial++) {
    io::MemoryStorage storage(original);
    const std::string& file = files[prng.uniform(files.size())];
    const Bytes bytes = storage.read_durable(file).value();
    std::size_t size = static_cast<std::size_t>(prng.uniform(bytes.size()));
    // Half the cuts land on record boundaries: an incomplete batch or a clean shorter log.
    const std::vector<std::size_t> positions = record_positions(bytes);
    Bytes cut = bytes;
    if (prng.chance(1, 2) && !positions.empty()) {
      size = positions[prng.uniform(positions.size())];
    } else if (prng.chance(1, 2) && !positions.empty()) {
      // A record that is both cut short and off the chain: the chain check comes first.
      const std::size_t position = positions[prng.uniform(positions.size())];
      rewrite_record(cut, position, [](std::uint8_t* header) { header[56] ^= 0x01; });
      if (HasFatalFailure()) return;
      size = position + record_header_size + static_cast<std::size_t>(prng.uniform(8));
    }
    storage.set_contents(file, ByteSpan(cut.data(), size));
    Result<VerifyReport> report = verify_all_ways(storage, file + " cut at " + std::to_string(size));
    if (HasFatalFailure()) return;
    ASSERT_TRUE(report.ok()) << report.status().to_string();  // Damage is a problem, never an error.
  }
}

TEST(VerifyParallel, ForgedHeadersReportTheSameFirstProblem) {
  io::MemoryStorage original(41);
  build_log(original, 41, 60);
  const std::vector<std::string> files = segment_paths(original);
  io::Prng prng(4101);
  for (int trial = 0; trial < 150; trial++) {
    io::MemoryStorage storage(original);
    const std::string& file = files[prng.uniform(files.size())];
    Bytes bytes = storage.read_durable(file).value();
    const std::vector<std::size_t> positions = record_positions(bytes);
    ASSERT_FALSE(positions.empty());
    const std::size_t position = positions[prng.uniform(positions.size())];
    // Each forgery keeps both CRCs valid, so only the chain and order checks can see it.
    struct Forgery {
      const char* name;
      std::size_t byte;  // Position in the record header.
      std::uint8_t value;
      bool exclusive_or;  // XOR `value` into the byte instead of storing it.
      // False where the forgery can be harmless: moving a batch boundary inside the log, or
      // lowering the timestamp of the log's first record.
      bool always_detected;
    };
    static constexpr Forgery forgeries[] = {
        {"tenant", 8, 0x01, true, true},
        {"offset", 16, 0x01, true, true},
        {"timestamp goes backwards", 31, 0x00, false, false},  // Clears the top byte of timestamp_ns.
        {"prev_hash", 56 + 17, 0x40, true, true},
        {"batch boundary", 7, record_flag_batch_continues, true, false},
        {"newer record version", 4, 0x09, false, true},
        {"unknown kind", 6, 0x7f, false, true},
    };
    const Forgery& forgery = forgeries[prng.uniform(std::size(forgeries))];
    rewrite_record(bytes, position, [&](std::uint8_t* header) {
      header[forgery.byte] = forgery.exclusive_or ? header[forgery.byte] ^ forgery.value : forgery.value;
    });
    if (HasFatalFailure()) return;
    storage.set_contents(file, bytes);
    Result<VerifyReport> report =
        verify_all_ways(storage, file + " record at " + std::to_string(position) + ": " + forgery.name);
    if (HasFatalFailure()) return;
    if (!report.ok()) {
      EXPECT_EQ(report.status().code(), StatusCode::unsupported) << forgery.name;
    } else if (forgery.always_detected) {
      EXPECT_FALSE(report->intact()) << forgery.name;
    }
  }
}

TEST(VerifyParallel, DamageBeforeANewerRecordVersionIsReportedFirst) {
  // The parallel engine delimits a chunk ahead of checking the one before, so it can meet a later
  // record of a newer version (an error) before it checks earlier damage (a problem): order wins.
  io::MemoryStorage original(45);
  build_log(original, 45, 60);
  const std::string file = segment_paths(original).front();
  const Bytes bytes = original.read_durable(file).value();
  const std::vector<std::size_t> positions = record_positions(bytes);
  ASSERT_GE(positions.size(), 3u);
  const auto newer_version = [](std::uint8_t* header) { header[4] = 0x09; };
  for (std::size_t later = 1; later < positions.size(); later++) {
    Bytes changed = bytes;
    rewrite_record(changed, positions[later], newer_version);
    changed[positions[0] + record_header_size] ^= 0x01;  // Breaks the first record's CRC.
    io::MemoryStorage storage(original);
    storage.set_contents(file, changed);
    Result<VerifyReport> report = verify_all_ways(storage, "newer version at record " + std::to_string(later));
    if (HasFatalFailure()) return;
    ASSERT_TRUE(report.ok()) << report.status().to_string();
    ASSERT_FALSE(report->intact());
    EXPECT_NE(report->problem->reason.find("record CRC mismatch"), std::string::npos);
  }
  Bytes changed = bytes;
  rewrite_record(changed, positions[0], newer_version);
  changed[positions.back() + record_header_size] ^= 0x01;
  io::MemoryStorage storage(original);
  storage.set_contents(file, changed);
  Result<VerifyReport> report = verify_all_ways(storage, "newer version first");
  EXPECT_EQ(report.status().code(), StatusCode::unsupported);
}

TEST(VerifyParallel, ReadErrorsAreErrors) {
  io::MemoryStorage storage(47);
  build_log(storage, 47, 20);
  storage.fail_reads_for(segment_paths(storage).back());
  Result<VerifyReport> expected = verify_partition_by_recovery_scan(storage, dir);
  ASSERT_FALSE(expected.ok());
  for (std::size_t threads : {1, 2, 7}) {
    VerifyOptions options;
    options.threads = threads;
    options.read_chunk_size_bytes = 4096;
    Result<VerifyReport> actual = verify_partition(storage, dir, options);
    ASSERT_FALSE(actual.ok());
    EXPECT_EQ(actual.status().code(), expected.status().code()) << actual.status().to_string();
  }
}

TEST(VerifyParallel, EmptyHeaderOnlyMissingAndOverlappingSegments) {
  io::MemoryStorage original(51);
  build_log(original, 51, 40);
  const std::vector<std::string> files = segment_paths(original);
  ASSERT_GE(files.size(), 3u);
  const Bytes first = original.read_durable(files.front()).value();
  {
    io::MemoryStorage fresh(52);
    ASSERT_TRUE(Partition::open(fresh, dir, partition_options()).ok());  // One header-only segment.
    Result<VerifyReport> report = verify_all_ways(fresh, "new partition");
    ASSERT_TRUE(report.ok());
    EXPECT_TRUE(report->intact());
    EXPECT_EQ(report->record_count, 0u);
  }
  for (std::size_t size : {std::size_t{0}, std::size_t{17}, segment_header_size}) {
    for (std::size_t which : {std::size_t{0}, files.size() - 1}) {
      io::MemoryStorage storage(original);
      const Bytes own = original.read_durable(files[which]).value();
      storage.set_contents(files[which], ByteSpan(own.data(), size));
      Result<VerifyReport> report =
          verify_all_ways(storage, files[which] + " holds " + std::to_string(size) + " bytes");
      if (HasFatalFailure()) return;
      ASSERT_TRUE(report.ok()) << report.status().to_string();
      // Only the last segment may be empty; one with nothing at all, not even a header, is damage.
      EXPECT_EQ(report->intact(), which == files.size() - 1 && size == segment_header_size);
    }
  }
  {
    io::MemoryStorage storage(original);
    ASSERT_TRUE(storage.remove(files[1]).ok());
    Result<VerifyReport> report = verify_all_ways(storage, "missing segment");
    ASSERT_TRUE(report.ok());
    ASSERT_FALSE(report->intact());
    EXPECT_NE(report->problem->reason.find("missing"), std::string::npos);
  }
  {
    io::MemoryStorage storage(original);  // The first segment again, under a later name.
    storage.set_contents(io::parent_path(files[1]) + "/" + segment_file_name(1), first);
    Result<VerifyReport> report = verify_all_ways(storage, "overlapping segment");
    ASSERT_TRUE(report.ok());
    EXPECT_FALSE(report->intact());
  }
  {
    io::MemoryStorage storage(original);
    for (const std::string& file : files) ASSERT_TRUE(storage.remove(file).ok());
    Result<VerifyReport> report = verify_all_ways(storage, "no segments");
    ASSERT_TRUE(report.ok());
    ASSERT_FALSE(report->intact());
    EXPECT_EQ(report->problem->reason, "the partition has no segment files");
  }
  {
    io::MemoryStorage storage(original);  // A newer segment format.
    Bytes bytes = first;
    ASSERT_GE(bytes.size(), segment_header_size);
    bytes[8] = 9;  // format_version, little-endian u16.
    bytes[9] = 0;
    store_le<std::uint32_t>(bytes.data() + 36, crypto::crc32c(ByteSpan(bytes.data(), 36)));
    storage.set_contents(files.front(), bytes);
    Result<VerifyReport> report = verify_all_ways(storage, "newer segment version");
    EXPECT_EQ(report.status().code(), StatusCode::unsupported);
  }
}

TEST(VerifyParallel, ProgressIsMonotonicAndEndsAtTheTotal) {
  // About 40 MiB, so that progress is reported along the way and not only at the end.
  io::MemoryStorage storage(61);
  {
    auto partition = Partition::open(storage, dir, partition_options());
    ASSERT_TRUE(partition.ok());
    Bytes payload(40 << 10, 0x33);
    std::vector<RecordInput> batch(16, RecordInput{RecordKind::event, 1, 2, "", payload});
    for (std::uint64_t i = 0; i < 64; i++) ASSERT_TRUE((*partition)->append(batch, 100 + i).ok());
  }
  std::uint64_t total_bytes = 0;
  for (const std::string& file : segment_paths(storage)) total_bytes += storage.read_durable(file)->size();
  for (std::size_t threads : {1, 2, 7}) {
    VerifyOptions options;
    options.threads = threads;
    std::vector<std::uint64_t> done_values;
    options.progress = [&](std::uint64_t done, std::uint64_t total) {
      EXPECT_EQ(total, total_bytes);
      done_values.push_back(done);
    };
    Result<VerifyReport> report = verify_partition(storage, dir, options);
    ASSERT_TRUE(report.ok());
    ASSERT_TRUE(report->intact());
    ASSERT_GE(done_values.size(), 2u);
    EXPECT_TRUE(std::is_sorted(done_values.begin(), done_values.end()));
    EXPECT_EQ(done_values.back(), total_bytes);
  }
}

TEST(VerifyParallel, RefusesOptionsOutOfRange) {
  io::MemoryStorage storage(71);
  build_log(storage, 71, 3);
  VerifyOptions options;
  options.threads = WorkerPool::thread_count_max + 1;
  EXPECT_EQ(verify_partition(storage, dir, options).status().code(), StatusCode::invalid_argument);
  options.threads = 0;
  options.read_chunk_size_bytes = ParallelSegmentScanner::chunk_size_min_bytes - 1;
  EXPECT_EQ(verify_partition(storage, dir, options).status().code(), StatusCode::invalid_argument);
  options.read_chunk_size_bytes = ParallelSegmentScanner::chunk_size_min_bytes;
  EXPECT_TRUE(verify_partition(storage, dir, options)->intact());
}

}  // namespace
}  // namespace kmb::log
