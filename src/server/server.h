// Server: Kimberlite over the network — `kimberlite start`.
//
//   acceptor (asio, --listen)  ->  Connection per client (connection.h): framing, handshake,
//   pipelined requests, bounded buffers, timeouts  ->  worker pool  ->  RequestHandler
//   (request_handler.h)  ->  db::Database (group commit across all connections' writes)
//
// Threads: `io_threads` run the asio event loop (sockets, timers, TLS); `worker_threads` run
// requests, which may block in SQL or in a durable commit. Writes from many connections thus wait
// on the same fdatasync instead of queueing behind each other. The HTTP sidecar (metrics_http.h)
// has its own thread.
//
// Lifecycle: start() binds and listens (so the port is known and connections queue up before
// run()) and installs the signal handlers; run() serves until stop() — or SIGINT/SIGTERM when
// `handle_signals` — then shuts down gracefully: stop accepting, stop reading new requests, let
// requests already running finish and their responses flush (at most `shutdown_drain_timeout_ms`),
// close every connection, join the workers. The Database (owned by the caller) is then closed, which syncs and
// checkpoints.
//
// Thread-safety: stop() may be called from any thread (and from a signal handler's asio
// callback); everything else from the thread that owns the Server.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "base/status.h"
#include "db/database.h"
#include "io/clock.h"
#include "io/storage.h"
#include "server/api_keys.h"
#include "server/metrics.h"
#include "server/request_handler.h"

namespace kmb::server {

// The default port: not PostgreSQL's 5432; 7447 is otherwise unassigned in common use.
inline constexpr std::uint16_t default_port = 7447;

struct ServerOptions {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = default_port;  // 0 = any free port (see Server::port())
  std::string metrics_listen;                // "host:port" of the HTTP sidecar; empty = none

  // TLS: both set = TLS on every connection; client_ca set = clients must present a certificate
  // signed by it.
  std::string tls_certificate_file;
  std::string tls_private_key_file;
  std::string tls_client_ca_file;

  std::uint32_t io_threads = 1;
  std::uint32_t worker_threads = 64;
  std::uint32_t connections_max = 1024;
  std::uint32_t frame_body_size_max_bytes = 16u << 20;
  std::uint32_t requests_in_flight_per_connection_max = 128;
  // A connection whose unsent responses exceed this stops being read until they drain; if the
  // client reads nothing for `write_stall_timeout_ms` it is closed.
  std::uint64_t output_buffer_size_max_bytes = 8u << 20;
  std::uint64_t write_stall_timeout_ms = 10'000;
  std::uint64_t idle_timeout_ms = 300'000;      // no request and nothing in flight
  std::uint64_t handshake_timeout_ms = 10'000;  // connection (and TLS handshake) to Hello
  std::uint64_t shutdown_drain_timeout_ms = 10'000;
  bool handle_signals = true;

  std::string server_version = "0.0.0";
  std::vector<std::string> regions;
};

// Parses "host:port" (port 0..65535). invalid_argument otherwise.
Result<std::pair<std::string, std::uint16_t>> parse_host_port(std::string_view text);

class Server {
 public:
  // Binds the listener (and the sidecar). All references must outlive the Server.
  static Result<std::unique_ptr<Server>> start(const ServerOptions& options, db::Database& database, ApiKeyStore& keys,
                                               Metrics& metrics, io::Storage& storage, io::Clock& clock);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  std::uint16_t port() const;
  std::uint16_t metrics_port() const;
  // Serves until stop() or a signal; returns once shut down.
  Status run();
  void stop();
  // True from the moment the listener is up until shutdown begins (the sidecar's /ready).
  bool ready() const;

  struct State;
  explicit Server(std::unique_ptr<State> state);

 private:
  std::unique_ptr<State> state_;
};

}  // namespace kmb::server
