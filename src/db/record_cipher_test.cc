#include "db/record_cipher.h"

#include <gtest/gtest.h>

#include <set>

#include "io/memory_storage.h"

namespace kmb::db {
namespace {

std::shared_ptr<MasterKeyProvider> test_key(char digit) {
  return parse_master_key_hex(std::string(64, digit), "test key").value();
}

struct Fixture {
  io::MemoryStorage storage{3};
  Fixture() { EXPECT_TRUE(storage.create_directories("/t").ok()); }
  std::unique_ptr<TenantKeyring> create() {
    return TenantKeyring::create(storage, "/t/keys", 7, *test_key('a'), 1000).value();
  }
};

log::Record as_record(std::uint64_t offset, log::RecordKind kind, Bytes envelope) {
  log::Record record;
  record.header.kind = kind;
  record.header.flags = log::record_flag_encrypted;
  record.header.offset = offset;
  record.payload = std::move(envelope);
  return record;
}

TEST(RecordCipher, RoundTripsReasonAndPayload) {
  Fixture f;
  auto keyring = f.create();
  RecordCipher cipher(*keyring, 7);
  const Bytes payload = {1, 2, 3, 4, 5};
  Bytes envelope = cipher.seal(3, log::RecordKind::command, "why", payload).value();
  EXPECT_EQ(envelope.size(), payload.size() + 3 + record_envelope_overhead_size);
  log::Record record = as_record(3, log::RecordKind::command, envelope);
  ASSERT_TRUE(cipher.open(record).ok());
  EXPECT_EQ(record.reason, "why");
  EXPECT_EQ(record.payload, payload);
}

TEST(RecordCipher, BindsOffsetKindAndTenant) {
  Fixture f;
  auto keyring = f.create();
  RecordCipher cipher(*keyring, 7);
  const Bytes envelope = cipher.seal(3, log::RecordKind::command, "", Bytes{9}).value();
  log::Record moved = as_record(4, log::RecordKind::command, envelope);
  EXPECT_EQ(cipher.open(moved).code(), StatusCode::corruption);
  log::Record rekinded = as_record(3, log::RecordKind::system, envelope);
  EXPECT_EQ(cipher.open(rekinded).code(), StatusCode::corruption);
  RecordCipher other_tenant(*keyring, 8);
  log::Record foreign = as_record(3, log::RecordKind::command, envelope);
  EXPECT_EQ(other_tenant.open(foreign).code(), StatusCode::corruption);
  Bytes unknown_epoch = envelope;
  unknown_epoch[0] = 9;
  log::Record future = as_record(3, log::RecordKind::command, unknown_epoch);
  Status opened = cipher.open(future);
  EXPECT_EQ(opened.code(), StatusCode::corruption);
  EXPECT_NE(opened.message().find("key epoch 9"), std::string::npos) << opened.to_string();
}

// A new session starts on the first seal and whenever an offset would not increase (a rolled back
// or torn write being retried), and it is persisted before it is used.
TEST(RecordCipher, OffsetsThatDoNotIncreaseStartANewPersistedSession) {
  Fixture f;
  auto keyring = f.create();
  RecordCipher cipher(*keyring, 7);
  std::set<std::pair<std::uint32_t, std::uint64_t>> nonces;
  const std::uint64_t offsets[] = {0, 1, 2, 2, 3, 1, 2, 3, 4};
  for (std::uint64_t offset : offsets) {
    const Bytes envelope = cipher.seal(offset, log::RecordKind::command, "", Bytes{1}).value();
    const EnvelopeHeader header = decode_envelope_header(envelope).value();
    EXPECT_TRUE(nonces.insert({header.session, offset}).second) << "offset " << offset;
  }
  EXPECT_EQ(keyring->last_session(), 3u);
  auto reloaded = TenantKeyring::load(f.storage, "/t/keys", 7, test_key('a').get()).value();
  EXPECT_EQ(reloaded->last_session(), 3u);
  // A second cipher over the reloaded keyring (the next process) continues with session 4.
  RecordCipher next(*reloaded, 7);
  const Bytes envelope = next.seal(5, log::RecordKind::command, "", Bytes{1}).value();
  EXPECT_EQ(decode_envelope_header(envelope).value().session, 4u);
}

TEST(Keyring, WrongOrMissingMasterKeyIsRefused) {
  Fixture f;
  f.create();
  Result<std::unique_ptr<TenantKeyring>> wrong = TenantKeyring::load(f.storage, "/t/keys", 7, test_key('b').get());
  EXPECT_EQ(wrong.status().code(), StatusCode::failed_precondition);
  EXPECT_NE(wrong.status().message().find("key-check"), std::string::npos) << wrong.status().to_string();
  EXPECT_EQ(TenantKeyring::load(f.storage, "/t/keys", 7, nullptr).status().code(), StatusCode::failed_precondition);
  // The same file under another tenant id is refused (keys are bound to their tenant).
  EXPECT_EQ(TenantKeyring::load(f.storage, "/t/keys", 8, test_key('a').get()).status().code(), StatusCode::corruption);
}

TEST(Keyring, RotationAddsEpochsThatSurviveReload) {
  Fixture f;
  auto keyring = f.create();
  EXPECT_EQ(keyring->current_epoch(), 1u);
  EXPECT_EQ(keyring->rotate(2000).value(), 2u);
  EXPECT_EQ(keyring->rotate(3000).value(), 3u);
  auto reloaded = TenantKeyring::load(f.storage, "/t/keys", 7, test_key('a').get()).value();
  ASSERT_EQ(reloaded->current_epoch(), 3u);
  for (std::uint32_t epoch = 1; epoch <= 3; epoch++) {
    EXPECT_EQ(Bytes(reloaded->record_key(epoch)->bytes().begin(), reloaded->record_key(epoch)->bytes().end()),
              Bytes(keyring->record_key(epoch)->bytes().begin(), keyring->record_key(epoch)->bytes().end()));
  }
  EXPECT_EQ(reloaded->epoch_created_ns(2), 2000u);
  EXPECT_EQ(reloaded->record_key(4), nullptr);
  EXPECT_EQ(reloaded->record_key(0), nullptr);
  // Every byte of the file is covered: damage is detected, never misread.
  const Bytes content = f.storage.read_current("/t/keys").value();
  for (std::size_t i = 0; i < content.size(); i += 7) {
    Bytes damaged = content;
    damaged[i] ^= 0x40;
    f.storage.set_contents("/t/keys", damaged);
    EXPECT_FALSE(TenantKeyring::load(f.storage, "/t/keys", 7, test_key('a').get()).ok()) << i;
  }
}

TEST(MasterKey, ParsesHexAndRefusesAnythingElse) {
  EXPECT_TRUE(parse_master_key_hex(" " + std::string(64, 'F') + "\n", "x").ok());
  EXPECT_EQ(parse_master_key_hex(std::string(63, 'f'), "x").status().code(), StatusCode::invalid_argument);
  Result<std::shared_ptr<MasterKeyProvider>> bad = parse_master_key_hex(std::string(64, 'g'), "x");
  EXPECT_EQ(bad.status().code(), StatusCode::invalid_argument);
  EXPECT_EQ(bad.status().message().find("gggg"), std::string::npos);  // Never echoes key material.
}

}  // namespace
}  // namespace kmb::db
