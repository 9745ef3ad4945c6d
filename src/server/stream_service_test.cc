// Streams through the RequestHandler (roles, tenants, idempotency, subscriptions with credits)
// over an in-memory database; the same over real sockets and the client library is in
// src/client/streams_end_to_end_test.cc.
#include "server/stream_service.h"

#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "io/clock.h"
#include "io/memory_storage.h"
#include "server/request_handler.h"

namespace kmb::server {
namespace {

namespace p = protocol;

// Collects the frames pushed to one fake connection.
class FakeConnection {
 public:
  explicit FakeConnection(std::uint64_t id)
      : target_(std::make_shared<PushTarget>(
            PushTarget{id, [this](Bytes frame) {
                         std::lock_guard lock(mutex_);
                         if (closed_) return false;
                         Result<p::FrameHeader> header =
                             p::decode_frame_header(ByteSpan(frame).first(p::frame_header_size_bytes), 1u << 20);
                         EXPECT_TRUE(header.ok());
                         EXPECT_EQ(header->flags, p::frame_flag_push);
                         p::Frame decoded{*header, Bytes(frame.begin() + p::frame_header_size_bytes, frame.end())};
                         Result<p::Message> message = p::decode_message(decoded);
                         EXPECT_TRUE(message.ok()) << message.status().to_string();
                         EXPECT_EQ(header->request_id, 0u);
                         if (message.ok()) pushes_.push_back(std::move(message).value());
                         return true;
                       }})) {}

  const std::shared_ptr<PushTarget>& target() const { return target_; }

  std::vector<p::SubscriptionClosed> closed() {
    std::lock_guard lock(mutex_);
    std::vector<p::SubscriptionClosed> out;
    for (const p::Message& push : pushes_) {
      if (const auto* closed = std::get_if<p::SubscriptionClosed>(&push)) out.push_back(*closed);
    }
    return out;
  }

  // The events pushed so far (across frames), waiting up to 2 s for at least `count`.
  std::vector<Bytes> events(std::size_t count) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    for (;;) {
      std::vector<Bytes> out;
      {
        std::lock_guard lock(mutex_);
        for (const p::Message& push : pushes_) {
          if (const auto* events = std::get_if<p::SubscriptionEvents>(&push)) {
            EXPECT_EQ(events->first_offset, out.size());  // contiguous, in order
            out.insert(out.end(), events->events.begin(), events->events.end());
          }
        }
      }
      if (out.size() >= count || std::chrono::steady_clock::now() >= deadline) return out;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }

 private:
  std::mutex mutex_;
  bool closed_ = false;
  std::vector<p::Message> pushes_;
  std::shared_ptr<PushTarget> target_;
};

class StreamServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    open();
    ASSERT_TRUE(database_->create_tenant(1, db::TenantConfig{"a", "", {}}).ok());
    ASSERT_TRUE(database_->create_tenant(2, db::TenantConfig{"b", "", {}}).ok());
    writer_ = principal(1, Role::writer);
    reader_ = principal(1, Role::reader);
    other_ = principal(2, Role::writer);
  }

  void open() {
    Result<std::unique_ptr<db::Database>> database = db::Database::open(storage_, clock_, "/data");
    ASSERT_TRUE(database.ok()) << database.status().to_string();
    database_ = std::move(database).value();
    Result<std::unique_ptr<ApiKeyStore>> keys = ApiKeyStore::open(storage_, clock_, "/data", true);
    ASSERT_TRUE(keys.ok()) << keys.status().to_string();
    keys_ = std::move(keys).value();
    handler_ = std::make_unique<RequestHandler>(*database_, *keys_, metrics_, storage_, clock_,
                                                HandlerOptions{"test", 1u << 20, false, {}});
  }

  // A server restart over the same storage (the keys' ids stay valid).
  void restart() {
    handler_.reset();
    keys_.reset();
    database_.reset();
    open();
  }

  Principal principal(std::uint64_t tenant, Role role) {
    Result<CreatedKey> created = keys_->create(tenant, role, "", KeyActor{"test", ""});
    EXPECT_TRUE(created.ok());
    Principal out;
    p::Hello hello;
    hello.api_key = created->key;
    EXPECT_EQ(handler_->hello(hello, 1, out).code, StatusCode::ok);
    return out;
  }

  HandledRequest handle(const Principal& who, const p::Message& request,
                        const std::shared_ptr<PushTarget>& push = nullptr) {
    HandledRequest handled = handler_->handle(who, request, "127.0.0.1:1", push);
    if (handled.after_queued) handled.after_queued();  // as the connection does once it queued the response
    return handled;
  }

