// The real network under the client: TCP, optionally TLS, over standalone asio. Every operation is
// asynchronous underneath and driven by this thread with io_context::run_one_for until it completes
// or its deadline passes; that is how blocking calls get definite timeouts.
//
// Handlers refer only to members (never to locals of a function that may return first), and
// close() cancels and drains them, so nothing outlives the transport.
#include <asio.hpp>
#include <asio/ssl.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "client/transport.h"

namespace kmb::client {
namespace {

using asio::ip::tcp;

class TcpTransport final : public Transport {
 public:
  TcpTransport(io::Clock& clock, std::unique_ptr<asio::ssl::context> ssl_context)
      : clock_(clock), ssl_context_(std::move(ssl_context)) {
    if (ssl_context_) {
      tls_.emplace(context_, *ssl_context_);
    } else {
      socket_.emplace(context_);
    }
  }
  // close() runs only our handlers, which never throw; asio throws only on broken invariants, where
  // terminating is the right outcome.
  ~TcpTransport() override { close(); }  // NOLINT(bugprone-exception-escape)

  Status connect(const std::string& host, std::uint16_t port, const TlsOptions& tls, std::uint64_t deadline_ns);
  Status write_all(ByteSpan data, std::uint64_t deadline_ns) override;
  Result<Bytes> read_some(std::uint64_t deadline_ns) override;
  void close() override;

 private:
  tcp::socket& lowest() { return tls_ ? tls_->next_layer() : *socket_; }
  // Runs handlers until `done` is set or the deadline passes; true if done.
  bool run_until(const bool& done, std::uint64_t deadline_ns);
  Status await(const char* what, std::uint64_t deadline_ns);

  io::Clock& clock_;
  asio::io_context context_;
  std::unique_ptr<asio::ssl::context> ssl_context_;
  std::optional<tcp::socket> socket_;                  // plain TCP
  std::optional<asio::ssl::stream<tcp::socket>> tls_;  // TLS
  std::string peer_;
  bool closed_ = false;

