// Encryption at rest, end to end through SQL: what reaches the disk, tampering, wrong keys, key
// rotation and nonce uniqueness. Real files in a temporary directory, so "every file under the data
// directory" means exactly that.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <tuple>

#include "crypto/crc32c.h"
#include "db/database.h"
#include "db/master_key.h"
#include "db/record_cipher.h"
#include "io/posix_storage.h"
#include "log/format.h"
#include "log/partition.h"
#include "log/verify.h"

namespace kmb::db {
namespace {

namespace fs = std::filesystem;

const char* const markers[] = {"QUOKKA_VALUE_MARKER", "ZEBRA_TABLE_MARKER", "OKAPI_COLUMN_MARKER",
                               "NARWHAL_REASON_MARKER", "PANGOLIN_ACTOR_MARKER"};

std::uint32_t crypto_crc(const std::string& bytes, std::size_t start, std::size_t length) {
  return crypto::crc32c(ByteSpan(reinterpret_cast<const std::uint8_t*>(bytes.data()) + start, length));
}

std::shared_ptr<MasterKeyProvider> key_from_byte(std::uint8_t byte) {
  return parse_master_key_hex(std::string(64, "0123456789abcdef"[byte & 15]), "test key").value();
}

class EncryptionTest : public ::testing::Test {
 protected:
  EncryptionTest() {
    std::string pattern = (fs::temp_directory_path() / "kmb-encryption-XXXXXX").string();
    const char* created = ::mkdtemp(pattern.data());
    KMB_ASSERT(created != nullptr);
    root_ = created;
  }
  ~EncryptionTest() override {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }

  std::unique_ptr<Database> open(std::shared_ptr<MasterKeyProvider> key) {
    DatabaseOptions options;
    options.master_key = std::move(key);
    options.discover_master_key = false;
    Result<std::unique_ptr<Database>> database = Database::open(root_, options);
    EXPECT_TRUE(database.ok()) << database.status().to_string();
    return std::move(database).value();
  }

  static sql::QueryResult run(Tenant& tenant, std::string_view sql, const sql::AuditContext& audit = {}) {
    Result<sql::QueryResult> result = tenant.execute(sql, {}, audit);
    EXPECT_TRUE(result.ok()) << sql << ": " << result.status().to_string();
    return result.ok() ? std::move(result).value() : sql::QueryResult{};
  }

  // Every regular file under the data directory, with its bytes.
  std::map<std::string, std::string> all_files() const {
    std::map<std::string, std::string> files;
    for (const fs::directory_entry& entry : fs::recursive_directory_iterator(root_)) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      files[entry.path().string()] = std::string(std::istreambuf_iterator<char>(in), {});
    }
    return files;
  }

  std::string log_directory(std::uint64_t tenant) const {
    return root_ + "/tenants/" + std::to_string(tenant) + "/log";
  }
  std::string segment_path(std::uint64_t tenant) const {
    return log_directory(tenant) + "/" + log::segment_file_name(0);
  }

  // Writes the marker workload to tenant 1 and closes the database (which checkpoints).
  void write_markers(std::shared_ptr<MasterKeyProvider> key) {
    auto database = open(std::move(key));
    Tenant& tenant = *database->tenant(1).value();
    const sql::AuditContext audit{"PANGOLIN_ACTOR_MARKER", "NARWHAL_REASON_MARKER", 7};
    run(tenant, "CREATE TABLE ZEBRA_TABLE_MARKER (id BIGINT PRIMARY KEY, OKAPI_COLUMN_MARKER TEXT)", audit);
    for (int i = 0; i < 20; i++) {
      run(tenant, "INSERT INTO ZEBRA_TABLE_MARKER VALUES (" + std::to_string(i) + ", 'QUOKKA_VALUE_MARKER')", audit);
    }
    ASSERT_TRUE(tenant.checkpoint().ok());
  }

