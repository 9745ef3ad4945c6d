// Tenant administration: creation, names, regions, quotas, legal hold, isolation.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "db/database.h"
#include "db/tenant_metadata.h"
#include "io/memory_storage.h"
#include "log/partition.h"

namespace kmb::db {
namespace {

constexpr char dir[] = "/data";

struct Fixture {
  io::MemoryStorage storage{5};
  io::ManualClock clock{1'705'314'600'000'000'000ULL};

  std::unique_ptr<Database> open(const DatabaseOptions& options = {}) {
    Result<std::unique_ptr<Database>> database = Database::open(storage, clock, dir, options);
    EXPECT_TRUE(database.ok()) << database.status().to_string();
    return database.ok() ? std::move(database).value() : nullptr;
  }
};

Status exec(Tenant& tenant, std::string_view sql) {
  return tenant.execute(sql, {}, {"tester", "test", 1}).status();
}

void make_table(Tenant& tenant) {
  ASSERT_TRUE(exec(tenant, "CREATE TABLE t (id BIGINT PRIMARY KEY, v TEXT)").ok());
}

std::int64_t count_rows(Tenant& tenant) {
  Result<sql::QueryResult> result = tenant.execute("SELECT count(*) FROM t");
  EXPECT_TRUE(result.ok()) << result.status().to_string();
  return result.ok() ? result->rows.at(0).at(0).as_int() : -1;
}

TEST(Tenancy, CreateListInfoAndNames) {
  Fixture f;
  auto database = f.open({.allowed_regions = {"eu-west-1", "eu-central-1"}});
  TenantConfig acme{"acme", "eu-central-1", {1000000, 50, 0}};
  ASSERT_TRUE(database->create_tenant(1, acme).ok());
  ASSERT_TRUE(database->create_tenant(2, TenantConfig{}).ok());
  EXPECT_EQ(database->create_tenant(1, TenantConfig{"other"}).status().code(), StatusCode::already_exists);
  Result<Tenant*> same_name = database->create_tenant(3, TenantConfig{"acme"});
  EXPECT_EQ(same_name.status().code(), StatusCode::already_exists);
  EXPECT_NE(same_name.status().message().find("taken by tenant 1"), std::string::npos);
  EXPECT_EQ(database->create_tenant(4, TenantConfig{"bad\nname"}).status().code(), StatusCode::invalid_argument);

  std::vector<TenantInfo> listed = database->list_tenants().value();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].name, "acme");
  EXPECT_EQ(listed[0].region, "eu-central-1");
  EXPECT_EQ(listed[0].quotas.records_per_second, 50u);
  EXPECT_EQ(listed[1].name, "tenant-2");
  EXPECT_EQ(listed[1].region, "eu-west-1");  // The node's default region.
  EXPECT_FALSE(listed[1].encrypted);         // No master key configured.

  make_table(*database->tenant(1).value());
  TenantInfo info = database->tenant_info(1).value();
  EXPECT_EQ(info.record_count, 1u);
  EXPECT_EQ(info.head_hash.size(), 64u);
  EXPECT_EQ(info.created_ns, f.clock.realtime_ns());
  EXPECT_EQ(database->tenant_info(9).status().code(), StatusCode::not_found);
  database.reset();

  // Everything survives a restart.
  database = f.open({.allowed_regions = {"eu-west-1", "eu-central-1"}});
  info = database->tenant_info(1).value();
  EXPECT_EQ(info.name, "acme");
  EXPECT_EQ(info.quotas.storage_bytes_max, 1000000u);
  EXPECT_EQ(info.record_count, 1u);
}

