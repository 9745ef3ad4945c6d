#include "server/connection.h"

#include <fmt/format.h>

#include <array>
#include <atomic>
#include <deque>
#include <optional>
#include <utility>
#include <vector>

#include "protocol/frame.h"
#include "protocol/messages.h"
#include "server/server.h"

namespace kmb::server {

namespace {

constexpr std::size_t read_chunk_size_bytes = 64 << 10;
// Responses written with one gathered write, at most.
constexpr std::size_t write_batch_frames_max = 64;
constexpr std::uint64_t watchdog_interval_ms_max = 1'000;

template <typename Stream>
constexpr bool is_tls = !std::is_same_v<Stream, asio::ip::tcp::socket>;

template <typename Stream>
class Connection final : public ConnectionBase, public std::enable_shared_from_this<Connection<Stream>> {
 public:
  Connection(ConnectionContext& context, Stream stream, std::uint64_t id)
      : context_(context),
        stream_(std::move(stream)),
        timer_(stream_.get_executor()),
        parser_(context.options.frame_body_size_max_bytes),
        id_(id) {
    asio::error_code error;
    const asio::ip::tcp::endpoint endpoint = stream_.lowest_layer().remote_endpoint(error);
    peer_ = error ? std::string("unknown") : fmt::format("{}:{}", endpoint.address().to_string(), endpoint.port());
    const std::uint64_t now = now_ms();
    last_read_ms_ = now;
    last_write_progress_ms_ = now;
  }

  void start() override {
    context_.metrics.connection_opened();
    arm_watchdog();
    if constexpr (is_tls<Stream>) {
      auto self = this->shared_from_this();
      stream_.async_handshake(asio::ssl::stream_base::server, [self](const asio::error_code& error) {
        if (error) {
          self->close();
          return;
        }
        self->read_more();
      });
    } else {
      read_more();
    }
  }

  void begin_shutdown() override {
    auto self = this->shared_from_this();
    asio::post(stream_.get_executor(), [self] {
      if (self->closed_) return;
      self->shutting_down_ = true;
      self->close_after_flush_ = true;
      // Interrupt the pending read: no new requests are taken from now on.
      asio::error_code ignored;
      self->stream_.lowest_layer().cancel(ignored);
      self->maybe_finish_close();
    });
  }

  void force_close() override {
    auto self = this->shared_from_this();
    asio::post(stream_.get_executor(), [self] { self->close(); });
  }

 private:
  std::uint64_t now_ms() { return context_.clock.monotonic_ns() / 1'000'000; }

  bool read_paused() const {
    return in_flight_ >= context_.options.requests_in_flight_per_connection_max ||
           output_bytes_ >= context_.options.output_buffer_size_max_bytes;
  }

  void read_more() {
    if (closed_ || reading_ || close_after_flush_ || read_paused()) return;
    reading_ = true;
    auto self = this->shared_from_this();
    stream_.async_read_some(asio::buffer(read_buffer_),
                            [self](const asio::error_code& error, std::size_t size) { self->on_read(error, size); });
  }

  void on_read(const asio::error_code& error, std::size_t size) {
    reading_ = false;
    if (closed_) return;
    if (error) {
      if (error == asio::error::operation_aborted && shutting_down_) {
        maybe_finish_close();
        return;
      }
      // End of stream or a reset: requests already running still commit, but nobody is left to
      // hear the answers.
      close();
      return;
    }
    context_.metrics.bytes_received(size);
    last_read_ms_ = now_ms();
    parser_.append(ByteSpan(read_buffer_.data(), size));
    while (!closed_ && !close_after_flush_) {
      Result<std::optional<protocol::Frame>> frame = parser_.next();
      if (!frame.ok()) {
        context_.metrics.protocol_error();
        fail_and_close(frame.status(), 0);
        break;
      }
      if (!frame->has_value()) break;
      on_frame(std::move(**frame));
    }
    read_more();
  }

  void on_frame(protocol::Frame frame) {
    const std::uint64_t request_id = frame.header.request_id;
    const std::uint16_t type = frame.header.type;
    Result<protocol::Message> message = protocol::decode_message(frame);
    if (!message.ok()) {
      // The framing is intact, so the stream stays usable: answer this request and go on, unless
      // the handshake has not happened (then nothing but Hello is acceptable).
      context_.metrics.protocol_error();
      if (!principal_.has_value()) {
        fail_and_close(message.status(), request_id);
      } else {
        send_error(message.status(), request_id);
      }
      return;
    }
    if (!principal_.has_value()) {
      const auto* hello = std::get_if<protocol::Hello>(&*message);
      if (hello == nullptr) {
        fail_and_close(failed_precondition("the first request of a connection must be hello"), request_id);
        return;
      }
      Principal principal;
      context_.metrics.request_started(type);
      const std::uint64_t started_ns = context_.clock.monotonic_ns();
      HandledRequest handled = context_.handler.hello(*hello, id_, principal);
      context_.metrics.request_finished(type, handled.tenant_id, handled.code,
                                        context_.clock.monotonic_ns() - started_ns);
      if (handled.code != StatusCode::ok) {
        send(handled.response, request_id);
        close_after_flush_ = true;
        maybe_finish_close();
        return;
      }
      principal_ = principal;
      make_push_target();
      send(handled.response, request_id);
      return;
    }
    dispatch(type, request_id, std::move(message).value());
  }

