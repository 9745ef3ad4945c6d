// FakePeer: an in-process TCP server that plays scripted conversations, one script per accepted
// connection, for the client's framing, timeout and retry tests (end-to-end behaviour is tested
// against the real server in end_to_end_test.cc).
#pragma once

#include <gtest/gtest.h>

#include <asio.hpp>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "protocol/frame.h"
#include "protocol/messages.h"

namespace kmb::client::testing {

class PeerConnection {
 public:
  explicit PeerConnection(asio::ip::tcp::socket socket) : socket_(std::move(socket)) {}

  // The next frame; nullopt when the client closed the connection.
  std::optional<protocol::Frame> read_frame() {
    while (true) {
      Result<std::optional<protocol::Frame>> frame = parser_.next();
      if (!frame.ok()) {
        ADD_FAILURE() << "fake peer: " << frame.status().to_string();
        return std::nullopt;
      }
      if (frame->has_value()) return std::move(**frame);
      std::uint8_t buffer[4096];
      asio::error_code error;
      std::size_t n = socket_.read_some(asio::buffer(buffer), error);
      if (error) return std::nullopt;
      parser_.append(ByteSpan(buffer, n));
    }
  }

  // The next request (and its id); nullopt when the client closed the connection.
  std::optional<protocol::Message> read_message(std::uint64_t* request_id = nullptr) {
    std::optional<protocol::Frame> frame = read_frame();
    if (!frame.has_value()) return std::nullopt;
    if (request_id != nullptr) *request_id = frame->header.request_id;
    Result<protocol::Message> message = protocol::decode_message(*frame);
    if (!message.ok()) {
      ADD_FAILURE() << "fake peer: " << message.status().to_string();
      return std::nullopt;
    }
    return std::move(message).value();
  }

  template <typename T>
  std::optional<T> read(std::uint64_t* request_id = nullptr) {
    std::optional<protocol::Message> message = read_message(request_id);
    if (!message.has_value()) return std::nullopt;
    if (!std::holds_alternative<T>(*message)) {
      ADD_FAILURE() << "fake peer: unexpected " << protocol::message_type_name(protocol::message_type(*message));
      return std::nullopt;
    }
    return std::get<T>(std::move(*message));
  }

  void send(const protocol::Message& message, std::uint64_t request_id) {
    Result<Bytes> frame = protocol::encode_message_frame(message, request_id);
    ASSERT_TRUE(frame.ok()) << frame.status().to_string();
    send_raw(*frame);
  }

  void send_raw(ByteSpan bytes) {
    asio::error_code error;
    asio::write(socket_, asio::buffer(bytes.data(), bytes.size()), error);
  }

  // Reads Hello and accepts it for tenant 7 with the writer role.
  void handshake(std::uint32_t frame_body_size_max_bytes = protocol::frame_body_size_max_default_bytes) {
    std::uint64_t id = 0;
    std::optional<protocol::Hello> hello = read<protocol::Hello>(&id);
    ASSERT_TRUE(hello.has_value());
    EXPECT_EQ(hello->api_key, "secret");
    protocol::HelloResponse response;
    response.tenant_id = 7;
    response.role = protocol::Role::writer;
    response.key_id = "key_1";
    response.server_version = "fake";
    response.frame_body_size_max_bytes = frame_body_size_max_bytes;
    send(response, id);
  }

  // Waits until the client closes the connection, discarding what it sends.
  void wait_for_close() {
    while (read_frame().has_value()) {
    }
  }

  void close() {
    asio::error_code ignored;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

 private:
  asio::ip::tcp::socket socket_;
  protocol::FrameParser parser_;
};

class FakePeer {
 public:
  using Script = std::function<void(PeerConnection&)>;

  explicit FakePeer(std::vector<Script> scripts)
      : acceptor_(context_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        scripts_(std::move(scripts)) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { run(); });
  }

  ~FakePeer() {
    stopping_ = true;
    // Wake a blocking accept() with a throwaway connection.
    asio::ip::tcp::socket waker(context_);
    asio::error_code ignored;
    waker.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ignored);
    thread_.join();
    for (std::thread& thread : connection_threads_) thread.join();
  }

  std::uint16_t port() const { return port_; }
  int connections_accepted() const { return accepted_; }

 private:
  void run() {
    for (Script& script : scripts_) {
      asio::ip::tcp::socket socket(context_);
      asio::error_code error;
      acceptor_.accept(socket, error);
      if (error || stopping_) return;
      accepted_++;
      socket.set_option(asio::ip::tcp::no_delay(true), error);
      // Each connection runs on its own thread, so that several clients can be served at once.
      connection_threads_.emplace_back([&script, socket = std::move(socket)]() mutable {
        PeerConnection connection(std::move(socket));
        script(connection);
        connection.close();
      });
    }
  }

  asio::io_context context_;
  asio::ip::tcp::acceptor acceptor_;
  std::vector<Script> scripts_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_ = false;
  std::atomic<int> accepted_ = 0;
  std::thread thread_;
  std::vector<std::thread> connection_threads_;  // owned by thread_ until it is joined
};

}  // namespace kmb::client::testing
