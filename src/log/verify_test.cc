#include "log/verify.h"

#include <gtest/gtest.h>

#include "crypto/crc32c.h"
#include "io/memory_storage.h"
#include "log/partition.h"
#include "log/test_support.h"

namespace kmb::log {
namespace {

using testing::Batch;

constexpr char dir[] = "/v/tenant-1";

PartitionOptions options() {
  PartitionOptions o;
  o.tenant_id = 1;
  o.segment_size_max_bytes = 8192;
  return o;
}

void build_log(io::MemoryStorage& storage, std::uint64_t records) {
  auto partition = Partition::open(storage, dir, options());
  ASSERT_TRUE(partition.ok());
  for (std::uint64_t offset = 0; offset < records; offset += 4) {
    Batch batch = Batch::for_offsets(offset, 4, 300);
    ASSERT_TRUE((*partition)->append(batch.inputs, offset).ok());
  }
}

std::vector<std::string> segments(io::MemoryStorage& storage) {
  std::vector<std::string> paths;
  for (const std::string& path : storage.file_paths()) {
    if (path.ends_with(".segment")) paths.push_back(path);
  }
  return paths;
}

TEST(Verify, IntactLogPasses) {
  io::MemoryStorage storage(1);
  build_log(storage, 200);
  std::uint64_t calls = 0;
  VerifyOptions verify_options;
  verify_options.progress = [&](std::uint64_t done, std::uint64_t total) {
    calls++;
    EXPECT_LE(done, total);
  };
  Result<VerifyReport> report = verify_partition(storage, dir, verify_options);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->intact());
  EXPECT_EQ(report->record_count, 200u);
  EXPECT_GT(report->segment_count, 2u);
  EXPECT_GE(calls, 1u);
  auto partition = Partition::open(storage, dir, options());
  EXPECT_EQ(report->head_hash, (*partition)->last_hash());
}

TEST(Verify, DetectsEveryRandomByteFlip) {
  io::MemoryStorage original(2);
  build_log(original, 120);
  std::vector<std::string> files = segments(original);
  io::Prng prng(42);
  for (int trial = 0; trial < 400; trial++) {
    io::MemoryStorage storage(original);
    const std::string& file = files[prng.uniform(files.size())];
    std::uint64_t size = storage.read_durable(file)->size();
    std::uint64_t position = prng.uniform(size);
    ASSERT_TRUE(storage.corrupt_byte(file, position).ok());
    Result<VerifyReport> report = verify_partition(storage, dir);
    ASSERT_TRUE(report.ok()) << report.status().to_string();
    ASSERT_FALSE(report->intact()) << "flip at " << file << " byte " << position << " went unnoticed";
    EXPECT_EQ(report->problem->segment, file);
  }
}

TEST(Verify, DetectsRewrittenRecordWithValidCrcs) {
  // A forger who changes a payload and recomputes both CRCs still breaks the chain.
  io::MemoryStorage storage(3);
  build_log(storage, 20);
  std::string file = segments(storage).front();
  Bytes bytes = storage.read_durable(file).value();
  std::size_t record = segment_header_size;
  RecordHeader header;
  ASSERT_EQ(decode_record_header(ByteSpan(bytes.data() + record, record_header_size), header), HeaderProblem::none);
  std::size_t size = header.record_size();
  bytes[record + record_header_size + header.reason_length] ^= 0xff;
  store_le<std::uint32_t>(bytes.data() + record + size - 4,
                          crypto::crc32c(ByteSpan(bytes.data() + record, size - 4)));
  storage.set_contents(file, bytes);
  Result<VerifyReport> report = verify_partition(storage, dir);
  ASSERT_TRUE(report.ok());
  ASSERT_FALSE(report->intact());
  EXPECT_EQ(report->problem->offset, 1u);
  EXPECT_NE(report->problem->reason.find("hash chain broken"), std::string::npos);
}

TEST(Verify, ReportsCutFilesAndMissingSegments) {
  io::MemoryStorage storage(4);
  build_log(storage, 100);
  std::vector<std::string> files = segments(storage);
  ASSERT_GE(files.size(), 3u);
  {
    io::MemoryStorage cut(storage);
    Bytes bytes = cut.read_durable(files.back()).value();
    cut.set_contents(files.back(), ByteSpan(bytes.data(), bytes.size() - 5));
    Result<VerifyReport> report = verify_partition(cut, dir);
    ASSERT_FALSE(report->intact());
    EXPECT_NE(report->problem->reason.find("interrupted write"), std::string::npos);
  }
  {
    io::MemoryStorage cut(storage);
    Bytes bytes = cut.read_durable(files.front()).value();
    cut.set_contents(files.front(), ByteSpan(bytes.data(), bytes.size() - 5));
    Result<VerifyReport> report = verify_partition(cut, dir);
    ASSERT_FALSE(report->intact());
    EXPECT_EQ(report->problem->segment, files.front());
    // Open refuses too: a sealed segment cannot have a torn tail.
    EXPECT_EQ(Partition::open(cut, dir, options()).status().code(), StatusCode::corruption);
  }
  {
    io::MemoryStorage missing(storage);
    ASSERT_TRUE(missing.remove(files[1]).ok());
    Result<VerifyReport> report = verify_partition(missing, dir);
    ASSERT_FALSE(report->intact());
    EXPECT_NE(report->problem->reason.find("missing"), std::string::npos);
    EXPECT_EQ(Partition::open(missing, dir, options()).status().code(), StatusCode::corruption);
  }
}

TEST(Verify, ClearErrorsForWhatIsNotALog) {
  io::MemoryStorage storage(5);
  EXPECT_EQ(verify_partition(storage, "/nothing").status().code(), StatusCode::not_found);
  storage.set_contents("/other/file.txt", as_bytes("hi"));
  Result<VerifyReport> report = verify_partition(storage, "/other");
  EXPECT_EQ(report.status().code(), StatusCode::invalid_argument);
  EXPECT_NE(report.status().message().find("not a Kimberlite log partition"), std::string::npos);
}

}  // namespace
}  // namespace kmb::log
