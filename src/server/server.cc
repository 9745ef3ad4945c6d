#include "server/server.h"

#include <fmt/format.h>

#include <asio.hpp>
#include <asio/ssl.hpp>
#include <charconv>
#include <csignal>
#include <map>
#include <mutex>
#include <optional>
#include <utility>

#include "server/connection.h"
#include "server/metrics_http.h"

namespace kmb::server {

Result<std::pair<std::string, std::uint16_t>> parse_host_port(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    return invalid_argument("expected host:port, got '" + std::string(text) + "'");
  }
  std::string_view host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (error != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    return invalid_argument("bad port in '" + std::string(text) + "'");
  }
  return std::make_pair(std::string(host), static_cast<std::uint16_t>(port));
}

struct Server::State {
  State(const ServerOptions& options_in, db::Database& database, ApiKeyStore& keys, Metrics& metrics_in,
        io::Storage& storage, io::Clock& clock_in)
      : options(options_in),
        metrics(metrics_in),
        clock(clock_in),
        handler(database, keys, metrics_in, storage, clock_in,
                HandlerOptions{options_in.server_version, options_in.frame_body_size_max_bytes,
                               !options_in.tls_certificate_file.empty(), options_in.regions}),
        workers(options_in.worker_threads),
        control(asio::make_strand(io)),
        acceptor(control),
        signals(control),
        drain_timer(control),
        context{handler, metrics_in, clock_in, workers, options, [this](std::uint64_t id) { on_closed(id); }} {}

  ServerOptions options;
  Metrics& metrics;
  io::Clock& clock;
  RequestHandler handler;
  asio::io_context io;
  asio::thread_pool workers;
  // The acceptor, signals and drain timer live on one strand, so that with several io threads their
  // handlers (accept, stop, drain) never run concurrently.
  asio::strand<asio::io_context::executor_type> control;
  asio::ip::tcp::acceptor acceptor;
  asio::signal_set signals;
  asio::steady_timer drain_timer;
  std::optional<asio::ssl::context> tls;
  ConnectionContext context;
  std::unique_ptr<MetricsHttpServer> http;

  std::mutex connections_mutex;  // connections and stopping: touched by io threads and stop()
  std::map<std::uint64_t, std::shared_ptr<ConnectionBase>> connections;
  std::uint64_t next_connection_id = 1;
  std::atomic<bool> accepting{false};
  bool stopping = false;

  void accept() {
    acceptor.async_accept(asio::make_strand(io), [this](const asio::error_code& error, asio::ip::tcp::socket socket) {
      if (error) {
        if (error == asio::error::operation_aborted || !acceptor.is_open()) return;
        accept();  // e.g. EMFILE or a connection reset before accept: keep serving the others
        return;
      }
      on_accepted(std::move(socket));
      accept();
    });
  }

  void on_accepted(asio::ip::tcp::socket socket) {
    asio::error_code ignored;
    socket.set_option(asio::ip::tcp::no_delay(true), ignored);
    std::shared_ptr<ConnectionBase> connection;
    {
      std::lock_guard lock(connections_mutex);
      if (stopping) return;
      if (connections.size() >= options.connections_max) {
        metrics.connection_rejected();
        reject(std::move(socket));
        return;
      }
      const std::uint64_t id = next_connection_id++;
      connection = make_connection(context, std::move(socket), tls ? &*tls : nullptr, id);
      connections.emplace(id, connection);
    }
    connection->start();
  }

  // Over the connection limit: a plaintext client hears why; a TLS client only sees the close.
  void reject(asio::ip::tcp::socket socket) {
    if (tls) return;
    auto shared_socket = std::make_shared<asio::ip::tcp::socket>(std::move(socket));
    Result<Bytes> frame = protocol::encode_message_frame(
        protocol::error_from_status(resource_exhausted(
            fmt::format("the server has {} connections, its maximum; retry later", options.connections_max))),
        0);
    KMB_ASSERT(frame.ok());
    auto bytes = std::make_shared<Bytes>(std::move(frame).value());
    asio::async_write(*shared_socket, asio::buffer(*bytes),
                      [shared_socket, bytes](const asio::error_code&, std::size_t) {
                        asio::error_code ignored;
                        shared_socket->close(ignored);
                      });
  }

  void on_closed(std::uint64_t id) {
    std::lock_guard lock(connections_mutex);
    connections.erase(id);
    if (stopping && connections.empty()) asio::post(control, [this] { drain_timer.cancel(); });
  }