TEST(Tenancy, RegionsAreEnforcedOnCreateAndOpen) {
  Fixture f;
  {
    auto database = f.open({.allowed_regions = {"eu-west-1"}});
    Result<Tenant*> refused = database->create_tenant(1, TenantConfig{"us", "us-east-1"});
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().code(), StatusCode::failed_precondition);
    EXPECT_NE(refused.status().message().find("us-east-1"), std::string::npos) << refused.status().to_string();
    EXPECT_NE(refused.status().message().find("eu-west-1"), std::string::npos);
    EXPECT_FALSE(f.storage.exists("/data/tenants/1/tenant").value());
    EXPECT_EQ(database->create_tenant(1, TenantConfig{"bad", "EU West"}).status().code(), StatusCode::invalid_argument);
    Tenant& eu = *database->create_tenant(2, TenantConfig{"eu", "eu-west-1"}).value();
    make_table(eu);
  }
  {
    // A node in another region refuses to open the tenant, but still lists it.
    auto database = f.open({.allowed_regions = {"us-east-1"}});
    Result<Tenant*> opened = database->tenant(2, false);
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.status().code(), StatusCode::failed_precondition);
    EXPECT_EQ(database->tenant(2).status().code(), StatusCode::failed_precondition);  // Not "create" either.
    std::vector<TenantInfo> listed = database->list_tenants().value();
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].region, "eu-west-1");
    EXPECT_NE(listed[0].recovery.find("not opened"), std::string::npos);
  }
  {
    auto database = f.open();  // A node without region restrictions holds every tenant.
    EXPECT_TRUE(database->tenant(2, false).ok());
  }
}

TEST(Tenancy, SealRefusesWritesKeepsReadsAndIsAudited) {
  Fixture f;
  auto database = f.open();
  Tenant& tenant = *database->create_tenant(1, TenantConfig{"held"}).value();
  make_table(tenant);
  ASSERT_TRUE(exec(tenant, "INSERT INTO t VALUES (1, 'a')").ok());
  ASSERT_TRUE(database->seal(1, {"legal", "case 42", 0}).ok());
  Status refused = exec(tenant, "INSERT INTO t VALUES (2, 'b')");
  EXPECT_EQ(refused.code(), StatusCode::failed_precondition);
  EXPECT_NE(refused.message().find("sealed"), std::string::npos) << refused.to_string();
  EXPECT_EQ(exec(tenant, "CREATE TABLE u (id BIGINT)").code(), StatusCode::failed_precondition);
  EXPECT_EQ(count_rows(tenant), 1);                                          // Reads still work.
  EXPECT_EQ(database->seal(1, {}).code(), StatusCode::failed_precondition);  // Already sealed.
  EXPECT_TRUE(tenant.info()->sealed);
  const std::uint64_t records = tenant.info()->record_count;
  EXPECT_EQ(records, 3u);  // CREATE, INSERT, the seal event.
  database.reset();

  database = f.open();
  Tenant& reopened = *database->tenant(1, false).value();
  EXPECT_TRUE(reopened.info()->sealed);
  EXPECT_EQ(exec(reopened, "INSERT INTO t VALUES (2, 'b')").code(), StatusCode::failed_precondition);
  ASSERT_TRUE(database->unseal(1, {"legal", "case closed", 0}).ok());
  EXPECT_EQ(database->unseal(1, {}).code(), StatusCode::failed_precondition);  // Not sealed.
  ASSERT_TRUE(exec(reopened, "INSERT INTO t VALUES (2, 'b')").ok());
  EXPECT_EQ(count_rows(reopened), 2);
  database.reset();

  std::vector<TenantEventInfo> events = f.open()->tenant_events(1).value();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].event, "sealed");
  EXPECT_EQ(events[0].actor, "legal");
  EXPECT_EQ(events[0].reason, "case 42");
  EXPECT_EQ(events[0].position, 2u);
  EXPECT_EQ(events[1].event, "unsealed");
  EXPECT_EQ(events[1].reason, "case closed");

  // The seal and unseal are system records in the tenant's own log, with who and why.
  log::PartitionOptions options;
  options.tenant_id = 1;
  auto partition = log::Partition::open(f.storage, "/data/tenants/1/log", options).value();
  std::vector<log::Record> records_read = partition->read_range(0, partition->durable_offset()).value();
  ASSERT_EQ(records_read.size(), 5u);
  EXPECT_EQ(records_read[2].header.kind, log::RecordKind::system);
  EXPECT_EQ(records_read[2].reason, "case 42");
  EXPECT_EQ(records_read[3].header.kind, log::RecordKind::system);
  EXPECT_EQ(records_read[3].reason, "case closed");
}

