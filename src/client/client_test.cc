// The client against an in-process fake peer: handshake, framing, deadlines, reconnects, append
// retries with idempotency keys, subscription credits and the connection pool.
#include "client/client.h"

#include <gtest/gtest.h>

#include <chrono>
#include <mutex>

#include "client/fake_peer_test_support.h"
#include "client/pool.h"

namespace kmb::client {
namespace {

using testing::FakePeer;
using testing::PeerConnection;

std::string address_of(const FakePeer& peer) {
  return "127.0.0.1:" + std::to_string(peer.port());
}

ClientOptions fast_options() {
  ClientOptions options;
  options.connect_timeout_ms = 2'000;
  options.call_timeout_ms = 2'000;
  return options;
}

// Answers every Ping until the client goes away.
void answer_pings(PeerConnection& peer) {
  std::uint64_t id = 0;
  while (std::optional<protocol::Ping> ping = peer.read<protocol::Ping>(&id))
    peer.send(protocol::PingResponse{ping->nonce}, id);
}

std::uint64_t elapsed_ms(std::chrono::steady_clock::time_point start) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count());
}

TEST(ParseAddress, AcceptsHostPortFormsAndRejectsTheRest) {
  EXPECT_EQ(*parse_address("db.example:9000"), std::make_pair(std::string("db.example"), std::uint16_t{9000}));
  EXPECT_EQ(*parse_address("db.example"), std::make_pair(std::string("db.example"), default_port));
  EXPECT_EQ(*parse_address("[::1]:7000"), std::make_pair(std::string("::1"), std::uint16_t{7000}));
  EXPECT_EQ(*parse_address("[::1]"), std::make_pair(std::string("::1"), default_port));
  for (const char* bad : {"", ":80", "host:", "host:99999", "host:x", "::1", "[::1", "[::1]x", "[::1]:"}) {
    EXPECT_EQ(parse_address(bad).status().code(), StatusCode::invalid_argument) << bad;
  }
}

TEST(Client, HandshakeAndPing) {
  FakePeer peer({[](PeerConnection& c) {
    c.handshake();
    answer_pings(c);
  }});
  Result<std::unique_ptr<Client>> client = Client::connect(address_of(peer), "secret", fast_options());
  ASSERT_TRUE(client.ok()) << client.status().to_string();
  EXPECT_EQ((*client)->session().tenant_id, 7u);
  EXPECT_EQ((*client)->session().role, protocol::Role::writer);
  for (int i = 0; i < 3; i++) EXPECT_TRUE((*client)->ping().ok());
}

TEST(Client, RefusedHandshakeReturnsTheServersError) {
  FakePeer peer({[](PeerConnection& c) {
    std::uint64_t id = 0;
    ASSERT_TRUE(c.read<protocol::Hello>(&id).has_value());
    c.send(protocol::Error{StatusCode::invalid_argument, false, "authentication failed"}, id);
  }});
  Result<std::unique_ptr<Client>> client = Client::connect(address_of(peer), "secret", fast_options());
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().code(), StatusCode::invalid_argument);
  EXPECT_NE(client.status().message().find("authentication failed"), std::string::npos);
}

TEST(Client, ConnectEndsAtItsDeadlineWhenTheServerIsSilent) {
  FakePeer peer({[](PeerConnection& c) { c.wait_for_close(); }});
  ClientOptions options = fast_options();
  options.connect_timeout_ms = 200;
  auto start = std::chrono::steady_clock::now();
  Result<std::unique_ptr<Client>> client = Client::connect(address_of(peer), "secret", options);
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().code(), StatusCode::aborted) << client.status().to_string();
  EXPECT_GE(elapsed_ms(start), 190u);
  EXPECT_LT(elapsed_ms(start), 2'000u);
}

TEST(Client, ConnectionRefusedIsAnIoError) {
  std::uint16_t port = 0;
  {
    FakePeer closed({});
    port = closed.port();
  }
  Result<std::unique_ptr<Client>> client =
      Client::connect("127.0.0.1:" + std::to_string(port), "secret", fast_options());
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().code(), StatusCode::io_error) << client.status().to_string();
}