  template <typename T>
  T ok(const Principal& who, const p::Message& request, const std::shared_ptr<PushTarget>& push = nullptr) {
    HandledRequest handled = handle(who, request, push);
    EXPECT_EQ(handled.code, StatusCode::ok)
        << (std::holds_alternative<p::Error>(handled.response) ? std::get<p::Error>(handled.response).message : "");
    return std::holds_alternative<T>(handled.response) ? std::get<T>(handled.response) : T{};
  }

  p::AppendEvents append(std::vector<Bytes> events, std::optional<std::uint64_t> expected = std::nullopt,
                         Bytes key = {}) {
    p::AppendEvents request;
    request.stream = "vitals";
    request.events = std::move(events);
    request.expected_offset = expected;
    request.idempotency_key = std::move(key);
    request.actor = "monitor";
    request.reason = "telemetry";
    return request;
  }

  p::ReadEventsResponse read(const Principal& who, std::uint64_t from, std::uint32_t count,
                             std::uint32_t bytes = 1u << 20) {
    return ok<p::ReadEventsResponse>(who, p::ReadEvents{"vitals", from, count, bytes});
  }

  io::MemoryStorage storage_{11};
  io::ManualClock clock_;
  std::unique_ptr<db::Database> database_;
  std::unique_ptr<ApiKeyStore> keys_;
  Metrics metrics_;
  std::unique_ptr<RequestHandler> handler_;
  Principal writer_, reader_, other_;
};

TEST_F(StreamServiceTest, CreateAppendWithExpectedOffsetsAndRead) {
  const auto created = ok<p::CreateStreamResponse>(writer_, p::CreateStream{"vitals", false, "dr.a", "setup"});
  EXPECT_TRUE(created.created);
  EXPECT_EQ(handle(writer_, p::CreateStream{"vitals", false, "", ""}).code, StatusCode::already_exists);
  const auto again = ok<p::CreateStreamResponse>(writer_, p::CreateStream{"vitals", true, "", ""});
  EXPECT_FALSE(again.created);
  EXPECT_EQ(again.position, created.position);  // nothing written

  const auto first = ok<p::AppendEventsResponse>(writer_, append({Bytes{1}, Bytes{2}}, 0));
  EXPECT_EQ(first.first_offset, 0u);
  EXPECT_EQ(first.event_count, 2u);
  EXPECT_GT(first.position, created.position);
  const auto second = ok<p::AppendEventsResponse>(writer_, append({Bytes{3}}, 2));
  EXPECT_EQ(second.first_offset, 2u);
  // A stale expected offset is refused (not retryable) and writes nothing.
  HandledRequest stale = handle(writer_, append({Bytes{9}}, 2));
  EXPECT_EQ(stale.code, StatusCode::failed_precondition);
  EXPECT_FALSE(std::get<p::Error>(stale.response).retryable);
  EXPECT_EQ(handle(writer_, append({})).code, StatusCode::invalid_argument);
  EXPECT_EQ(handle(writer_, p::AppendEvents{"nope", {}, {}, {Bytes{1}}, "", ""}).code, StatusCode::not_found);

  const p::ReadEventsResponse all = read(reader_, 0, 100);
  EXPECT_EQ(all.stream_length, 3u);
  EXPECT_EQ(all.events, (std::vector<Bytes>{Bytes{1}, Bytes{2}, Bytes{3}}));
  const p::ReadEventsResponse middle = read(reader_, 1, 1);
  EXPECT_EQ(middle.first_offset, 1u);
  EXPECT_EQ(middle.events, (std::vector<Bytes>{Bytes{2}}));
  EXPECT_EQ(read(reader_, 0, 100, 2).events.size(), 2u);  // byte budget
  EXPECT_TRUE(read(reader_, 3, 100).events.empty());
  EXPECT_EQ(handle(reader_, p::ReadEvents{"nope", 0, 1, 1}).code, StatusCode::not_found);

  // The append is an audited, hash-chained record like any write.
  HandledRequest audit =
      handle(writer_, p::Execute{"SELECT actor, reason FROM kmb_audit WHERE operation = 'APPEND'", {}, "", "", {}});
  ASSERT_EQ(audit.code, StatusCode::ok);
  const auto& rows = std::get<p::ExecuteResponse>(audit.response).rows;
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][0].as_string(), "monitor");
  EXPECT_EQ(rows[0][1].as_string(), "telemetry");
}