// A seal that reached the log but not the metadata file (a crash between the two) is restored
// from the log on the next open.
TEST(Tenancy, SealInTheLogWinsOverStaleMetadata) {
  Fixture f;
  Bytes unsealed_metadata;
  {
    auto database = f.open();
    make_table(*database->create_tenant(1, TenantConfig{}).value());
    unsealed_metadata = f.storage.read_current("/data/tenants/1/tenant").value();
    ASSERT_TRUE(database->seal(1, {"legal", "hold", 0}).ok());
  }
  f.storage.set_contents("/data/tenants/1/tenant", unsealed_metadata);
  ASSERT_TRUE(f.storage.remove("/data/tenants/1/snapshot").ok());  // A crash leaves no newer checkpoint.
  auto database = f.open();
  Tenant& tenant = *database->tenant(1, false).value();
  EXPECT_TRUE(tenant.info()->sealed);
  EXPECT_EQ(exec(tenant, "INSERT INTO t VALUES (1, 'x')").code(), StatusCode::failed_precondition);
  EXPECT_TRUE(load_tenant_metadata(f.storage, "/data/tenants/1/tenant").value().sealed);
}

TEST(Tenancy, ThroughputQuotaRefusesOnlyItsTenantAndRefills) {
  Fixture f;
  auto database = f.open();
  Tenant& limited = *database->create_tenant(1, TenantConfig{"limited", "", {0, 5, 0}}).value();
  Tenant& free = *database->create_tenant(2, TenantConfig{"free"}).value();
  make_table(limited);  // 1 of 5 tokens.
  make_table(free);
  for (int i = 0; i < 4; i++) ASSERT_TRUE(exec(limited, "INSERT INTO t VALUES (" + std::to_string(i) + ", 'x')").ok());
  Status refused = exec(limited, "INSERT INTO t VALUES (100, 'x')");
  EXPECT_EQ(refused.code(), StatusCode::resource_exhausted);
  EXPECT_NE(refused.message().find("records_per_second = 5"), std::string::npos) << refused.to_string();
  EXPECT_NE(refused.message().find("retried"), std::string::npos);
  // The other tenant is not affected at all.
  for (int i = 0; i < 50; i++) ASSERT_TRUE(exec(free, "INSERT INTO t VALUES (" + std::to_string(i) + ", 'x')").ok());
  // A refused write leaves no trace.
  EXPECT_EQ(count_rows(limited), 4);
  EXPECT_EQ(limited.info()->record_count, 5u);
  // Time refills the bucket: 400 ms = 2 records.
  f.clock.advance_ns(400'000'000);
  EXPECT_TRUE(exec(limited, "INSERT INTO t VALUES (200, 'x')").ok());
  EXPECT_TRUE(exec(limited, "INSERT INTO t VALUES (201, 'x')").ok());
  EXPECT_EQ(exec(limited, "INSERT INTO t VALUES (202, 'x')").code(), StatusCode::resource_exhausted);
  // Raised at run time: effective at once and persisted.
  ASSERT_TRUE(database->set_quotas(1, TenantQuotas{0, 0, 0}).ok());
  for (int i = 300; i < 320; i++)
    ASSERT_TRUE(exec(limited, "INSERT INTO t VALUES (" + std::to_string(i) + ", 'x')").ok());
  ASSERT_TRUE(database->set_quotas(1, TenantQuotas{0, 0, 300}).ok());
  database.reset();
  database = f.open();
  EXPECT_EQ(database->tenant_info(1)->quotas.bytes_per_second, 300u);
  Tenant& reopened = *database->tenant(1, false).value();
  // A record is ~170 stored bytes: one fits in a 300-byte bucket, the second does not.
  EXPECT_TRUE(exec(reopened, "INSERT INTO t VALUES (400, 'x')").ok());
  Status bytes_refused = exec(reopened, "INSERT INTO t VALUES (401, 'x')");
  EXPECT_EQ(bytes_refused.code(), StatusCode::resource_exhausted);
  EXPECT_NE(bytes_refused.message().find("bytes_per_second = 300"), std::string::npos) << bytes_refused.to_string();
}