TEST(Client, CallDeadlineIsDefiniteAndALateAnswerIsDiscarded) {
  FakePeer peer({[](PeerConnection& c) {
    c.handshake();
    std::uint64_t id = 0;
    ASSERT_TRUE(c.read<protocol::Execute>(&id).has_value());
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    c.send(protocol::ExecuteResponse{{}, {}, {}, 0, std::nullopt, "LATE"}, id);
    answer_pings(c);
  }});
  Result<std::unique_ptr<Client>> client = Client::connect(address_of(peer), "secret", fast_options());
  ASSERT_TRUE(client.ok()) << client.status().to_string();
  auto start = std::chrono::steady_clock::now();
  Result<protocol::ExecuteResponse> slow = (*client)->execute("SELECT 1", {}, {}, CallOptions{100});
  ASSERT_FALSE(slow.ok());
  EXPECT_EQ(slow.status().code(), StatusCode::aborted);
  EXPECT_NE(slow.status().message().find("deadline exceeded"), std::string::npos) << slow.status().message();
  EXPECT_LT(elapsed_ms(start), 290u);
  EXPECT_TRUE((*client)->ping().ok());  // skips the late ExecuteResponse
  EXPECT_TRUE((*client)->connected());
}

TEST(Client, GarbageFromTheServerBreaksTheConnectionAndTheNextCallReconnects) {
  FakePeer peer({[](PeerConnection& c) {
                   c.handshake();
                   ASSERT_TRUE(c.read<protocol::Ping>().has_value());
                   Bytes garbage(64, 0x42);
                   c.send_raw(garbage);
                   c.wait_for_close();
                 },
                 [](PeerConnection& c) {
                   c.handshake();
                   answer_pings(c);
                 }});
  Result<std::unique_ptr<Client>> client = Client::connect(address_of(peer), "secret", fast_options());
  ASSERT_TRUE(client.ok());
  Status bad = (*client)->ping();
  EXPECT_EQ(bad.code(), StatusCode::corruption) << bad.to_string();
  EXPECT_FALSE((*client)->connected());
  EXPECT_TRUE((*client)->ping().ok());
  EXPECT_EQ(peer.connections_accepted(), 2);
}

// The server closes an idle connection; the next call notices before sending and reconnects,
// instead of failing a request the server never saw.
TEST(Client, ConnectionClosedByTheServerWhileIdleIsReplacedBeforeTheNextCall) {
  FakePeer peer({[](PeerConnection& c) {
                   c.handshake();
                   std::uint64_t id = 0;
                   std::optional<protocol::Ping> ping = c.read<protocol::Ping>(&id);
                   ASSERT_TRUE(ping.has_value());
                   c.send(protocol::PingResponse{ping->nonce}, id);
                 },
                 [](PeerConnection& c) {
                   c.handshake();
                   answer_pings(c);
                 }});
  Result<std::unique_ptr<Client>> client = Client::connect(address_of(peer), "secret", fast_options());
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE((*client)->ping().ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the peer's close arrives
  Status second = (*client)->ping();
  EXPECT_TRUE(second.ok()) << second.to_string();
  EXPECT_EQ(peer.connections_accepted(), 2);
}

TEST(Client, RequestsLargerThanTheServersFrameLimitFailLocally) {
  FakePeer peer({[](PeerConnection& c) {
    c.handshake(/*frame_body_size_max_bytes=*/1024);
    answer_pings(c);
  }});
  Result<std::unique_ptr<Client>> client = Client::connect(address_of(peer), "secret", fast_options());
  ASSERT_TRUE(client.ok());
  Result<protocol::ExecuteResponse> big = (*client)->execute(std::string(2000, ' ') + "SELECT 1");
  EXPECT_EQ(big.status().code(), StatusCode::resource_exhausted) << big.status().to_string();
  EXPECT_TRUE((*client)->ping().ok());
}

// The first attempt's connection dies after the request was sent; the retry carries the same
// idempotency key, and the server's "duplicate" answer reaches the caller.
TEST(Client, AppendIsRetriedWithTheSameIdempotencyKey) {
  std::mutex mutex;
  std::vector<Bytes> keys;
  auto record = [&](const protocol::AppendEvents& append) {
    std::lock_guard lock(mutex);
    keys.push_back(append.idempotency_key);
  };
  FakePeer peer({[&](PeerConnection& c) {
                   c.handshake();
                   std::optional<protocol::AppendEvents> append = c.read<protocol::AppendEvents>();
                   ASSERT_TRUE(append.has_value());
                   record(*append);
                   // Crash before answering.
                 },
                 [&](PeerConnection& c) {
                   c.handshake();
                   std::uint64_t id = 0;
                   std::optional<protocol::AppendEvents> append = c.read<protocol::AppendEvents>(&id);
                   ASSERT_TRUE(append.has_value());
                   record(*append);
                   EXPECT_EQ(append->events.size(), 2u);
                   EXPECT_EQ(append->expected_offset, std::optional<std::uint64_t>(4));
                   c.send(protocol::AppendEventsResponse{4, 2, 99, true}, id);
                   c.wait_for_close();
                 }});
  std::vector<std::uint64_t> sleeps;
  ClientOptions options = fast_options();
  options.sleep = [&](std::uint64_t ms) { sleeps.push_back(ms); };
  Result<std::unique_ptr<Client>> client = Client::connect(address_of(peer), "secret", options);
  ASSERT_TRUE(client.ok());
  Result<protocol::AppendEventsResponse> appended =
      (*client)->append("vitals", {Bytes{1}, Bytes{2}}, 4, Audit{"monitor", "telemetry"});
  ASSERT_TRUE(appended.ok()) << appended.status().to_string();
  EXPECT_TRUE(appended->duplicate);
  EXPECT_EQ(appended->first_offset, 4u);
  std::lock_guard lock(mutex);
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].size(), 16u);
  EXPECT_EQ(keys[0], keys[1]);
  EXPECT_EQ(sleeps, std::vector<std::uint64_t>{20});
}

