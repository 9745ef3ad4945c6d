#include "protocol/frame.h"

#include <algorithm>
#include <string>

#include "crypto/crc32c.h"

namespace kmb::protocol {
namespace {

constexpr std::size_t header_crc_offset = 28;
static_assert(header_crc_offset + 4 == frame_header_size_bytes);
static_assert(frame_body_size_max_default_bytes <= frame_body_size_limit_bytes);

void store_header(const FrameHeader& header, std::uint8_t* out) {
  std::copy(frame_magic.begin(), frame_magic.end(), out);
  store_le<std::uint16_t>(out + 4, header.version);
  store_le<std::uint16_t>(out + 6, header.type);
  store_le<std::uint16_t>(out + 8, header.flags);
  store_le<std::uint16_t>(out + 10, 0);
  store_le<std::uint64_t>(out + 12, header.request_id);
  store_le<std::uint32_t>(out + 20, header.body_size_bytes);
  store_le<std::uint32_t>(out + 24, header.body_crc32c);
  store_le<std::uint32_t>(out + header_crc_offset, crypto::crc32c(ByteSpan(out, header_crc_offset)));
}

}  // namespace

Bytes encode_frame(std::uint16_t type, std::uint16_t flags, std::uint64_t request_id, ByteSpan body) {
  KMB_ASSERT(body.size() <= frame_body_size_limit_bytes);
  KMB_ASSERT((flags & ~frame_flags_known) == 0);
  FrameHeader header;
  header.version = protocol_version_max;
  header.type = type;
  header.flags = flags;
  header.request_id = request_id;
  header.body_size_bytes = static_cast<std::uint32_t>(body.size());
  header.body_crc32c = crypto::crc32c(body);
  Bytes out(frame_header_size_bytes);
  store_header(header, out.data());
  append_bytes(out, body);
  return out;
}

Result<FrameHeader> decode_frame_header(ByteSpan header_bytes, std::uint32_t body_size_max_bytes) {
  if (header_bytes.size() != frame_header_size_bytes) {
    return invalid_argument("protocol: frame header must be 32 bytes, got " + std::to_string(header_bytes.size()));
  }
  const std::uint8_t* in = header_bytes.data();
  // The magic first (a clear answer for a peer that is not Kimberlite), then the checksum: until it
  // matches, no other field may be believed.
  std::uint32_t stored_crc = load_le<std::uint32_t>(in + header_crc_offset);
  if (!std::equal(frame_magic.begin(), frame_magic.end(), in)) {
    return corruption("protocol: bad frame magic (not a Kimberlite peer?)");
  }
  if (crypto::crc32c(header_bytes.first(header_crc_offset)) != stored_crc) {
    return corruption("protocol: frame header checksum mismatch");
  }
  FrameHeader header;
  header.version = load_le<std::uint16_t>(in + 4);
  header.type = load_le<std::uint16_t>(in + 6);
  header.flags = load_le<std::uint16_t>(in + 8);
  std::uint16_t reserved = load_le<std::uint16_t>(in + 10);
  header.request_id = load_le<std::uint64_t>(in + 12);
  header.body_size_bytes = load_le<std::uint32_t>(in + 20);
  header.body_crc32c = load_le<std::uint32_t>(in + 24);
  if (header.version < protocol_version_min || header.version > protocol_version_max) {
    return unsupported("protocol: frame version " + std::to_string(header.version) + " (this build speaks " +
                       std::to_string(protocol_version_min) + ".." + std::to_string(protocol_version_max) + ")");
  }
  if (reserved != 0) return unsupported("protocol: reserved frame header bytes are not zero");
  if ((header.flags & ~frame_flags_known) != 0) {
    return unsupported("protocol: unknown frame flags 0x" + to_hex(ByteSpan(in + 8, 2)));
  }
  std::uint32_t limit = std::min(body_size_max_bytes, frame_body_size_limit_bytes);
  if (header.body_size_bytes > limit) {
    return resource_exhausted("protocol: frame body of " + std::to_string(header.body_size_bytes) +
                              " bytes exceeds the maximum of " + std::to_string(limit));
  }
  return header;
}

Status check_frame_body(const FrameHeader& header, ByteSpan body) {
  if (body.size() != header.body_size_bytes) {
    return corruption("protocol: frame body is " + std::to_string(body.size()) + " bytes, header says " +
                      std::to_string(header.body_size_bytes));
  }
  if (crypto::crc32c(body) != header.body_crc32c) return corruption("protocol: frame body checksum mismatch");
  return Status::ok_status();
}

Result<Frame> decode_frame(ByteSpan bytes, std::uint32_t body_size_max_bytes) {
  if (bytes.size() < frame_header_size_bytes) {
    return invalid_argument("protocol: truncated frame: " + std::to_string(bytes.size()) + " bytes");
  }
  KMB_ASSIGN_OR_RETURN(FrameHeader header,
                       decode_frame_header(bytes.first(frame_header_size_bytes), body_size_max_bytes));
  ByteSpan body = bytes.subspan(frame_header_size_bytes);
  KMB_TRY(check_frame_body(header, body));
  return Frame{header, Bytes(body.begin(), body.end())};
}

FrameParser::FrameParser(std::uint32_t body_size_max_bytes)
    : body_size_max_bytes_(std::min(body_size_max_bytes, frame_body_size_limit_bytes)) {}

void FrameParser::append(ByteSpan data) {
  // Drop returned frames before growing, so the buffer holds at most the frame being assembled.
  if (consumed_ > 0) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(consumed_));
    consumed_ = 0;
  }
  append_bytes(buffer_, data);
}

std::size_t FrameParser::bytes_wanted() const {
  std::size_t available = buffered_bytes();
  std::size_t needed =
      header_.has_value() ? frame_header_size_bytes + header_->body_size_bytes : frame_header_size_bytes;
  return available >= needed ? 0 : needed - available;
}

Result<std::optional<Frame>> FrameParser::next() {
  if (!poisoned_.ok()) return poisoned_;
  ByteSpan available = ByteSpan(buffer_).subspan(consumed_);
  if (!header_.has_value()) {
    if (available.size() < frame_header_size_bytes) return std::optional<Frame>();
    Result<FrameHeader> header = decode_frame_header(available.first(frame_header_size_bytes), body_size_max_bytes_);
    if (!header.ok()) {
      poisoned_ = header.status();
      return poisoned_;
    }
    header_ = *header;
  }
  std::size_t frame_size = frame_header_size_bytes + header_->body_size_bytes;
  if (available.size() < frame_size) return std::optional<Frame>();
  ByteSpan body = available.subspan(frame_header_size_bytes, header_->body_size_bytes);
  Status body_status = check_frame_body(*header_, body);
  if (!body_status.ok()) {
    poisoned_ = body_status;
    return poisoned_;
  }
  Frame frame{*header_, Bytes(body.begin(), body.end())};
  consumed_ += frame_size;
  header_.reset();
  if (consumed_ == buffer_.size()) {
    buffer_.clear();
    consumed_ = 0;
  }
  return std::optional<Frame>(std::move(frame));
}

}  // namespace kmb::protocol
