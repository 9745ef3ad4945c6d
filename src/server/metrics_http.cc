#include "server/metrics_http.h"

#include <httplib.h>

#include <utility>

namespace kmb::server {

struct MetricsHttpServer::Impl {
  httplib::Server http;
  std::thread thread;
};

MetricsHttpServer::MetricsHttpServer(Metrics& metrics, std::function<bool()> ready) : impl_(std::make_unique<Impl>()) {
  impl_->http.Get("/metrics", [&metrics](const httplib::Request&, httplib::Response& response) {
    response.set_content(metrics.render_prometheus(), "text/plain; version=0.0.4; charset=utf-8");
  });
  impl_->http.Get("/health", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("ok\n", "text/plain");
  });
  impl_->http.Get("/ready", [ready = std::move(ready)](const httplib::Request&, httplib::Response& response) {
    const bool is_ready = ready();
    response.status = is_ready ? 200 : 503;
    response.set_content(is_ready ? "ready\n" : "not ready\n", "text/plain");
  });
}

MetricsHttpServer::~MetricsHttpServer() {
  stop();
}

Status MetricsHttpServer::start(const std::string& host, std::uint16_t port) {
  KMB_ASSERT(!impl_->thread.joinable());
  int bound = 0;
  if (port == 0) {
    bound = impl_->http.bind_to_any_port(host.c_str());
  } else {
    bound = impl_->http.bind_to_port(host.c_str(), port) ? port : -1;
  }
  if (bound <= 0) return io_error("cannot listen for metrics on " + host + ":" + std::to_string(port));
  port_ = static_cast<std::uint16_t>(bound);
  impl_->thread = std::thread([this] { impl_->http.listen_after_bind(); });
  return Status::ok_status();
}

void MetricsHttpServer::stop() {
  if (!impl_->thread.joinable()) return;
  impl_->http.stop();
  impl_->thread.join();
}

}  // namespace kmb::server