TEST_F(StreamServiceTest, ReadersCannotWriteAndTenantsSeeOnlyTheirOwnStreams) {
  EXPECT_EQ(handle(reader_, p::CreateStream{"vitals", false, "", ""}).code, StatusCode::failed_precondition);
  ok<p::CreateStreamResponse>(writer_, p::CreateStream{"vitals", false, "", ""});
  HandledRequest refused = handle(reader_, append({Bytes{1}}));
  EXPECT_EQ(refused.code, StatusCode::failed_precondition);
  EXPECT_NE(std::get<p::Error>(refused.response).message.find("permission denied"), std::string::npos);
  ok<p::AppendEventsResponse>(writer_, append({Bytes{1}}));
  // Tenant 2 has no stream "vitals": the name resolves in its own namespace only.
  EXPECT_EQ(handle(other_, p::ReadEvents{"vitals", 0, 10, 100}).code, StatusCode::not_found);
  EXPECT_EQ(handle(other_, append({Bytes{2}})).code, StatusCode::not_found);
  ok<p::CreateStreamResponse>(other_, p::CreateStream{"vitals", false, "", ""});
  EXPECT_EQ(read(other_, 0, 10).stream_length, 0u);
  EXPECT_EQ(read(writer_, 0, 10).stream_length, 1u);
}

TEST_F(StreamServiceTest, SealedTenantRefusesAppends) {
  ok<p::CreateStreamResponse>(writer_, p::CreateStream{"vitals", false, "", ""});
  ASSERT_TRUE(database_->seal(1, sql::AuditContext{"legal", "hold", 0}).ok());
  EXPECT_EQ(handle(writer_, append({Bytes{1}})).code, StatusCode::failed_precondition);
  EXPECT_EQ(read(writer_, 0, 10).stream_length, 0u);  // reads still work
}

TEST_F(StreamServiceTest, IdempotentRetriesAreAnsweredOnceEvenAcrossARestart) {
  ok<p::CreateStreamResponse>(writer_, p::CreateStream{"vitals", false, "", ""});
  const Bytes key(16, 0xab);
  const auto first = ok<p::AppendEventsResponse>(writer_, append({Bytes{1}, Bytes{2}}, std::nullopt, key));
  EXPECT_FALSE(first.duplicate);
  const auto retry = ok<p::AppendEventsResponse>(writer_, append({Bytes{1}, Bytes{2}}, std::nullopt, key));
  EXPECT_TRUE(retry.duplicate);
  EXPECT_EQ(retry.position, first.position);
  EXPECT_EQ(retry.first_offset, first.first_offset);
  EXPECT_EQ(read(writer_, 0, 10).stream_length, 2u);
  // Another key of the same tenant appends; the same key in another tenant is another key.
  const auto other_key = ok<p::AppendEventsResponse>(writer_, append({Bytes{3}}, std::nullopt, Bytes(16, 0xcd)));
  EXPECT_EQ(other_key.first_offset, 2u);
  ok<p::CreateStreamResponse>(other_, p::CreateStream{"vitals", false, "", ""});
  EXPECT_FALSE(ok<p::AppendEventsResponse>(other_, append({Bytes{1}}, std::nullopt, key)).duplicate);

  restart();
  const auto after_restart = ok<p::AppendEventsResponse>(writer_, append({Bytes{1}, Bytes{2}}, std::nullopt, key));
  EXPECT_TRUE(after_restart.duplicate);
  EXPECT_EQ(after_restart.position, first.position);
  EXPECT_EQ(after_restart.first_offset, 0u);
  EXPECT_EQ(after_restart.event_count, 2u);
  const auto second_after = ok<p::AppendEventsResponse>(writer_, append({Bytes{3}}, std::nullopt, Bytes(16, 0xcd)));
  EXPECT_TRUE(second_after.duplicate);
  EXPECT_EQ(second_after.first_offset, 2u);
  EXPECT_EQ(read(writer_, 0, 10).stream_length, 3u);
}

