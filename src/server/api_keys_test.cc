#include "server/api_keys.h"

#include <gtest/gtest.h>

#include <string>

#include "io/clock.h"
#include "io/memory_storage.h"

namespace kmb::server {
namespace {

constexpr const char* data_directory = "/data";

class ApiKeysTest : public ::testing::Test {
 protected:
  std::unique_ptr<ApiKeyStore> open() {
    Result<std::unique_ptr<ApiKeyStore>> store = ApiKeyStore::open(storage_, clock_, data_directory, true);
    EXPECT_TRUE(store.ok()) << store.status().to_string();
    return std::move(store).value();
  }

  // Every byte the system log holds on "disk".
  std::string stored_bytes() {
    std::string all;
    const std::string directory = system_log_directory(data_directory);
    Result<std::vector<std::string>> names = storage_.list_directory(directory);
    EXPECT_TRUE(names.ok());
    for (const std::string& name : *names) {
      Result<Bytes> bytes = io::read_whole_file(storage_, io::join_path(directory, name));
      EXPECT_TRUE(bytes.ok());
      all.append(bytes->begin(), bytes->end());
    }
    return all;
  }

  io::MemoryStorage storage_{7};
  io::ManualClock clock_;
  KeyActor actor_{"test", "unit test"};
};

TEST_F(ApiKeysTest, CreatedKeyAuthenticatesWithItsTenantAndRole) {
  auto store = open();
  Result<CreatedKey> created = store->create(3, Role::writer, "ci", actor_);
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  EXPECT_EQ(created->key.size(), api_key_text_size);
  EXPECT_EQ(created->key.substr(0, 4), "kmb_");
  EXPECT_EQ(created->info.id.size(), api_key_id_size);
  EXPECT_EQ(created->info.created_ns, clock_.realtime_ns());

  Result<ApiKeyInfo> info = store->authenticate(created->key);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->tenant_id, 3u);
  EXPECT_EQ(info->role, Role::writer);
  EXPECT_EQ(info->label, "ci");
  EXPECT_TRUE(store->check(created->info.id).ok());
}

TEST_F(ApiKeysTest, WrongAndMalformedKeysGetOneAnswer) {
  auto store = open();
  ASSERT_TRUE(store->create(1, Role::admin, "", actor_).ok());
  for (const std::string& key : {std::string("kmb_") + std::string(64, '0'), std::string("kmb_xyz"), std::string(),
                                 std::string(68, 'k'), std::string("KMB_") + std::string(64, 'a')}) {
    Result<ApiKeyInfo> info = store->authenticate(key);
    ASSERT_FALSE(info.ok()) << key;
    EXPECT_EQ(info.status().code(), StatusCode::invalid_argument);
    EXPECT_NE(info.status().message().find("authentication failed"), std::string::npos);
  }
}

TEST_F(ApiKeysTest, RevocationIsImmediateAndIdempotent) {
  auto store = open();
  Result<CreatedKey> created = store->create(1, Role::reader, "", actor_);
  ASSERT_TRUE(created.ok());
  ASSERT_TRUE(store->revoke(created->info.id, actor_).ok());
  EXPECT_FALSE(store->authenticate(created->key).ok());
  EXPECT_EQ(store->check(created->info.id).status().code(), StatusCode::failed_precondition);
  EXPECT_TRUE(store->revoke(created->info.id, actor_).ok());
  EXPECT_EQ(store->revoke("0123456789abcdef", actor_).code(), StatusCode::not_found);
}

TEST_F(ApiKeysTest, RotationReplacesTheKeyInOneEvent) {
  auto store = open();
  Result<CreatedKey> old_key = store->create(2, Role::admin, "ops", actor_);
  ASSERT_TRUE(old_key.ok());
  Result<CreatedKey> new_key = store->rotate(old_key->info.id, actor_);
  ASSERT_TRUE(new_key.ok()) << new_key.status().to_string();
  EXPECT_NE(new_key->key, old_key->key);
  EXPECT_EQ(new_key->info.tenant_id, 2u);
  EXPECT_EQ(new_key->info.role, Role::admin);
  EXPECT_EQ(new_key->info.label, "ops");
  EXPECT_FALSE(store->authenticate(old_key->key).ok());
  EXPECT_TRUE(store->authenticate(new_key->key).ok());
  EXPECT_EQ(store->rotate(old_key->info.id, actor_).status().code(), StatusCode::failed_precondition);
  EXPECT_EQ(store->system_log().record_count(), 2u);  // create + rotate
}

TEST_F(ApiKeysTest, RegistryIsTheReplayOfTheSystemLog) {
  std::string kept;
  std::string revoked;
  {
    auto store = open();
    Result<CreatedKey> a = store->create(1, Role::writer, "kept", actor_);
    Result<CreatedKey> b = store->create(1, Role::reader, "revoked", actor_);
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_TRUE(store->revoke(b->info.id, actor_).ok());
    ASSERT_TRUE(store->audit_denied(a->info.id, 1, 2, "tenant_info", "127.0.0.1:5", "test").ok());
    kept = a->key;
    revoked = b->key;
  }
  auto store = open();
  EXPECT_TRUE(store->authenticate(kept).ok());
  EXPECT_FALSE(store->authenticate(revoked).ok());
  EXPECT_EQ(store->list().size(), 2u);
  EXPECT_EQ(store->list(1).size(), 2u);
  EXPECT_EQ(store->list(9).size(), 0u);
  EXPECT_EQ(store->denied_count(), 1u);
}

TEST_F(ApiKeysTest, OnlyTheDigestIsStored) {
  auto store = open();
  Result<CreatedKey> created = store->create(1, Role::admin, "", actor_);
  ASSERT_TRUE(created.ok());
  const std::string stored = stored_bytes();
  EXPECT_EQ(stored.find(created->key.substr(4)), std::string::npos);
  EXPECT_NE(stored.find(created->info.id), std::string::npos);
}

TEST_F(ApiKeysTest, RefusesBadRequests) {
  auto store = open();
  EXPECT_EQ(store->create(0, Role::admin, "", actor_).status().code(), StatusCode::invalid_argument);
  EXPECT_EQ(store->create(1, Role::admin, std::string(api_key_label_size_max + 1, 'x'), actor_).status().code(),
            StatusCode::invalid_argument);
  EXPECT_EQ(store->rotate("nope", actor_).status().code(), StatusCode::not_found);
  EXPECT_FALSE(parse_role("superuser").ok());
  EXPECT_EQ(*parse_role("read-only"), Role::reader);
  EXPECT_EQ(role_name(Role::writer), "writer");
}

}  // namespace
}  // namespace kmb::server
