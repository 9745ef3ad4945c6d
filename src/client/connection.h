// Connection: one authenticated protocol session over a Transport — the handshake, request ids,
// matching responses to requests, and queueing the server's pushes (subscription events) that
// arrive in between.
//
// Failure model: a write failure, a malformed frame from the server, or a connection-level Error
// (request id 0) makes the connection broken for good (broken() is true; every call then fails
// fast with io_error and the Client reconnects). A response that misses its deadline does not
// break it: the request id is forgotten and its late response is discarded when it arrives.
//
// Thread-safety: none; the Client serialises access.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "base/status.h"
#include "client/transport.h"
#include "io/clock.h"
#include "protocol/frame.h"
#include "protocol/messages.h"

namespace kmb::client {

// Pushes queued and not yet taken beyond this break the connection (the server ignores credits).
inline constexpr std::size_t connection_pushes_queued_max = 100'000;

class Connection {
 public:
  // Sends Hello with `api_key` and waits (by the deadline) for the HelloResponse. An Error answer
  // (bad key, unsupported version) is returned as its Status.
  static Result<std::unique_ptr<Connection>> open(std::unique_ptr<Transport> transport, const std::string& api_key,
                                                  const std::string& client_name,
                                                  std::uint32_t frame_body_size_max_bytes, io::Clock& clock,
                                                  std::uint64_t deadline_ns);

  // Sends `request` and returns its response: the expected response message, or the server's Error
  // message (as a Message, so that the caller sees `retryable`). Errors of the call itself: io_error
  // (connection broken), aborted (deadline exceeded), invalid_argument (unencodable request or an
  // unexpected response type).
  Result<protocol::Message> call(const protocol::Message& request, std::uint64_t deadline_ns);

  // Takes whatever the server has sent, without waiting, so that a connection the server closed
  // (e.g. for idleness) is found broken before a request is sent on it. ok unless it broke.
  Status take_ready_input();

  // Reads until at least one push is queued or the deadline passes; ok in both cases.
  Status wait_for_push(std::uint64_t deadline_ns);
  // The oldest queued push, if any.
  std::optional<protocol::Message> take_push();

  bool broken() const { return !broken_status_.ok(); }
  const Status& broken_status() const { return broken_status_; }
  const protocol::HelloResponse& session() const { return session_; }
  void close();

  Connection(std::unique_ptr<Transport> transport, std::uint32_t frame_body_size_max_bytes, io::Clock& clock);

 private:
  Status send(const protocol::Message& message, std::uint64_t request_id, std::uint64_t deadline_ns);
  // The next frame by the deadline: a frame, nullopt on deadline, or the error that broke the connection.
  Result<std::optional<protocol::Frame>> next_frame(std::uint64_t deadline_ns);
  Status fail(Status status);

  std::unique_ptr<Transport> transport_;
  io::Clock& clock_;
  protocol::FrameParser parser_;
  std::uint32_t frame_body_size_max_bytes_;
  std::uint64_t next_request_id_ = 1;
  std::deque<protocol::Message> pushes_;
  protocol::HelloResponse session_;
  Status broken_status_;
};

}  // namespace kmb::client