  std::size_t marker_hits() const {
    std::size_t hits = 0;
    for (const auto& [path, content] : all_files()) {
      for (const char* marker : markers) {
        if (content.find(marker) != std::string::npos) hits++;
      }
    }
    return hits;
  }

  log::VerifyReport verify(std::uint64_t tenant) {
    io::PosixStorage storage;
    Result<log::VerifyReport> report = log::verify_partition(storage, log_directory(tenant));
    EXPECT_TRUE(report.ok()) << report.status().to_string();
    return report.ok() ? *report : log::VerifyReport{};
  }

  // The stored records of a closed tenant's log, as the log sees them (envelopes, not plaintext).
  std::vector<log::Record> stored_records(std::uint64_t tenant) {
    io::PosixStorage storage;
    log::PartitionOptions options;
    options.tenant_id = tenant;
    options.create_if_missing = false;
    auto partition = log::Partition::open(storage, log_directory(tenant), options).value();
    return partition->read_range(0, partition->durable_offset(), 1ULL << 30).value();
  }

  std::string root_;
};

TEST_F(EncryptionTest, NoPlaintextMarkerReachesAnyFile) {
  write_markers(key_from_byte(1));
  std::size_t files_scanned = 0;
  for (const auto& [path, content] : all_files()) {
    files_scanned++;
    for (const char* marker : markers) {
      EXPECT_EQ(content.find(marker), std::string::npos) << marker << " found in " << path;
    }
  }
  EXPECT_GE(files_scanned, 5u);  // metadata, keys, manifest, segment, snapshot at least.
  // And everything reads back through the key.
  auto database = open(key_from_byte(1));
  Tenant& tenant = *database->tenant(1, false).value();
  EXPECT_EQ(run(tenant, "SELECT count(*) FROM ZEBRA_TABLE_MARKER WHERE OKAPI_COLUMN_MARKER = 'QUOKKA_VALUE_MARKER'")
                .rows.at(0)
                .at(0),
            kernel::Value::integer(20));
  sql::QueryResult audit = run(tenant, "SELECT actor, reason FROM kmb_audit ORDER BY position DESC LIMIT 1");
  EXPECT_EQ(kernel::to_display(audit.rows.at(0).at(0)), "PANGOLIN_ACTOR_MARKER");
  EXPECT_EQ(kernel::to_display(audit.rows.at(0).at(1)), "NARWHAL_REASON_MARKER");
  EXPECT_TRUE(tenant.info()->encrypted);
  EXPECT_TRUE(verify(1).intact());
}

// The scan above would be meaningless if it could not see plaintext: without a key it does.
TEST_F(EncryptionTest, MarkerScanFindsPlaintextOfAnUnencryptedTenant) {
  write_markers(nullptr);
  EXPECT_GE(marker_hits(), std::size(markers));
}

TEST_F(EncryptionTest, AlteredCiphertextIsCorruptionAndVerifyReportsIt) {
  write_markers(key_from_byte(2));
  const std::vector<log::Record> records = stored_records(1);
  ASSERT_EQ(records.size(), 21u);
  std::string segment = all_files()[segment_path(1)];
  // A flipped byte in the middle of the log: the CRC catches it, verify reports it, open refuses.
  {
    std::string damaged = segment;
    const std::size_t middle = damaged.size() / 2;
    damaged[middle] = static_cast<char>(damaged[middle] ^ 0x20);
    std::ofstream(segment_path(1), std::ios::binary | std::ios::trunc) << damaged;
    const log::VerifyReport report = verify(1);
    ASSERT_FALSE(report.intact());
    Result<std::unique_ptr<Database>> reopened = Database::open(root_, DatabaseOptions{.master_key = key_from_byte(2)});
    ASSERT_TRUE(reopened.ok());
    Result<Tenant*> tenant = (*reopened)->tenant(1, false);
    ASSERT_FALSE(tenant.ok());
    EXPECT_EQ(tenant.status().code(), StatusCode::corruption) << tenant.status().to_string();
  }
  // A forger who also fixes the CRC of the last record (nothing after it links to its hash):
  // verify without an anchored head cannot tell, but the authentication tag does.
  {
    std::string forged = segment;
    const std::size_t last_crc = forged.size() - 4;
    const std::size_t target = last_crc - 20;  // Inside the last record's ciphertext/tag.
    forged[target] = static_cast<char>(forged[target] ^ 0x01);
    const std::uint64_t record_size = records.back().header.record_size();
    const std::size_t record_start = forged.size() - record_size;
    const std::uint32_t crc = crypto_crc(forged, record_start, record_size - 4);
    store_le<std::uint32_t>(reinterpret_cast<std::uint8_t*>(forged.data()) + last_crc, crc);
    std::ofstream(segment_path(1), std::ios::binary | std::ios::trunc) << forged;
    fs::remove(root_ + "/tenants/1/snapshot");
    EXPECT_TRUE(verify(1).intact());
    auto database = open(key_from_byte(2));
    Result<Tenant*> tenant = database->tenant(1, false);
    ASSERT_FALSE(tenant.ok());
    EXPECT_EQ(tenant.status().code(), StatusCode::corruption);
    EXPECT_NE(tenant.status().message().find("integrity"), std::string::npos) << tenant.status().to_string();
  }
}

TEST_F(EncryptionTest, MissingOrWrongMasterKeyIsAClearErrorAndWritesNothing) {
  write_markers(key_from_byte(3));
  const std::map<std::string, std::string> before = all_files();
  {
    auto database = open(key_from_byte(4));
    Result<Tenant*> tenant = database->tenant(1, false);
    ASSERT_FALSE(tenant.ok());
    EXPECT_EQ(tenant.status().code(), StatusCode::failed_precondition);
    EXPECT_NE(tenant.status().message().find("does not match"), std::string::npos) << tenant.status().to_string();
    // tenant(id, create = true) must not treat the tenant as new either.
    EXPECT_EQ(database->tenant(1).status().code(), StatusCode::failed_precondition);
  }
  {
    auto database = open(nullptr);
    Result<Tenant*> tenant = database->tenant(1, false);
    ASSERT_FALSE(tenant.ok());
    EXPECT_EQ(tenant.status().code(), StatusCode::failed_precondition);
    EXPECT_NE(tenant.status().message().find("no master key"), std::string::npos) << tenant.status().to_string();
  }
  EXPECT_EQ(all_files(), before);
}

TEST_F(EncryptionTest, RotationKeepsOldRecordsReadableAndVerifyPasses) {
  {
    auto database = open(key_from_byte(5));
    Tenant& tenant = *database->tenant(1).value();
    run(tenant, "CREATE TABLE t (id BIGINT PRIMARY KEY, v TEXT)");
    run(tenant, "INSERT INTO t VALUES (1, 'before')");
    EXPECT_EQ(tenant.info()->key_epoch, 1u);
    Result<std::uint32_t> epoch = database->rotate_key(1, {"admin", "quarterly rotation", 0});
    ASSERT_TRUE(epoch.ok()) << epoch.status().to_string();
    EXPECT_EQ(*epoch, 2u);
    EXPECT_EQ(tenant.info()->key_epoch, 2u);
    run(tenant, "INSERT INTO t VALUES (2, 'after')");
    ASSERT_TRUE(tenant.checkpoint().ok());
  }
  std::map<std::uint64_t, std::uint32_t> epoch_of;
  for (const log::Record& record : stored_records(1)) {
    ASSERT_NE(record.header.flags & log::record_flag_encrypted, 0);
    epoch_of[record.header.offset] = decode_envelope_header(record.payload).value().key_epoch;
  }
  EXPECT_EQ(epoch_of, (std::map<std::uint64_t, std::uint32_t>{{0, 1}, {1, 1}, {2, 2}, {3, 2}}));
  EXPECT_TRUE(verify(1).intact());
  // From the snapshot (epoch 2) and by full replay (both epochs).
  for (bool drop_snapshot : {false, true}) {
    if (drop_snapshot) fs::remove(root_ + "/tenants/1/snapshot");
    auto database = open(key_from_byte(5));
    Tenant& tenant = *database->tenant(1, false).value();
    sql::QueryResult rows = run(tenant, "SELECT v FROM t ORDER BY id");
    ASSERT_EQ(rows.rows.size(), 2u);
    EXPECT_EQ(kernel::to_display(rows.rows[0][0]), "before");
    EXPECT_EQ(kernel::to_display(rows.rows[1][0]), "after");
    EXPECT_EQ(tenant.info()->key_epoch, 2u);
    std::vector<TenantEventInfo> events = database->tenant_events(1).value();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].event, "key rotated");
    EXPECT_EQ(events[0].key_epoch, 2u);
    EXPECT_EQ(events[0].reason, "quarterly rotation");  // Decrypted: the reason is not stored in clear.
  }
  EXPECT_EQ(open(nullptr)->rotate_key(2, {}).status().code(), StatusCode::not_found);
}

