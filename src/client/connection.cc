#include "client/connection.h"

#include <string>

namespace kmb::client {

using protocol::Frame;
using protocol::Message;
using protocol::MessageType;

Connection::Connection(std::unique_ptr<Transport> transport, std::uint32_t frame_body_size_max_bytes, io::Clock& clock)
    : transport_(std::move(transport)),
      clock_(clock),
      parser_(frame_body_size_max_bytes),
      frame_body_size_max_bytes_(frame_body_size_max_bytes) {}

Result<std::unique_ptr<Connection>> Connection::open(std::unique_ptr<Transport> transport, const std::string& api_key,
                                                     const std::string& client_name,
                                                     std::uint32_t frame_body_size_max_bytes, io::Clock& clock,
                                                     std::uint64_t deadline_ns) {
  auto connection = std::make_unique<Connection>(std::move(transport), frame_body_size_max_bytes, clock);
  protocol::Hello hello;
  hello.api_key = api_key;
  hello.client_name = client_name;
  KMB_ASSIGN_OR_RETURN(Message response, connection->call(hello, deadline_ns));
  if (auto* error = std::get_if<protocol::Error>(&response)) {
    connection->close();
    return protocol::status_from_error(*error).with_context("handshake");
  }
  auto& session = std::get<protocol::HelloResponse>(response);
  if (session.version < protocol::protocol_version_min || session.version > protocol::protocol_version_max) {
    connection->close();
    return unsupported("handshake: the server chose protocol version " + std::to_string(session.version));
  }
  // Never send more than the server accepts.
  connection->frame_body_size_max_bytes_ = std::min(frame_body_size_max_bytes, session.frame_body_size_max_bytes);
  connection->session_ = std::move(session);
  return connection;
}

Status Connection::fail(Status status) {
  KMB_ASSERT(!status.ok());
  if (broken_status_.ok()) broken_status_ = status;
  transport_->close();
  return status;
}

void Connection::close() {
  if (broken_status_.ok()) broken_status_ = io_error("connection closed by the client");
  transport_->close();
}

Status Connection::send(const Message& message, std::uint64_t request_id, std::uint64_t deadline_ns) {
  KMB_ASSIGN_OR_RETURN(Bytes frame, protocol::encode_message_frame(message, request_id, frame_body_size_max_bytes_));
  Status written = transport_->write_all(frame, deadline_ns);
  if (!written.ok()) return fail(written);
  return Status::ok_status();
}

Result<std::optional<Frame>> Connection::next_frame(std::uint64_t deadline_ns) {
  while (true) {
    Result<std::optional<Frame>> frame = parser_.next();
    if (!frame.ok()) return fail(frame.status().with_context("reading from the server"));
    if (frame->has_value()) return frame;
    Result<Bytes> bytes = transport_->read_some(deadline_ns);
    if (!bytes.ok()) return fail(bytes.status());
    if (bytes->empty()) return std::optional<Frame>();
    parser_.append(*bytes);
  }
}

Result<Message> Connection::call(const Message& request, std::uint64_t deadline_ns) {
  if (broken()) return io_error("connection is broken: " + broken_status_.to_string());
  MessageType request_type = protocol::message_type(request);
  KMB_ASSERT(protocol::is_request(request_type));
  const std::uint64_t request_id = next_request_id_++;
  KMB_TRY(send(request, request_id, deadline_ns));
  const std::uint64_t started_ns = clock_.monotonic_ns();
  while (true) {
    KMB_ASSIGN_OR_RETURN(std::optional<Frame> frame, next_frame(deadline_ns));
    if (!frame.has_value()) {
      std::uint64_t waited_ms = (clock_.monotonic_ns() - started_ns) / 1'000'000;
      return aborted("deadline exceeded: no answer to " + std::string(protocol::message_type_name(request_type)) +
                     " within " + std::to_string(waited_ms) + " ms");
    }
    Result<Message> message = protocol::decode_message(*frame);
    if (!message.ok()) return fail(message.status().with_context("malformed frame from the server"));
    if (protocol::is_push(protocol::message_type(*message))) {
      if (pushes_.size() >= connection_pushes_queued_max) {
        return fail(resource_exhausted("the server pushed more events than credits allow"));
      }
      pushes_.push_back(std::move(*message));
      continue;
    }
    if (frame->header.request_id == 0 && std::holds_alternative<protocol::Error>(*message)) {
      // The server reports a connection-level failure and closes.
      return fail(protocol::status_from_error(std::get<protocol::Error>(*message)).with_context("server"));
    }
    if (frame->header.request_id != request_id) continue;  // a late answer to an abandoned request
    if (std::holds_alternative<protocol::Error>(*message)) return message;
    if (protocol::message_type(*message) != protocol::response_type(request_type)) {
      return fail(invalid_argument("the server answered " + std::string(protocol::message_type_name(request_type)) +
                                   " with " +
                                   std::string(protocol::message_type_name(protocol::message_type(*message)))));
    }
    return message;
  }
}

Status Connection::take_ready_input() {
  if (broken()) return broken_status_;
  Result<Bytes> bytes = transport_->read_some(clock_.monotonic_ns());
  if (!bytes.ok()) return fail(bytes.status());
  parser_.append(*bytes);
  return Status::ok_status();
}

Status Connection::wait_for_push(std::uint64_t deadline_ns) {
  if (!pushes_.empty()) return Status::ok_status();
  if (broken()) return io_error("connection is broken: " + broken_status_.to_string());
  while (pushes_.empty()) {
    KMB_ASSIGN_OR_RETURN(std::optional<Frame> frame, next_frame(deadline_ns));
    if (!frame.has_value()) return Status::ok_status();
    Result<Message> message = protocol::decode_message(*frame);
    if (!message.ok()) return fail(message.status().with_context("malformed frame from the server"));
    if (protocol::is_push(protocol::message_type(*message))) {
      pushes_.push_back(std::move(*message));
    } else if (frame->header.request_id == 0 && std::holds_alternative<protocol::Error>(*message)) {
      return fail(protocol::status_from_error(std::get<protocol::Error>(*message)).with_context("server"));
    }
    // Anything else is a late answer to an abandoned request.
  }
  return Status::ok_status();
}

std::optional<Message> Connection::take_push() {
  if (pushes_.empty()) return std::nullopt;
  Message message = std::move(pushes_.front());
  pushes_.pop_front();
  return message;
}

}  // namespace kmb::client
