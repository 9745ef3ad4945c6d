// Connection over an in-memory Transport and a ManualClock: deterministic tests of framing across
// arbitrary read boundaries, pushes interleaved with responses, deadlines and broken streams.
#include "client/connection.h"

#include <gtest/gtest.h>

#include <deque>

#include "io/clock.h"
#include "io/prng.h"

namespace kmb::client {
namespace {

using protocol::Message;

// Serves scripted byte chunks to read_some() (one chunk per call); an empty chunk means "nothing
// before the deadline" and advances the clock to it. Records what the client writes.
class ScriptedTransport final : public Transport {
 public:
  explicit ScriptedTransport(io::ManualClock& clock) : clock_(clock) {}

  Status write_all(ByteSpan data, std::uint64_t) override {
    if (closed_) return io_error("closed");
    append_bytes(written_, data);
    return Status::ok_status();
  }
  Result<Bytes> read_some(std::uint64_t deadline_ns) override {
    if (closed_) return io_error("closed");
    if (chunks_.empty()) return io_error("reading failed: the server closed the connection");
    Bytes chunk = std::move(chunks_.front());
    chunks_.pop_front();
    if (chunk.empty() && clock_.monotonic_ns() < deadline_ns) clock_.advance_ns(deadline_ns - clock_.monotonic_ns());
    return chunk;
  }
  void close() override { closed_ = true; }

  // Queues the frame of `message`, split into pieces of `piece_size` bytes.
  void queue(const Message& message, std::uint64_t request_id, std::size_t piece_size = 1 << 20) {
    Bytes frame = *protocol::encode_message_frame(message, request_id);
    for (std::size_t offset = 0; offset < frame.size(); offset += piece_size) {
      std::size_t n = std::min(piece_size, frame.size() - offset);
      chunks_.emplace_back(frame.begin() + static_cast<std::ptrdiff_t>(offset),
                           frame.begin() + static_cast<std::ptrdiff_t>(offset + n));
    }
  }
  void queue_silence() { chunks_.emplace_back(); }
  void queue_raw(Bytes bytes) { chunks_.push_back(std::move(bytes)); }

  const Bytes& written() const { return written_; }
  bool closed() const { return closed_; }

 private:
  io::ManualClock& clock_;
  std::deque<Bytes> chunks_;
  Bytes written_;
  bool closed_ = false;
};

struct Harness {
  io::ManualClock clock;
  ScriptedTransport* transport = nullptr;
  std::unique_ptr<Connection> connection;