TEST(Tenancy, StorageQuotaRefusesWritesBeyondIt) {
  Fixture f;
  auto database = f.open();
  Tenant& tenant = *database->create_tenant(1, TenantConfig{"small", "", {2000, 0, 0}}).value();
  make_table(tenant);
  int accepted = 0;
  Status last;
  for (int i = 0; i < 100 && last.ok(); i++) {
    last = exec(tenant, "INSERT INTO t VALUES (" + std::to_string(i) + ", 'payload payload payload')");
    if (last.ok()) accepted++;
  }
  EXPECT_EQ(last.code(), StatusCode::resource_exhausted);
  EXPECT_NE(last.message().find("storage_bytes_max = 2000"), std::string::npos) << last.to_string();
  EXPECT_GT(accepted, 3);
  EXPECT_LE(tenant.info()->log_bytes, 2000u);
  ASSERT_TRUE(database->set_quotas(1, TenantQuotas{4000, 0, 0}).ok());
  EXPECT_TRUE(exec(tenant, "INSERT INTO t VALUES (1000, 'more')").ok());
}

// Tenant B's write throughput, paced by its own quota, is the same whether or not tenant A is
// hammering its (much lower) quota at the same time. Real clock and threads; modest rates and the
// median of several short runs keep it robust on a busy machine.
TEST(Tenancy, TenantOverQuotaDoesNotSlowOthers) {
  constexpr std::uint64_t b_rate = 400;
  constexpr auto run_length = std::chrono::milliseconds(500);
  auto measure = [&](bool with_a, std::uint64_t& a_refused) {
    io::MemoryStorage storage(9);
    io::RealClock clock;
    auto database = Database::open(storage, clock, dir, {}).value();
    Tenant& a = *database->create_tenant(1, TenantConfig{"a", "", {0, 20, 0}}).value();
    Tenant& b = *database->create_tenant(2, TenantConfig{"b", "", {0, b_rate, 0}}).value();
    make_table(a);
    make_table(b);
    // Drain B's initial burst so that the run measures the sustained rate.
    for (int i = 0; exec(b, "INSERT INTO t VALUES (" + std::to_string(-1 - i) + ", 'x')").ok(); i++) {
    }
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> refused{0};
    std::thread hammer;
    if (with_a) {
      hammer = std::thread([&] {
        for (int i = 0; !stop.load(); i++) {
          if (exec(a, "INSERT INTO t VALUES (" + std::to_string(i) + ", 'x')").code() ==
              StatusCode::resource_exhausted) {
            refused++;
          }
          std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
      });
    }
    std::uint64_t written = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; std::chrono::steady_clock::now() - start < run_length; i++) {
      if (exec(b, "INSERT INTO t VALUES (" + std::to_string(i) + ", 'x')").ok()) {
        written++;
      } else {
        std::this_thread::sleep_for(std::chrono::microseconds(500));
      }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    stop = true;
    if (hammer.joinable()) hammer.join();
    a_refused += refused.load();
    return static_cast<double>(written) / seconds;
  };
  auto median_of_runs = [&](bool with_a, std::uint64_t& a_refused) {
    std::vector<double> rates;
    for (int run = 0; run < 5; run++) rates.push_back(measure(with_a, a_refused));
    std::sort(rates.begin(), rates.end());
    return rates[rates.size() / 2];
  };
  std::uint64_t refused_solo = 0;
  std::uint64_t refused_shared = 0;
  const double solo = median_of_runs(false, refused_solo);
  const double shared = median_of_runs(true, refused_shared);
  RecordProperty("b_solo_records_per_second", std::to_string(solo));
  RecordProperty("b_shared_records_per_second", std::to_string(shared));
  RecordProperty("a_refused_writes", std::to_string(refused_shared));
  EXPECT_GT(refused_shared, 0u);                                 // A really was over its quota.
  EXPECT_NEAR(solo, static_cast<double>(b_rate), 0.1 * b_rate);  // B runs at its quota...
  EXPECT_NEAR(shared, solo, 0.1 * solo) << "solo " << solo << "/s, with A hammering " << shared << "/s";
}

TEST(Tenancy, TenantsAreIsolatedInHandlesAndFiles) {
  Fixture f;
  auto database = f.open();
  Tenant& one = *database->create_tenant(1, TenantConfig{"one"}).value();
  Tenant& two = *database->create_tenant(2, TenantConfig{"two"}).value();
  make_table(one);
  ASSERT_TRUE(exec(one, "INSERT INTO t VALUES (1, 'secret of one')").ok());
  // Tenant two has no table t, and its audit trail is empty.
  EXPECT_FALSE(two.execute("SELECT * FROM t").ok());
  EXPECT_TRUE(two.execute("SELECT * FROM kmb_audit").value().rows.empty());
  make_table(two);
  EXPECT_EQ(count_rows(two), 0);
  EXPECT_EQ(count_rows(one), 1);
  ASSERT_TRUE(one.checkpoint().ok());
  ASSERT_TRUE(two.checkpoint().ok());
  // Each tenant's files live in its own directory; nothing of a tenant is outside it.
  EXPECT_EQ(f.storage.list_directory("/data").value(), (std::vector<std::string>{"LOCK", "tenants"}));
  EXPECT_EQ(f.storage.list_directory("/data/tenants").value(), (std::vector<std::string>{"1", "2"}));
  for (const char* tenant : {"1", "2"}) {
    std::vector<std::string> files = f.storage.list_directory(std::string("/data/tenants/") + tenant).value();
    EXPECT_EQ(files, (std::vector<std::string>{"log", "snapshot", "tenant"})) << tenant;
  }
  // A log moved into another tenant's directory is refused (every record names its tenant).
  database.reset();
  ASSERT_TRUE(f.storage.rename("/data/tenants/1/log/PARTITION", "/data/tenants/2/log/PARTITION").ok());
  database = f.open();
  EXPECT_FALSE(database->tenant(2, false).ok());
}

// A tenant directory from before tenant metadata existed (a log only) still opens: unencrypted, no
// region, no quotas, named tenant-<id>; nothing is written just by opening it.
TEST(Tenancy, TenantsFromBeforeMetadataStillOpen) {
  Fixture f;
  {
    log::PartitionOptions options;
    options.tenant_id = 5;
    ASSERT_TRUE(f.storage.create_directories("/data/tenants/5").ok());
    auto partition = log::Partition::open(f.storage, "/data/tenants/5/log", options).value();
    Bytes payload = {'e', 'v'};
    log::RecordInput input{log::RecordKind::event, 1, 1, "old", payload};
    ASSERT_TRUE(partition->append(std::span(&input, 1), f.clock.realtime_ns()).ok());
  }
  auto database = f.open({.allowed_regions = {"eu-west-1"}});
  TenantInfo info = database->tenant_info(5).value();
  EXPECT_EQ(info.name, "tenant-5");
  EXPECT_EQ(info.region, "");
  EXPECT_FALSE(info.encrypted);
  EXPECT_EQ(info.record_count, 1u);
  EXPECT_FALSE(f.storage.exists("/data/tenants/5/tenant").value());
  ASSERT_TRUE(database->seal(5, {"legal", "hold", 0}).ok());  // Administration writes its metadata.
  EXPECT_TRUE(load_tenant_metadata(f.storage, "/data/tenants/5/tenant").value().sealed);
}

TEST(TenantMetadata, RoundTripsAndDetectsDamage) {
  TenantMetadata metadata{9, "acme corp", "eu-west-1", {1, 2, 3}, true, true, 1234};
  const Bytes encoded = encode_tenant_metadata(metadata);
  TenantMetadata decoded = decode_tenant_metadata(encoded, "m").value();
  EXPECT_EQ(decoded.tenant_id, 9u);
  EXPECT_EQ(decoded.name, "acme corp");
  EXPECT_EQ(decoded.region, "eu-west-1");
  EXPECT_EQ(decoded.quotas.bytes_per_second, 3u);
  EXPECT_TRUE(decoded.sealed);
  EXPECT_TRUE(decoded.encrypted);
  EXPECT_EQ(decoded.created_ns, 1234u);
  for (std::size_t i = 0; i < encoded.size(); i++) {
    Bytes damaged = encoded;
    damaged[i] ^= 0x10;
    EXPECT_FALSE(decode_tenant_metadata(damaged, "m").ok()) << i;
  }
  for (std::size_t size = 0; size < encoded.size(); size++) {
    EXPECT_FALSE(decode_tenant_metadata(ByteSpan(encoded).first(size), "m").ok()) << size;
  }
}

}  // namespace
}  // namespace kmb::db