TEST_F(StreamServiceTest, SubscriptionsPushNoMoreThanTheirCredits) {
  ok<p::CreateStreamResponse>(writer_, p::CreateStream{"vitals", false, "", ""});
  ok<p::AppendEventsResponse>(writer_, append({Bytes{0}, Bytes{1}}));
  FakeConnection connection(7);
  EXPECT_EQ(handle(reader_, p::Subscribe{"vitals", 0, 3}).code, StatusCode::unsupported);  // no push hook
  EXPECT_EQ(handle(reader_, p::Subscribe{"nope", 0, 3}, connection.target()).code, StatusCode::not_found);
  const auto subscribed = ok<p::SubscribeResponse>(reader_, p::Subscribe{"vitals", 0, 3}, connection.target());
  EXPECT_NE(subscribed.subscription_id, 0u);
  EXPECT_EQ(subscribed.stream_length, 2u);
  EXPECT_EQ(connection.events(2).size(), 2u);  // the backlog

  ok<p::AppendEventsResponse>(writer_, append({Bytes{2}, Bytes{3}, Bytes{4}}));  // live events
  EXPECT_EQ(connection.events(3).size(), 3u);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // give the pusher every chance to overrun
  EXPECT_EQ(connection.events(3).size(), 3u);                  // ... it must not: 3 credits

  const auto credit = ok<p::SubscriptionCreditResponse>(reader_, p::SubscriptionCredit{subscribed.subscription_id, 10},
                                                        connection.target());
  EXPECT_GE(credit.credits_available, 8u);
  EXPECT_EQ(connection.events(5), (std::vector<Bytes>{Bytes{0}, Bytes{1}, Bytes{2}, Bytes{3}, Bytes{4}}));
  // Credits and unsubscribing only reach this connection's subscriptions.
  FakeConnection stranger(8);
  EXPECT_EQ(handle(reader_, p::SubscriptionCredit{subscribed.subscription_id, 1}, stranger.target()).code,
            StatusCode::not_found);
  ok<p::UnsubscribeResponse>(reader_, p::Unsubscribe{subscribed.subscription_id}, connection.target());
  ok<p::AppendEventsResponse>(writer_, append({Bytes{5}}));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(connection.events(5).size(), 5u);  // nothing after unsubscribing
  EXPECT_EQ(handle(reader_, p::Unsubscribe{subscribed.subscription_id}, connection.target()).code,
            StatusCode::not_found);
}

TEST_F(StreamServiceTest, EventsAppendedOutsideTheServerArePushedByPolling) {
  ok<p::CreateStreamResponse>(writer_, p::CreateStream{"vitals", false, "", ""});
  FakeConnection connection(3);
  ok<p::SubscribeResponse>(reader_, p::Subscribe{"vitals", 0, 10}, connection.target());
  Result<db::Tenant*> tenant = database_->tenant(1, false);
  ASSERT_TRUE(tenant.ok());
  // An embedded writer: no wake-up reaches the pusher, its poll finds the events.
  Result<sql::CommitResult> written = (*tenant)->session().write(
      [](const projection::ReadView&) -> Result<kernel::CommandRecord> {
        return kernel::CommandRecord{"", "embedded append", {kernel::AppendEvents{"vitals", 0, {Bytes{4}, Bytes{2}}}}};
      },
      sql::AuditContext{"embedded", "", 0});
  ASSERT_TRUE(written.ok()) << written.status().to_string();
  EXPECT_EQ(connection.events(2), (std::vector<Bytes>{Bytes{4}, Bytes{2}}));
  handler_->connection_closed(3);  // as a closing connection does: nothing is pushed to it any more
}

TEST_F(StreamServiceTest, ShutdownAndClosedConnectionsEndSubscriptions) {
  ok<p::CreateStreamResponse>(writer_, p::CreateStream{"vitals", false, "", ""});
  FakeConnection gone(1);
  FakeConnection open(2);
  const auto dropped = ok<p::SubscribeResponse>(reader_, p::Subscribe{"vitals", 0, 5}, gone.target());
  const auto kept = ok<p::SubscribeResponse>(reader_, p::Subscribe{"vitals", 0, 5}, open.target());
  handler_->connection_closed(1);
  EXPECT_EQ(handle(reader_, p::SubscriptionCredit{dropped.subscription_id, 1}, gone.target()).code,
            StatusCode::not_found);
  handler_->shutdown_streams();
  EXPECT_TRUE(gone.closed().empty());
  const std::vector<p::SubscriptionClosed> closed = open.closed();
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].subscription_id, kept.subscription_id);
  EXPECT_EQ(closed[0].code, StatusCode::aborted);
  EXPECT_EQ(handle(reader_, p::Subscribe{"vitals", 0, 5}, open.target()).code, StatusCode::aborted);
}

TEST_F(StreamServiceTest, ConcurrentAttemptsWithOneKeyCommitOnce) {
  ok<p::CreateStreamResponse>(writer_, p::CreateStream{"vitals", false, "", ""});
  constexpr int attempts = 8;
  std::vector<HandledRequest> answers(attempts);
  std::vector<std::thread> threads;
  for (int i = 0; i < attempts; i++) {
    threads.emplace_back([&, i] { answers[i] = handle(writer_, append({Bytes{7}}, std::nullopt, Bytes(16, 0x11))); });
  }
  for (std::thread& thread : threads) thread.join();
  int originals = 0;
  for (const HandledRequest& answer : answers) {
    ASSERT_EQ(answer.code, StatusCode::ok);
    originals += std::get<p::AppendEventsResponse>(answer.response).duplicate ? 0 : 1;
  }
  EXPECT_EQ(originals, 1);
  EXPECT_EQ(read(writer_, 0, 100).stream_length, 1u);
}

}  // namespace
}  // namespace kmb::server