  // Opens a connection whose handshake arrives one byte per read.
  Harness() {
    auto owned = std::make_unique<ScriptedTransport>(clock);
    transport = owned.get();
    protocol::HelloResponse hello;
    hello.tenant_id = 9;
    transport->queue(hello, 1, /*piece_size=*/1);
    auto opened = Connection::open(std::move(owned), "secret", "test", protocol::frame_body_size_max_default_bytes,
                                   clock, deadline(1'000));
    EXPECT_TRUE(opened.ok()) << opened.status().to_string();
    if (opened.ok()) connection = std::move(opened).value();
  }
  std::uint64_t deadline(std::uint64_t ms) { return clock.monotonic_ns() + ms * 1'000'000; }
};

TEST(Connection, HandshakeSendsHelloAndKeepsTheSession) {
  Harness h;
  ASSERT_NE(h.connection, nullptr);
  EXPECT_EQ(h.connection->session().tenant_id, 9u);
  Result<protocol::Frame> hello = protocol::decode_frame(h.transport->written());
  ASSERT_TRUE(hello.ok());
  EXPECT_EQ(hello->header.request_id, 1u);
  Result<protocol::Hello> decoded = protocol::decode_expected<protocol::Hello>(*hello);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->api_key, "secret");
}

TEST(Connection, QueuesPushesThatArriveBeforeTheResponse) {
  Harness h;
  ASSERT_NE(h.connection, nullptr);
  h.transport->queue(protocol::SubscriptionEvents{3, 0, {Bytes{'x'}}}, 0, 5);
  h.transport->queue(protocol::PingResponse{1}, 99);  // late answer to an abandoned request
  h.transport->queue(protocol::PingResponse{42}, 2, 7);
  Result<Message> response = h.connection->call(protocol::Ping{42}, h.deadline(1'000));
  ASSERT_TRUE(response.ok()) << response.status().to_string();
  EXPECT_EQ(std::get<protocol::PingResponse>(*response).nonce, 42u);
  std::optional<Message> push = h.connection->take_push();
  ASSERT_TRUE(push.has_value());
  EXPECT_EQ(std::get<protocol::SubscriptionEvents>(*push).subscription_id, 3u);
  EXPECT_FALSE(h.connection->take_push().has_value());
}

TEST(Connection, ServerErrorsAreReturnedAsMessages) {
  Harness h;
  ASSERT_NE(h.connection, nullptr);
  h.transport->queue(protocol::Error{StatusCode::resource_exhausted, true, "slow down"}, 2);
  Result<Message> response = h.connection->call(protocol::Ping{1}, h.deadline(1'000));
  ASSERT_TRUE(response.ok());
  const auto& error = std::get<protocol::Error>(*response);
  EXPECT_TRUE(error.retryable);
  EXPECT_FALSE(h.connection->broken());
}

TEST(Connection, DeadlineIsAbortedAndLeavesTheConnectionUsable) {
  Harness h;
  ASSERT_NE(h.connection, nullptr);
  h.transport->queue_silence();
  Result<Message> response = h.connection->call(protocol::Ping{1}, h.deadline(250));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::aborted);
  EXPECT_NE(response.status().message().find("within 250 ms"), std::string::npos) << response.status().message();
  EXPECT_FALSE(h.connection->broken());
  h.transport->queue(protocol::PingResponse{1}, 2);  // the late answer to the first ping
  h.transport->queue(protocol::PingResponse{2}, 3);
  Result<Message> second = h.connection->call(protocol::Ping{2}, h.deadline(250));
  ASSERT_TRUE(second.ok()) << second.status().to_string();
  EXPECT_EQ(std::get<protocol::PingResponse>(*second).nonce, 2u);
}

TEST(Connection, WrongResponseTypeBreaksTheConnection) {
  Harness h;
  ASSERT_NE(h.connection, nullptr);
  h.transport->queue(protocol::ServerInfoResponse{}, 2);
  Result<Message> response = h.connection->call(protocol::Ping{1}, h.deadline(1'000));
  EXPECT_EQ(response.status().code(), StatusCode::invalid_argument);
  EXPECT_TRUE(h.connection->broken());
  EXPECT_TRUE(h.transport->closed());
  EXPECT_EQ(h.connection->call(protocol::Ping{1}, h.deadline(1'000)).status().code(), StatusCode::io_error);
}

TEST(Connection, CorruptFrameBreaksTheConnection) {
  Harness h;
  ASSERT_NE(h.connection, nullptr);
  Bytes frame = *protocol::encode_message_frame(protocol::PingResponse{1}, 2);
  frame.back() ^= 0x01;
  h.transport->queue_raw(frame);
  Result<Message> response = h.connection->call(protocol::Ping{1}, h.deadline(1'000));
  EXPECT_EQ(response.status().code(), StatusCode::corruption);
  EXPECT_TRUE(h.connection->broken());
}

TEST(Connection, ConnectionLevelErrorBreaksTheConnection) {
  Harness h;
  ASSERT_NE(h.connection, nullptr);
  h.transport->queue(protocol::Error{StatusCode::invalid_argument, false, "malformed frame"}, 0);
  Result<Message> response = h.connection->call(protocol::Ping{1}, h.deadline(1'000));
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.status().message().find("malformed frame"), std::string::npos);
  EXPECT_TRUE(h.connection->broken());
}

TEST(Connection, WaitForPushReturnsAtTheDeadlineWithoutOne) {
  Harness h;
  ASSERT_NE(h.connection, nullptr);
  h.transport->queue_silence();
  std::uint64_t before = h.clock.monotonic_ns();
  EXPECT_TRUE(h.connection->wait_for_push(h.deadline(100)).ok());
  EXPECT_EQ(h.clock.monotonic_ns() - before, 100'000'000u);
  EXPECT_FALSE(h.connection->take_push().has_value());
  h.transport->queue(protocol::SubscriptionClosed{4, StatusCode::aborted, "shutdown"}, 0, 3);
  EXPECT_TRUE(h.connection->wait_for_push(h.deadline(100)).ok());
  EXPECT_TRUE(h.connection->take_push().has_value());
}

// Whatever a (broken or hostile) server sends, a call ends with a response or an error.
TEST(Connection, ArbitraryServerBytesNeverCrashTheClient) {
  io::Prng prng(99);
  Bytes valid = *protocol::encode_message_frame(protocol::PingResponse{1}, 2);
  for (int iteration = 0; iteration < 2'000; iteration++) {
    Harness h;
    ASSERT_NE(h.connection, nullptr);
    Bytes bytes = valid;
    if (prng.chance(1, 2)) {
      bytes.resize(prng.uniform(80));
      prng.fill(bytes.data(), bytes.size());
    } else {
      bytes[prng.uniform(bytes.size())] ^= static_cast<std::uint8_t>(1 + prng.uniform(255));
    }
    h.transport->queue_raw(bytes);
    h.transport->queue_silence();
    Result<Message> response = h.connection->call(protocol::Ping{1}, h.deadline(10));
    if (response.ok()) {
      EXPECT_TRUE(std::holds_alternative<protocol::PingResponse>(*response) ||
                  std::holds_alternative<protocol::Error>(*response));
    }
  }
}

TEST(Connection, RefusedHandshakeIsTheServersStatus) {
  io::ManualClock clock;
  auto transport = std::make_unique<ScriptedTransport>(clock);
  transport->queue(protocol::Error{StatusCode::invalid_argument, false, "authentication failed: unknown key"}, 1);
  auto opened = Connection::open(std::move(transport), "bad", "test", protocol::frame_body_size_max_default_bytes,
                                 clock, clock.monotonic_ns() + 1'000'000'000);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::invalid_argument);
  EXPECT_NE(opened.status().message().find("authentication failed"), std::string::npos);
}

}  // namespace
}  // namespace kmb::client
