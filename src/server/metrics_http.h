// The HTTP sidecar (`--metrics-listen host:port`): a tiny cpp-httplib server on its own thread.
//
//   GET /metrics   Prometheus text format (Metrics::render_prometheus)
//   GET /health    200 "ok" while the process serves at all (liveness)
//   GET /ready     200 "ready" while the server accepts connections, 503 during start-up/shutdown
//
// It reads only the thread-safe Metrics and a readiness callback; it never touches the database.
//
// Thread-safety: start() and stop() from one thread; handlers run on httplib's threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "base/status.h"
#include "server/metrics.h"

namespace kmb::server {

class MetricsHttpServer {
 public:
  MetricsHttpServer(Metrics& metrics, std::function<bool()> ready);
  ~MetricsHttpServer();
  MetricsHttpServer(const MetricsHttpServer&) = delete;
  MetricsHttpServer& operator=(const MetricsHttpServer&) = delete;

  // Binds host:port (port 0 = any free port) and serves on a background thread.
  Status start(const std::string& host, std::uint16_t port);
  std::uint16_t port() const { return port_; }
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::uint16_t port_ = 0;
};

}  // namespace kmb::server