  // The one outstanding operation of connect/write (they never overlap).
  bool step_done_ = false;
  asio::error_code step_error_;
  // The pending read, which survives a read_some() that reached its deadline.
  std::array<std::uint8_t, transport_read_size_max_bytes> read_buffer_{};
  bool read_pending_ = false;
  bool read_done_ = false;
  asio::error_code read_error_;
  std::size_t read_size_ = 0;
};

bool TcpTransport::run_until(const bool& done, std::uint64_t deadline_ns) {
  while (!done) {
    if (context_.stopped()) context_.restart();
    std::uint64_t now_ns = clock_.monotonic_ns();
    if (now_ns >= deadline_ns) {
      // Past the deadline, still run what is ready without waiting: a deadline of "now" asks
      // "has anything arrived?" (e.g. the peer's close of an idle connection).
      context_.poll();
      return done;
    }
    context_.run_one_for(std::chrono::nanoseconds(deadline_ns - now_ns));
  }
  return true;
}

Status TcpTransport::await(const char* what, std::uint64_t deadline_ns) {
  if (!run_until(step_done_, deadline_ns)) {
    close();
    return aborted(std::string("deadline exceeded while ") + what + " " + peer_);
  }
  if (step_error_) {
    std::string reason = step_error_ == asio::error::eof ? "the server closed the connection" : step_error_.message();
    close();
    return io_error(std::string(what) + " " + peer_ + " failed: " + reason);
  }
  return Status::ok_status();
}

Status TcpTransport::connect(const std::string& host, std::uint16_t port, const TlsOptions& tls,
                             std::uint64_t deadline_ns) {
  peer_ = host + ":" + std::to_string(port);
  tcp::resolver resolver(context_);
  tcp::resolver::results_type endpoints;
  step_done_ = false;
  resolver.async_resolve(host, std::to_string(port),
                         [this, &endpoints](const asio::error_code& error, tcp::resolver::results_type results) {
                           step_done_ = true;
                           step_error_ = error;
                           endpoints = std::move(results);
                         });
  if (!run_until(step_done_, deadline_ns)) {
    resolver.cancel();
    close();  // drains the resolver's handler before `endpoints` goes away
    return aborted("deadline exceeded while resolving " + peer_);
  }
  if (step_error_) return io_error("cannot resolve " + peer_ + ": " + step_error_.message());

  step_done_ = false;
  asio::async_connect(lowest(), endpoints, [this](const asio::error_code& error, const tcp::endpoint&) {
    step_done_ = true;
    step_error_ = error;
  });
  KMB_TRY(await("connecting to", deadline_ns));
  asio::error_code ignored;
  lowest().set_option(tcp::no_delay(true), ignored);  // frames are small and latency matters

  if (!tls_) return Status::ok_status();
  std::string name = tls.server_name.empty() ? host : tls.server_name;
  // Server Name Indication, so that servers with several certificates pick the right one.
  if (SSL_set_tlsext_host_name(tls_->native_handle(), name.c_str()) != 1) {
    close();
    return io_error("TLS: cannot set the server name " + name);
  }
  if (tls.verify_peer) {
    tls_->set_verify_mode(asio::ssl::verify_peer);
    tls_->set_verify_callback(asio::ssl::host_name_verification(name));
  } else {
    tls_->set_verify_mode(asio::ssl::verify_none);
  }
  step_done_ = false;
  tls_->async_handshake(asio::ssl::stream_base::client, [this](const asio::error_code& error) {
    step_done_ = true;
    step_error_ = error;
  });
  return await("TLS handshake with", deadline_ns);
}

Status TcpTransport::write_all(ByteSpan data, std::uint64_t deadline_ns) {
  if (closed_) return io_error("connection to " + peer_ + " is closed");
  step_done_ = false;
  auto on_written = [this](const asio::error_code& error, std::size_t) {
    step_done_ = true;
    step_error_ = error;
  };
  if (tls_) {
    asio::async_write(*tls_, asio::buffer(data.data(), data.size()), on_written);
  } else {
    asio::async_write(*socket_, asio::buffer(data.data(), data.size()), on_written);
  }
  return await("writing to", deadline_ns);
}

Result<Bytes> TcpTransport::read_some(std::uint64_t deadline_ns) {
  if (closed_) return io_error("connection to " + peer_ + " is closed");
  if (!read_pending_) {
    read_pending_ = true;
    read_done_ = false;
    auto on_read = [this](const asio::error_code& error, std::size_t size) {
      read_done_ = true;
      read_error_ = error;
      read_size_ = size;
    };
    if (tls_) {
      tls_->async_read_some(asio::buffer(read_buffer_), on_read);
    } else {
      socket_->async_read_some(asio::buffer(read_buffer_), on_read);
    }
  }
  if (!run_until(read_done_, deadline_ns)) return Bytes();
  read_pending_ = false;
  if (read_error_) {
    std::string reason = read_error_ == asio::error::eof ? "the server closed the connection" : read_error_.message();
    close();
    return io_error("reading from " + peer_ + " failed: " + reason);
  }
  return Bytes(read_buffer_.begin(), read_buffer_.begin() + static_cast<std::ptrdiff_t>(read_size_));
}

void TcpTransport::close() {
  if (closed_) return;
  closed_ = true;
  asio::error_code ignored;
  lowest().shutdown(tcp::socket::shutdown_both, ignored);
  lowest().close(ignored);
  // Run the cancelled handlers now: they refer to this object.
  context_.restart();
  context_.run();
}

}  // namespace

Result<std::unique_ptr<Transport>> connect_tcp(const std::string& host, std::uint16_t port, const TlsOptions& tls,
                                               io::Clock& clock, std::uint64_t deadline_ns) {
  std::unique_ptr<asio::ssl::context> ssl_context;
  if (tls.enabled) {
    ssl_context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    ssl_context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                             asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                             asio::ssl::context::no_tlsv1_1);
    asio::error_code error;
    if (tls.ca_file.empty()) {
      ssl_context->set_default_verify_paths(error);
      if (error) return io_error("TLS: cannot load the system's CA certificates: " + error.message());
    } else {
      ssl_context->load_verify_file(tls.ca_file, error);
      if (error) return invalid_argument("TLS: cannot load CA file " + tls.ca_file + ": " + error.message());
    }
    if (!tls.certificate_file.empty()) {
      ssl_context->use_certificate_chain_file(tls.certificate_file, error);
      if (error) {
        return invalid_argument("TLS: cannot load client certificate " + tls.certificate_file + ": " + error.message());
      }
      ssl_context->use_private_key_file(tls.private_key_file, asio::ssl::context::pem, error);
      if (error) {
        return invalid_argument("TLS: cannot load client key " + tls.private_key_file + ": " + error.message());
      }
    }
  }
  auto transport = std::make_unique<TcpTransport>(clock, std::move(ssl_context));
  KMB_TRY(transport->connect(host, port, tls, deadline_ns));
  return std::unique_ptr<Transport>(std::move(transport));
}

}  // namespace kmb::client
