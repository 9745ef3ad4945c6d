// Connection: one client's session over a byte stream (plain TCP or TLS), on the asio event loop.
//
//   read bytes -> FrameParser -> frames -> decode -> Hello (inline) | request (worker pool)
//   responses (in completion order, each with its request id) -> bounded output queue -> write
//
// Limits (ServerOptions): frame body size (checked from the header before the body is read), the
// number of requests in flight, and the bytes of unsent responses. Over either of the last two the
// connection stops reading (TCP back-pressure reaches the client) instead of buffering more; a
// client that does not read its responses for write_stall_timeout_ms is closed, so a slow reader
// only ever holds its own bounded buffer and never a worker or another connection.
//
// Errors: a frame that breaks the framing (magic, CRC, version, size, truncation) leaves the byte
// stream unusable: the connection answers with an Error (request id 0), finishes what is in
// flight and closes. A well-framed message the server cannot decode or does not know gets an Error
// with its request id and the connection goes on. A request before the handshake or a failed
// handshake gets an Error and the connection closes.
//
// Durability: an autocommit Execute is answered once its write is durable (RequestHandler's
// deferred completion); the worker returns to the pool at once, and the tenant log's flusher
// thread posts the answer back. Requests in flight count until their answer is queued either way.
//
// Thread-safety: every member function runs on the connection's strand, except the completion of
// a request, which runs on its worker or flusher thread and only posts the answer to the strand.
// Shared state across connections lives in ConnectionContext (thread-safe).
#pragma once

#include <asio.hpp>
#include <asio/ssl.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "io/clock.h"
#include "server/metrics.h"
#include "server/request_handler.h"

namespace kmb::server {

struct ServerOptions;

struct ConnectionContext {
  RequestHandler& handler;
  Metrics& metrics;
  io::Clock& clock;
  asio::thread_pool& workers;
  const ServerOptions& options;
  // Called (on the connection's strand) once the connection is closed.
  std::function<void(std::uint64_t connection_id)> on_closed;
};

class ConnectionBase {
 public:
  virtual ~ConnectionBase() = default;
  virtual void start() = 0;
  // Graceful: stop reading, finish and flush in-flight requests, close. Thread-safe.
  virtual void begin_shutdown() = 0;
  // Immediate close. Thread-safe.
  virtual void force_close() = 0;
};

// Creates a connection over an accepted socket; a non-null `tls` wraps it in TLS (server side).
std::shared_ptr<ConnectionBase> make_connection(ConnectionContext& context, asio::ip::tcp::socket socket,
                                                asio::ssl::context* tls, std::uint64_t id);

}  // namespace kmb::server