TEST(Client, AppendRetriesAreBoundedAndBackOff) {
  std::atomic<int> attempts = 0;
  FakePeer peer({[&](PeerConnection& c) {
    c.handshake();
    std::uint64_t id = 0;
    while (c.read<protocol::AppendEvents>(&id).has_value()) {
      attempts++;
      c.send(protocol::Error{StatusCode::resource_exhausted, true, "rate limited"}, id);
    }
  }});
  std::vector<std::uint64_t> sleeps;
  ClientOptions options = fast_options();
  options.append_retry = RetryOptions{4, 10, 25};
  options.sleep = [&](std::uint64_t ms) { sleeps.push_back(ms); };
  Result<std::unique_ptr<Client>> client = Client::connect(address_of(peer), "secret", options);
  ASSERT_TRUE(client.ok());
  Result<protocol::AppendEventsResponse> appended = (*client)->append("vitals", {Bytes{1}});
  ASSERT_FALSE(appended.ok());
  EXPECT_EQ(appended.status().code(), StatusCode::resource_exhausted);
  EXPECT_NE(appended.status().message().find("rate limited"), std::string::npos);
  client->reset();
  EXPECT_EQ(attempts.load(), 4);
  EXPECT_EQ(sleeps, (std::vector<std::uint64_t>{10, 20, 25}));
}

TEST(Client, NonRetryableAppendErrorsAreReturnedAtOnce) {
  std::atomic<int> attempts = 0;
  FakePeer peer({[&](PeerConnection& c) {
    c.handshake();
    std::uint64_t id = 0;
    while (c.read<protocol::AppendEvents>(&id).has_value()) {
      attempts++;
      c.send(protocol::Error{StatusCode::failed_precondition, false, "expected offset 3, stream has 5 events"}, id);
    }
  }});
  Result<std::unique_ptr<Client>> client = Client::connect(address_of(peer), "secret", fast_options());
  ASSERT_TRUE(client.ok());
  Result<protocol::AppendEventsResponse> appended = (*client)->append("vitals", {Bytes{1}}, 3);
  EXPECT_EQ(appended.status().code(), StatusCode::failed_precondition);
  client->reset();
  EXPECT_EQ(attempts.load(), 1);
}