  void dispatch(std::uint16_t type, std::uint64_t request_id, protocol::Message message) {
    context_.metrics.request_started(type);
    const std::uint64_t started_ns = context_.clock.monotonic_ns();
    // Cheap reads are answered right here, on the strand (RequestHandler::try_handle_inline):
    // posting to a worker and back costs two thread wake-ups, which over loopback is most of a
    // point read's latency. Only when nothing else of this connection is in flight, so that a
    // client's answers keep the order in which one-at-a-time requests were sent.
    if (in_flight_ == 0) {
      std::optional<HandledRequest> handled = context_.handler.try_handle_inline(*principal_, message);
      if (handled.has_value()) {
        const std::uint32_t body_max = context_.options.frame_body_size_max_bytes;
        Result<Bytes> frame = encode(handled->response, request_id, body_max);
        if (!frame.ok()) {
          handled->code = frame.status().code();
          frame = encode(protocol::error_from_status(frame.status()), request_id, body_max);
        }
        context_.metrics.request_finished(type, handled->tenant_id, handled->code,
                                          context_.clock.monotonic_ns() - started_ns);
        enqueue(std::move(frame).value());
        return;
      }
    }
    in_flight_++;
    auto self = this->shared_from_this();
    asio::post(context_.workers, [self, type, request_id, started_ns, message = std::move(message)]() mutable {
      // An autocommit Execute is answered from its durability callback: the worker goes back to
      // the pool at once instead of sleeping through the fdatasync (docs/server.md).
      HandledRequest handled =
          self->context_.handler.handle(*self->principal_, message, self->peer_, self->push_target_,
                                        [self, type, request_id, started_ns](HandledRequest outcome) {
                                          self->request_done(type, request_id, started_ns, std::move(outcome));
                                        });
      if (handled.deferred) return;
      self->request_done(type, request_id, started_ns, std::move(handled));
    });
  }

  // A request that went to a worker is finished: encode its answer and queue it on the strand.
  // Runs on the worker, or for a deferred request on the thread that confirmed durability (the
  // tenant log's flusher, which every other acknowledgement waits behind: keep this short).
  void request_done(std::uint16_t type, std::uint64_t request_id, std::uint64_t started_ns, HandledRequest handled) {
    auto self = this->shared_from_this();
    Result<Bytes> frame = encode(handled.response, request_id, context_.options.frame_body_size_max_bytes);
    if (!frame.ok()) {
      handled.code = frame.status().code();
      frame =
          encode(protocol::error_from_status(frame.status()), request_id, context_.options.frame_body_size_max_bytes);
    }
    const std::uint64_t latency_ns = context_.clock.monotonic_ns() - started_ns;
    context_.metrics.request_finished(type, handled.tenant_id, handled.code, latency_ns);
    asio::post(stream_.get_executor(),
               [self, frame = std::move(frame).value(), after_queued = std::move(handled.after_queued)]() mutable {
                 self->in_flight_--;
                 if (self->closed_) {
                   // A subscription registered while the connection closed: drop it again.
                   if (after_queued) self->context_.handler.connection_closed(self->id_);
                   return;
                 }
                 self->enqueue(std::move(frame));
                 if (after_queued) after_queued();
                 self->read_more();
                 self->maybe_finish_close();
               });
  }

  // Streams (stream_service.h): subscription pushes come from the service's pusher thread, so
  // the hook is thread-safe — it only posts the frame to this connection's strand, where it is
  // queued behind the responses already queued (a SubscribeResponse always precedes its pushes).
  void make_push_target() {
    std::weak_ptr<Connection> weak = this->shared_from_this();
    auto push = [weak](Bytes frame) {
      std::shared_ptr<Connection> self = weak.lock();
      if (self == nullptr || self->push_closed_.load()) return false;
      asio::post(self->stream_.get_executor(), [self, frame = std::move(frame)]() mutable {
        if (!self->closed_) self->enqueue(std::move(frame));
      });
      return true;
    };
    push_target_ = std::make_shared<PushTarget>(PushTarget{id_, std::move(push)});
  }

  static Result<Bytes> encode(const protocol::Message& message, std::uint64_t request_id,
                              std::uint32_t body_size_max_bytes) {
    return protocol::encode_message_frame(message, request_id, body_size_max_bytes);
  }

  void send(const protocol::Message& message, std::uint64_t request_id) {
    Result<Bytes> frame = encode(message, request_id, context_.options.frame_body_size_max_bytes);
    if (!frame.ok())
      frame =
          encode(protocol::error_from_status(frame.status()), request_id, protocol::frame_body_size_max_default_bytes);
    KMB_ASSERT(frame.ok());
    enqueue(std::move(frame).value());
  }