  std::uint64_t connection_count() {
    std::lock_guard lock(connections_mutex);
    return connections.size();
  }

  void begin_stop() {
    std::vector<std::shared_ptr<ConnectionBase>> open;
    {
      std::lock_guard lock(connections_mutex);
      if (stopping) return;
      stopping = true;
      accepting = false;
      for (auto& [id, connection] : connections) open.push_back(connection);
    }
    asio::error_code ignored;
    acceptor.close(ignored);
    signals.cancel(ignored);
    // Streams: every subscription hears subscription_closed before its connection drains.
    handler.shutdown_streams();
    for (auto& connection : open) connection->begin_shutdown();
    if (open.empty()) return;
    drain_timer.expires_after(std::chrono::milliseconds(options.shutdown_drain_timeout_ms));
    drain_timer.async_wait([this](const asio::error_code& error) {
      if (error) return;
      std::vector<std::shared_ptr<ConnectionBase>> remaining;
      {
        std::lock_guard lock(connections_mutex);
        for (auto& [id, connection] : connections) remaining.push_back(connection);
      }
      for (auto& connection : remaining) connection->force_close();
    });
  }
};

Server::Server(std::unique_ptr<State> state) : state_(std::move(state)) {}

Server::~Server() {
  if (state_->http) state_->http->stop();
  state_->workers.join();
  // Deferred answers still pending post to connections on `io`: they must all have run before
  // the state is destroyed.
  state_->handler.wait_for_deferred();
}

namespace {

Status configure_tls(asio::ssl::context& context, const ServerOptions& options) {
  asio::error_code error;
  context.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                          asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 |
                          asio::ssl::context::single_dh_use,
                      error);
  if (error) return internal_error("TLS options: " + error.message());
  context.use_certificate_chain_file(options.tls_certificate_file, error);
  if (error) return invalid_argument("TLS certificate " + options.tls_certificate_file + ": " + error.message());
  context.use_private_key_file(options.tls_private_key_file, asio::ssl::context::pem, error);
  if (error) return invalid_argument("TLS private key " + options.tls_private_key_file + ": " + error.message());
  if (!options.tls_client_ca_file.empty()) {
    context.load_verify_file(options.tls_client_ca_file, error);
    if (error) return invalid_argument("TLS client CA " + options.tls_client_ca_file + ": " + error.message());
    context.set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert, error);
    if (error) return internal_error("TLS verify mode: " + error.message());
  }
  return Status::ok_status();
}

Status listen(asio::ip::tcp::acceptor& acceptor, const std::string& host, std::uint16_t port) {
  asio::error_code error;
  const asio::ip::address address = asio::ip::make_address(host, error);
  if (error) return invalid_argument("cannot listen on '" + host + "': not an IP address");
  const asio::ip::tcp::endpoint endpoint(address, port);
  const std::string where = fmt::format("{}:{}", host, port);
  acceptor.open(endpoint.protocol(), error);
  if (error) return io_error("cannot listen on " + where + ": " + error.message());
  acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true), error);
  acceptor.bind(endpoint, error);
  if (error) return io_error("cannot listen on " + where + ": " + error.message());
  acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) return io_error("cannot listen on " + where + ": " + error.message());
  return Status::ok_status();
}

// Per-tenant log size gauges, and the bytes appended since start (their growth), read from the
// tenants at scrape time so the commit path carries no extra bookkeeping.
void install_log_gauges(db::Database& database, Metrics& metrics) {
  auto sizes = [&database]() {
    std::map<std::uint64_t, db::TenantInfo> infos;
    Result<std::vector<std::uint64_t>> ids = database.tenant_ids();
    if (!ids.ok()) return infos;
    for (std::uint64_t id : *ids) {
      Result<db::TenantInfo> info = database.tenant_info(id);
      if (info.ok()) infos.emplace(id, std::move(info).value());
    }
    return infos;
  };
  std::map<std::uint64_t, std::uint64_t> bytes_at_start;
  for (const auto& [id, info] : sizes()) bytes_at_start[id] = info.log_bytes;
  metrics.set_gauge_source([sizes, bytes_at_start](std::string& out) {
    const std::map<std::uint64_t, db::TenantInfo> infos = sizes();
    std::uint64_t appended = 0;
    out +=
        "# HELP kimberlite_tenant_log_bytes Size of the tenant's log on disk.\n"
        "# TYPE kimberlite_tenant_log_bytes gauge\n";
    for (const auto& [id, info] : infos)
      out += fmt::format("kimberlite_tenant_log_bytes{{tenant=\"{}\"}} {}\n", id, info.log_bytes);
    out +=
        "# HELP kimberlite_tenant_log_records Durable records in the tenant's log.\n"
        "# TYPE kimberlite_tenant_log_records gauge\n";
    for (const auto& [id, info] : infos) {
      out += fmt::format("kimberlite_tenant_log_records{{tenant=\"{}\"}} {}\n", id, info.record_count);
      auto start = bytes_at_start.find(id);
      const std::uint64_t base = start == bytes_at_start.end() ? 0 : start->second;
      appended += info.log_bytes > base ? info.log_bytes - base : 0;
    }
    out +=
        "# HELP kimberlite_log_appended_bytes_total Log bytes appended since the server started.\n"
        "# TYPE kimberlite_log_appended_bytes_total counter\n";
    out += fmt::format("kimberlite_log_appended_bytes_total {}\n", appended);
  });
}

}  // namespace

