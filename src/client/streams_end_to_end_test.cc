// Event streams through the client library against the real server, in process, over real
// sockets: create, conditional appends, idempotent retries after a lost response, reads,
// subscriptions with credit-based flow control, tenant isolation, restarts and encrypted tenants.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "client/client.h"
#include "client/server_fixture_test_support.h"
#include "client/transport.h"
#include "db/database.h"
#include "db/master_key.h"
#include "io/clock.h"
#include "io/posix_storage.h"
#include "server/api_keys.h"
#include "server/metrics.h"
#include "server/server.h"

namespace kmb::client {
namespace {

Bytes text(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

// A transport that loses the connection right after sending the first AppendEvents request, as if
// the network failed before the response came back: the append commits, the client never hears.
class LosesFirstAppendResponse final : public Transport {
 public:
  LosesFirstAppendResponse(std::unique_ptr<Transport> inner, bool& lost) : inner_(std::move(inner)), lost_(lost) {}

  Status write_all(ByteSpan data, std::uint64_t deadline_ns) override {
    KMB_TRY(inner_->write_all(data, deadline_ns));
    const bool is_append = data.size() >= 8 && data[6] == 0x21 && data[7] == 0x00;  // MessageType::append_events
    if (is_append && !lost_) {
      lost_ = true;
      // Wait for the commit to land before dropping the connection, so the retry is a duplicate.
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      inner_->close();
    }
    return Status::ok_status();
  }
  Result<Bytes> read_some(std::uint64_t deadline_ns) override { return inner_->read_some(deadline_ns); }
  void close() override { inner_->close(); }

 private:
  std::unique_ptr<Transport> inner_;
  bool& lost_;
};

class StreamsEndToEnd : public testing::ServerFixture {
 protected:
  StreamsEndToEnd() : ServerFixture("client-streams-e2e") {}

  // Polls until `count` events arrived or 5 s passed.
  static std::vector<Event> poll_until(Subscription& subscription, std::size_t count) {
    std::vector<Event> events;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (events.size() < count && std::chrono::steady_clock::now() < deadline) {
      Result<std::vector<Event>> polled = subscription.poll(100);
      EXPECT_TRUE(polled.ok()) << polled.status().to_string();
      if (!polled.ok()) break;
      for (Event& event : *polled) events.push_back(std::move(event));
    }
    return events;
  }

};

TEST_F(StreamsEndToEnd, CreateConditionalAppendsAndReads) {
  start();
  std::unique_ptr<Client> writer = connect(writer_key_);
  std::unique_ptr<Client> reader = connect(reader_key_);
  ASSERT_NE(writer, nullptr);
  ASSERT_NE(reader, nullptr);
  Result<protocol::CreateStreamResponse> created = writer->create_stream("vitals");
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  EXPECT_TRUE(created->created);
  EXPECT_EQ(writer->create_stream("vitals").status().code(), StatusCode::already_exists);
  EXPECT_FALSE(writer->create_stream("vitals", true)->created);
  EXPECT_EQ(reader->create_stream("other").status().code(), StatusCode::failed_precondition);

  Result<protocol::AppendEventsResponse> first = writer->append("vitals", {text("a"), text("b")}, 0);
  ASSERT_TRUE(first.ok()) << first.status().to_string();
  EXPECT_EQ(first->first_offset, 0u);
  EXPECT_FALSE(first->duplicate);
  Result<protocol::AppendEventsResponse> second = writer->append("vitals", {text("c")}, 2, Audit{"monitor", "bp"});
  ASSERT_TRUE(second.ok()) << second.status().to_string();
  EXPECT_EQ(second->first_offset, 2u);
  // A stale expected offset fails at once (not retried) and appends nothing.
  EXPECT_EQ(writer->append("vitals", {text("x")}, 2).status().code(), StatusCode::failed_precondition);
  EXPECT_EQ(reader->append("vitals", {text("x")}).status().code(), StatusCode::failed_precondition);
  EXPECT_EQ(writer->append("missing", {text("x")}).status().code(), StatusCode::not_found);

  Result<protocol::ReadEventsResponse> all = reader->read_events("vitals", 0);
  ASSERT_TRUE(all.ok()) << all.status().to_string();
  EXPECT_EQ(all->stream_length, 3u);
  EXPECT_EQ(all->events, (std::vector<Bytes>{text("a"), text("b"), text("c")}));
  Result<protocol::ReadEventsResponse> tail = reader->read_events("vitals", 1, 1);
  ASSERT_TRUE(tail.ok());
  EXPECT_EQ(tail->first_offset, 1u);
  EXPECT_EQ(tail->events, (std::vector<Bytes>{text("b")}));
  EXPECT_TRUE(reader->read_events("vitals", 3)->events.empty());
}

TEST_F(StreamsEndToEnd, ARetryAfterALostResponseIsAnsweredAsADuplicate) {
  start();
  bool lost = false;
  ClientOptions options;
  options.connector = [&](const std::string& host, std::uint16_t port,
                          std::uint64_t deadline_ns) -> Result<std::unique_ptr<Transport>> {
    KMB_ASSIGN_OR_RETURN(std::unique_ptr<Transport> inner, connect_tcp(host, port, TlsOptions{}, clock_, deadline_ns));
    return std::unique_ptr<Transport>(std::make_unique<LosesFirstAppendResponse>(std::move(inner), lost));
  };
  std::unique_ptr<Client> writer = connect(writer_key_, options);
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->create_stream("vitals").ok());
  Result<protocol::AppendEventsResponse> appended = writer->append("vitals", {text("once"), text("only")});
  ASSERT_TRUE(appended.ok()) << appended.status().to_string();
  EXPECT_TRUE(lost);
  EXPECT_TRUE(appended->duplicate);  // the first attempt committed; the retry wrote nothing
  EXPECT_EQ(appended->first_offset, 0u);
  EXPECT_EQ(appended->event_count, 2u);
  Result<protocol::ReadEventsResponse> all = writer->read_events("vitals", 0);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->stream_length, 2u);
}

TEST_F(StreamsEndToEnd, SubscriptionsReceiveLiveEventsWithinTheirCredits) {
  start();
  std::unique_ptr<Client> writer = connect(writer_key_);
  std::unique_ptr<Client> reader = connect(reader_key_);
  ASSERT_NE(writer, nullptr);
  ASSERT_NE(reader, nullptr);
  ASSERT_TRUE(writer->create_stream("vitals").ok());
  ASSERT_TRUE(writer->append("vitals", {text("0")}).ok());
  Result<std::unique_ptr<Subscription>> subscription = reader->subscribe("vitals", 0, 3);
  ASSERT_TRUE(subscription.ok()) << subscription.status().to_string();
  for (int i = 1; i <= 5; i++) ASSERT_TRUE(writer->append("vitals", {text(std::to_string(i))}).ok());

  std::vector<Event> events = poll_until(**subscription, 3);
  ASSERT_EQ(events.size(), 3u);
  for (std::size_t i = 0; i < events.size(); i++) {
    EXPECT_EQ(events[i].offset, i);
    EXPECT_EQ(events[i].payload, text(std::to_string(i)));
  }
  // Out of credits: nothing more arrives although three more events exist.
  Result<std::vector<Event>> starved = (*subscription)->poll(300);
  ASSERT_TRUE(starved.ok()) << starved.status().to_string();
  EXPECT_TRUE(starved->empty());

  ASSERT_TRUE((*subscription)->grant(10).ok());
  std::vector<Event> rest = poll_until(**subscription, 3);
  ASSERT_EQ(rest.size(), 3u);
  EXPECT_EQ(rest[0].offset, 3u);
  EXPECT_EQ(rest[2].payload, text("5"));
  ASSERT_TRUE(writer->append("vitals", {text("6")}).ok());  // live, with credits left
  std::vector<Event> live = poll_until(**subscription, 1);
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].offset, 6u);
  EXPECT_TRUE((*subscription)->close().ok());
}

