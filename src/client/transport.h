// Transport: a reliable byte stream to a Kimberlite server with deadlines — what the client's
// protocol layer (connection.h) needs from the network, and the only part of the client that
// touches sockets. connect_tcp() gives plain TCP or TLS (OpenSSL) over standalone asio; tests may
// substitute any other Transport.
//
// Deadlines are io::Clock::monotonic_ns() values. A read that reaches its deadline loses nothing:
// it stays pending and the next read_some() continues it. A write that fails or times out may have
// sent part of a frame, so the stream is unusable afterwards and the caller must close it.
//
// Thread-safety: none; one thread at a time (the Client serialises calls).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "base/bytes.h"
#include "base/status.h"
#include "io/clock.h"

namespace kmb::client {

struct TlsOptions {
  bool enabled = false;
  std::string ca_file;           // PEM CA bundle to verify the server; "" = the system's default CAs
  std::string certificate_file;  // PEM client certificate chain for mutual TLS; "" = none
  std::string private_key_file;  // PEM key of certificate_file
  std::string server_name;       // SNI and the name checked in the certificate; "" = the host connected to
  bool verify_peer = true;       // false only for tests against self-signed servers without a CA file
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends all of `data`. io_error on failure, aborted when the deadline passes; both leave the stream
  // unusable.
  virtual Status write_all(ByteSpan data, std::uint64_t deadline_ns) = 0;
  // Waits for bytes: non-empty on success, empty when the deadline passed first (the read stays
  // pending and loses nothing); io_error when the peer closed the connection or it failed. A
  // deadline already past still takes what has arrived, without waiting.
  virtual Result<Bytes> read_some(std::uint64_t deadline_ns) = 0;
  // Closes the connection; later calls fail with io_error. Idempotent.
  virtual void close() = 0;
};

// Reads of at most this many bytes at once.
inline constexpr std::size_t transport_read_size_max_bytes = std::size_t{64} << 10;

// Resolves `host`, connects over TCP and (if tls.enabled) completes the TLS handshake, all by the
// deadline. io_error for resolution, connection and handshake failures (with the reason), aborted
// when the deadline passes. `clock` must outlive the transport.
Result<std::unique_ptr<Transport>> connect_tcp(const std::string& host, std::uint16_t port, const TlsOptions& tls,
                                               io::Clock& clock, std::uint64_t deadline_ns);

}  // namespace kmb::client