  void send_error(const Status& status, std::uint64_t request_id) {
    send(protocol::error_from_status(status), request_id);
  }

  // Answers, stops reading, and closes once everything in flight has been answered and flushed.
  void fail_and_close(const Status& status, std::uint64_t request_id) {
    send_error(status, request_id);
    close_after_flush_ = true;
    maybe_finish_close();
  }

  void enqueue(Bytes frame) {
    output_bytes_ += frame.size();
    output_.push_back(std::move(frame));
    write_more();
  }

  void write_more() {
    if (closed_ || writing_ || output_.empty()) return;
    writing_ = true;
    last_write_progress_ms_ = now_ms();
    write_buffers_.clear();
    write_count_ = std::min(output_.size(), write_batch_frames_max);
    for (std::size_t i = 0; i < write_count_; i++) write_buffers_.push_back(asio::buffer(output_[i]));
    auto self = this->shared_from_this();
    asio::async_write(stream_, write_buffers_,
                      [self](const asio::error_code& error, std::size_t size) { self->on_written(error, size); });
  }

  void on_written(const asio::error_code& error, std::size_t size) {
    writing_ = false;
    if (closed_) return;
    if (error) {
      close();
      return;
    }
    context_.metrics.bytes_sent(size);
    last_write_progress_ms_ = now_ms();
    for (std::size_t i = 0; i < write_count_; i++) {
      output_bytes_ -= output_.front().size();
      output_.pop_front();
    }
    write_more();
    read_more();
    maybe_finish_close();
  }

  void maybe_finish_close() {
    if (closed_ || !close_after_flush_) return;
    if (in_flight_ == 0 && output_.empty() && !writing_) close();
  }

  void arm_watchdog() {
    const std::uint64_t interval_ms = std::max<std::uint64_t>(
        10, std::min({watchdog_interval_ms_max, context_.options.idle_timeout_ms / 2,
                      context_.options.handshake_timeout_ms / 2, context_.options.write_stall_timeout_ms / 2}));
    timer_.expires_after(std::chrono::milliseconds(interval_ms));
    auto self = this->shared_from_this();
    timer_.async_wait([self](const asio::error_code& error) {
      if (error || self->closed_) return;
      self->on_watchdog();
    });
  }

  void on_watchdog() {
    const std::uint64_t now = now_ms();
    if (writing_ && now - last_write_progress_ms_ >= context_.options.write_stall_timeout_ms) {
      context_.metrics.slow_reader_closed();
      close();
      return;
    }
    const std::uint64_t idle_limit_ms =
        principal_.has_value() ? context_.options.idle_timeout_ms : context_.options.handshake_timeout_ms;
    if (in_flight_ == 0 && output_.empty() && now - last_read_ms_ >= idle_limit_ms) {
      context_.metrics.idle_timeout();
      // Best effort: tell the client why; the write is not waited for.
      if (!close_after_flush_) {
        fail_and_close(aborted(principal_.has_value() ? "idle timeout" : "no handshake in time"), 0);
        if (!closed_) arm_watchdog();
        return;
      }
      close();
      return;
    }
    arm_watchdog();
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    push_closed_ = true;
    context_.handler.connection_closed(id_);  // its subscriptions end
    asio::error_code ignored;
    timer_.cancel();
    stream_.lowest_layer().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    stream_.lowest_layer().close(ignored);
    // output_ stays until the connection is destroyed: a cancelled write may still name its buffers.
    context_.metrics.connection_closed();
    context_.on_closed(id_);
  }

  ConnectionContext& context_;
  Stream stream_;
  asio::steady_timer timer_;
  protocol::FrameParser parser_;
  std::uint64_t id_;
  std::string peer_;
  std::optional<Principal> principal_;
  std::shared_ptr<PushTarget> push_target_;  // set by the handshake
  std::atomic<bool> push_closed_{false};     // closed_, readable from the pusher thread
  std::array<std::uint8_t, read_chunk_size_bytes> read_buffer_{};
  std::deque<Bytes> output_;
  std::vector<asio::const_buffer> write_buffers_;
  std::size_t write_count_ = 0;
  std::uint64_t output_bytes_ = 0;
  std::uint32_t in_flight_ = 0;
  std::uint64_t last_read_ms_ = 0;
  std::uint64_t last_write_progress_ms_ = 0;
  bool reading_ = false;
  bool writing_ = false;
  bool close_after_flush_ = false;
  bool shutting_down_ = false;
  bool closed_ = false;
};

}  // namespace

std::shared_ptr<ConnectionBase> make_connection(ConnectionContext& context, asio::ip::tcp::socket socket,
                                                asio::ssl::context* tls, std::uint64_t id) {
  if (tls != nullptr) {
    using TlsStream = asio::ssl::stream<asio::ip::tcp::socket>;
    return std::make_shared<Connection<TlsStream>>(context, TlsStream(std::move(socket), *tls), id);
  }
  return std::make_shared<Connection<asio::ip::tcp::socket>>(context, std::move(socket), id);
}

}  // namespace kmb::server