TEST_F(StreamsEndToEnd, AStreamIsOnlyVisibleInItsTenant) {
  start();
  std::unique_ptr<Client> admin = connect(admin_key_);
  ASSERT_NE(admin, nullptr);
  ASSERT_TRUE(admin->create_stream("vitals").ok());
  ASSERT_TRUE(admin->append("vitals", {text("secret")}).ok());
  ASSERT_TRUE(admin->create_tenant(2, protocol::TenantConfig{"lab", "", {}}).ok());
  Result<protocol::ApiKeyCreateResponse> lab_key = admin->create_api_key(2, protocol::Role::writer, "lab");
  ASSERT_TRUE(lab_key.ok()) << lab_key.status().to_string();
  std::unique_ptr<Client> lab = connect(lab_key->secret);
  ASSERT_NE(lab, nullptr);
  EXPECT_EQ(lab->read_events("vitals", 0).status().code(), StatusCode::not_found);
  EXPECT_EQ(lab->subscribe("vitals", 0, 10).status().code(), StatusCode::not_found);
  EXPECT_EQ(lab->append("vitals", {text("x")}).status().code(), StatusCode::not_found);
  // The same name in tenant 2 is a different stream.
  ASSERT_TRUE(lab->create_stream("vitals").ok());
  EXPECT_EQ(lab->read_events("vitals", 0)->stream_length, 0u);
  EXPECT_EQ(admin->read_events("vitals", 0)->stream_length, 1u);
}

TEST_F(StreamsEndToEnd, EventsSurviveARestart) {
  start();
  {
    std::unique_ptr<Client> writer = connect(writer_key_);
    ASSERT_NE(writer, nullptr);
    ASSERT_TRUE(writer->create_stream("vitals").ok());
    ASSERT_TRUE(writer->append("vitals", {text("before")}).ok());
  }
  stop();
  start();
  std::unique_ptr<Client> writer = connect(writer_key_);
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->append("vitals", {text("after")}, 1).ok());
  Result<protocol::ReadEventsResponse> all = writer->read_events("vitals", 0);
  ASSERT_TRUE(all.ok()) << all.status().to_string();
  EXPECT_EQ(all->events, (std::vector<Bytes>{text("before"), text("after")}));
}

TEST_F(StreamsEndToEnd, EncryptedTenantsServeStreams) {
  Result<std::shared_ptr<db::MasterKeyProvider>> key = db::parse_master_key_hex(std::string(64, '7'), "test key");
  ASSERT_TRUE(key.ok()) << key.status().to_string();
  start({}, db::DatabaseOptions{.master_key = *key});
  Result<db::TenantInfo> info = database_->tenant_info(1);
  ASSERT_TRUE(info.ok());
  ASSERT_TRUE(info->encrypted);
  {
    std::unique_ptr<Client> writer = connect(writer_key_);
    ASSERT_NE(writer, nullptr);
    ASSERT_TRUE(writer->create_stream("vitals").ok());
    ASSERT_TRUE(writer->append("vitals", {text("confidential")}).ok());
  }
  stop();
  start({}, db::DatabaseOptions{.master_key = *key});
  std::unique_ptr<Client> reader = connect(reader_key_);
  ASSERT_NE(reader, nullptr);
  Result<protocol::ReadEventsResponse> all = reader->read_events("vitals", 0);
  ASSERT_TRUE(all.ok()) << all.status().to_string();
  EXPECT_EQ(all->events, (std::vector<Bytes>{text("confidential")}));
}

}  // namespace
}  // namespace kmb::client