TEST(Client, SubscriptionReceivesPushesWithinItsCredits) {
  FakePeer peer({[](PeerConnection& c) {
    c.handshake();
    std::uint64_t id = 0;
    std::optional<protocol::Subscribe> subscribe = c.read<protocol::Subscribe>(&id);
    ASSERT_TRUE(subscribe.has_value());
    EXPECT_EQ(subscribe->stream, "vitals");
    EXPECT_EQ(subscribe->initial_credits, 2u);
    c.send(protocol::SubscribeResponse{5, 10}, id);
    c.send(protocol::SubscriptionEvents{5, 0, {Bytes{'a'}, Bytes{'b'}}}, 0);
    std::optional<protocol::SubscriptionCredit> credit = c.read<protocol::SubscriptionCredit>(&id);
    ASSERT_TRUE(credit.has_value());
    EXPECT_EQ(credit->credits, 1u);
    c.send(protocol::SubscriptionCreditResponse{5, 1}, id);
    c.send(protocol::SubscriptionEvents{5, 2, {Bytes{'c'}}}, 0);
    c.send(protocol::SubscriptionClosed{5, StatusCode::failed_precondition, "tenant 7 is sealed"}, 0);
    c.wait_for_close();
  }});
  Result<std::unique_ptr<Client>> client = Client::connect(address_of(peer), "secret", fast_options());
  ASSERT_TRUE(client.ok());
  Result<std::unique_ptr<Subscription>> subscription = (*client)->subscribe("vitals", 0, 2);
  ASSERT_TRUE(subscription.ok()) << subscription.status().to_string();
  Subscription& s = **subscription;
  EXPECT_EQ(s.id(), 5u);

  std::vector<Event> received;
  while (received.size() < 2) {
    Result<std::vector<Event>> events = s.poll(1'000);
    ASSERT_TRUE(events.ok()) << events.status().to_string();
    ASSERT_FALSE(events->empty());
    for (Event& event : *events) received.push_back(std::move(event));
  }
  EXPECT_EQ(received[0].offset, 0u);
  EXPECT_EQ(received[1].payload, Bytes{'b'});
  EXPECT_EQ(s.credits_outstanding(), 0u);
  ASSERT_TRUE(s.grant(1).ok());
  Result<std::vector<Event>> third = s.poll(1'000);
  ASSERT_TRUE(third.ok()) << third.status().to_string();
  ASSERT_EQ(third->size(), 1u);
  EXPECT_EQ((*third)[0].offset, 2u);
  EXPECT_EQ(s.next_offset(), 3u);
  Result<std::vector<Event>> closed = s.poll(1'000);
  ASSERT_FALSE(closed.ok());
  EXPECT_EQ(closed.status().code(), StatusCode::failed_precondition);
  EXPECT_NE(closed.status().message().find("sealed"), std::string::npos);
}

TEST(Client, SubscriptionPollWithoutEventsReturnsEmptyAtTheDeadline) {
  FakePeer peer({[](PeerConnection& c) {
    c.handshake();
    std::uint64_t id = 0;
    ASSERT_TRUE(c.read<protocol::Subscribe>(&id).has_value());
    c.send(protocol::SubscribeResponse{1, 0}, id);
    std::optional<protocol::Unsubscribe> unsubscribe = c.read<protocol::Unsubscribe>(&id);
    ASSERT_TRUE(unsubscribe.has_value());
    c.send(protocol::UnsubscribeResponse{1}, id);
    c.wait_for_close();
  }});
  Result<std::unique_ptr<Client>> client = Client::connect(address_of(peer), "secret", fast_options());
  ASSERT_TRUE(client.ok());
  Result<std::unique_ptr<Subscription>> subscription = (*client)->subscribe("vitals", 0, 10);
  ASSERT_TRUE(subscription.ok());
  auto start = std::chrono::steady_clock::now();
  Result<std::vector<Event>> events = (*subscription)->poll(150);
  ASSERT_TRUE(events.ok());
  EXPECT_TRUE(events->empty());
  EXPECT_GE(elapsed_ms(start), 140u);
  EXPECT_TRUE((*subscription)->close().ok());
  EXPECT_EQ((*subscription)->poll(0).status().code(), StatusCode::failed_precondition);
}

TEST(ClientPool, BoundsConnectionsAndTimesOutWhenAllAreLeased) {
  auto serve = [](PeerConnection& c) {
    c.handshake();
    answer_pings(c);
  };
  FakePeer peer({serve, serve, serve});
  PoolOptions options;
  options.client = fast_options();
  options.size_max = 2;
  options.acquire_timeout_ms = 100;
  Result<std::unique_ptr<ClientPool>> pool = ClientPool::create(address_of(peer), "secret", options);
  ASSERT_TRUE(pool.ok());
  {
    Result<ClientPool::Lease> first = (*pool)->acquire();
    Result<ClientPool::Lease> second = (*pool)->acquire();
    ASSERT_TRUE(first.ok()) << first.status().to_string();
    ASSERT_TRUE(second.ok());
    EXPECT_TRUE((*first)->ping().ok());
    auto start = std::chrono::steady_clock::now();
    Result<ClientPool::Lease> third = (*pool)->acquire();
    EXPECT_EQ(third.status().code(), StatusCode::aborted);
    EXPECT_GE(elapsed_ms(start), 90u);
    EXPECT_EQ((*pool)->open_count(), 2u);
  }
  EXPECT_EQ((*pool)->idle_count(), 2u);
  Result<ClientPool::Lease> again = (*pool)->acquire();
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE((*again)->ping().ok());
  EXPECT_EQ(peer.connections_accepted(), 2);
}

TEST(ClientPool, RejectsBadConfiguration) {
  EXPECT_EQ(ClientPool::create("host:", "k", {}).status().code(), StatusCode::invalid_argument);
  PoolOptions empty;
  empty.size_max = 0;
  EXPECT_EQ(ClientPool::create("host:1", "k", empty).status().code(), StatusCode::invalid_argument);
}

}  // namespace
}  // namespace kmb::client