// No (key epoch, session, offset) — i.e. no (key, nonce) pair — is ever used twice: not across
// restarts, and not when a crash cuts off a record and its offset is written again.
TEST_F(EncryptionTest, NoncesNeverRepeat) {
  using Nonce = std::tuple<std::uint32_t, std::uint32_t, std::uint64_t>;  // (key epoch, session, offset)
  std::map<Nonce, Bytes> seen;  // Every nonce ever used, with the ciphertext it produced.
  auto record_all = [&] {
    for (const log::Record& record : stored_records(1)) {
      const EnvelopeHeader header = decode_envelope_header(record.payload).value();
      auto [it, inserted] = seen.emplace(Nonce{header.key_epoch, header.session, record.header.offset}, record.payload);
      // Seen before: it must be the very same record read again, never a second encryption.
      if (!inserted) {
        EXPECT_EQ(it->second, record.payload) << "nonce reused at offset " << record.header.offset;
      }
    }
  };
  for (int round = 0; round < 3; round++) {
    {
      auto database = open(key_from_byte(6));
      Tenant& tenant = *database->tenant(1).value();
      if (round == 0) run(tenant, "CREATE TABLE t (id BIGINT PRIMARY KEY, v TEXT)");
      for (int i = 0; i < 5; i++) {
        run(tenant,
            "INSERT INTO t VALUES (" + std::to_string(round * 100 + i) + ", 'round " + std::to_string(round) + "')");
      }
    }
    record_all();
    // A crash that tore the last record: recovery cuts it off and its offset is written again,
    // with different content, by the next open.
    const std::uint64_t last_size = stored_records(1).back().header.record_size();
    fs::resize_file(segment_path(1), fs::file_size(segment_path(1)) - last_size + 7);
    fs::remove(root_ + "/tenants/1/snapshot");
  }
  {
    auto database = open(key_from_byte(6));
    run(*database->tenant(1).value(), "INSERT INTO t VALUES (999, 'last')");
  }
  record_all();
  // 6 + 5 + 5 + 1 records were encrypted (three of them later torn off); each had its own nonce.
  EXPECT_EQ(seen.size(), 17u);
  std::map<std::uint64_t, int> encryptions_per_offset;
  for (const auto& entry : seen) encryptions_per_offset[std::get<2>(entry.first)]++;
  EXPECT_EQ(encryptions_per_offset[5], 2);  // The torn offsets were encrypted twice, in different sessions.
  EXPECT_EQ(encryptions_per_offset[9], 2);
  EXPECT_EQ(encryptions_per_offset[13], 2);
  EXPECT_EQ(encryptions_per_offset[4], 1);
}

}  // namespace
}  // namespace kmb::db