Result<std::unique_ptr<Server>> Server::start(const ServerOptions& options, db::Database& database, ApiKeyStore& keys,
                                              Metrics& metrics, io::Storage& storage, io::Clock& clock) {
  if (options.worker_threads == 0 || options.io_threads == 0 || options.connections_max == 0) {
    return invalid_argument("worker threads, io threads and the connection limit must be at least 1");
  }
  if (options.frame_body_size_max_bytes == 0 ||
      options.frame_body_size_max_bytes > protocol::frame_body_size_limit_bytes) {
    return invalid_argument(
        fmt::format("the frame size limit must be 1..{} bytes", protocol::frame_body_size_limit_bytes));
  }
  if (options.tls_certificate_file.empty() != options.tls_private_key_file.empty()) {
    return invalid_argument("TLS needs both --tls-cert and --tls-key");
  }
  if (!options.tls_client_ca_file.empty() && options.tls_certificate_file.empty()) {
    return invalid_argument("--tls-client-ca needs --tls-cert and --tls-key");
  }
  auto state = std::make_unique<State>(options, database, keys, metrics, storage, clock);
  State* raw = state.get();
  if (!options.tls_certificate_file.empty()) {
    state->tls.emplace(asio::ssl::context::tls_server);
    KMB_TRY(configure_tls(*state->tls, options));
  }
  KMB_TRY(listen(state->acceptor, options.listen_host, options.listen_port));
  state->handler.set_connection_count_source([raw] { return raw->connection_count(); });
  install_log_gauges(database, metrics);
  if (!options.metrics_listen.empty()) {
    KMB_ASSIGN_OR_RETURN(auto host_port, parse_host_port(options.metrics_listen));
    state->http = std::make_unique<MetricsHttpServer>(metrics, [raw] { return raw->accepting.load(); });
    KMB_TRY(state->http->start(host_port.first, host_port.second));
  }
  if (options.handle_signals) {
    // Installed before anyone can learn the port, so a signal sent right after start-up is a
    // graceful shutdown, never the default action.
    asio::error_code error;
    state->signals.add(SIGINT, error);
    if (!error) state->signals.add(SIGTERM, error);
    if (error) return io_error("cannot handle SIGINT/SIGTERM: " + error.message());
    state->signals.async_wait([raw](const asio::error_code& wait_error, int) {
      if (!wait_error) raw->begin_stop();
    });
  }
  state->accepting = true;
  state->accept();
  return std::make_unique<Server>(std::move(state));
}

std::uint16_t Server::port() const {
  asio::error_code error;
  const asio::ip::tcp::endpoint endpoint = state_->acceptor.local_endpoint(error);
  return error ? 0 : endpoint.port();
}

std::uint16_t Server::metrics_port() const {
  return state_->http ? state_->http->port() : 0;
}

bool Server::ready() const {
  return state_->accepting.load();
}

void Server::stop() {
  State* state = state_.get();
  asio::post(state->control, [state] { state->begin_stop(); });
}

Status Server::run() {
  State& state = *state_;
  std::vector<std::thread> threads;
  for (std::uint32_t i = 1; i < state.options.io_threads; i++) threads.emplace_back([&state] { state.io.run(); });
  state.io.run();
  for (std::thread& thread : threads) thread.join();
  // Every connection is closed; requests still running on workers finish (their commits become
  // durable), as do the writes answered from durability callbacks, before the database is closed
  // by the caller.
  state.workers.join();
  state.handler.wait_for_deferred();
  if (state.http) state.http->stop();
  return Status::ok_status();
}

}  // namespace kmb::server
