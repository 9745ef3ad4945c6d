// Frame: the unit of Kimberlite's wire protocol (docs/protocol.md). Every message travels as a
// 32-byte header followed by a body of at most `body_size_max` bytes:
//
//   off size field
//     0    4 magic "KMBP"
//     4    2 protocol version (1)
//     6    2 message type (protocol::MessageType)
//     8    2 flags: bit 0 error response, bit 1 server push; other bits 0
//    10    2 reserved, 0
//    12    8 request id (chosen by the client, echoed in the response; 0 for pushes)
//    20    4 body length in bytes
//    24    4 CRC32C of the body
//    28    4 CRC32C of header bytes 0..27
//
// All integers are little-endian. The header CRC is checked before anything else in the header is
// trusted, so a corrupted length can never make a reader allocate or wait for a bogus body.
//
// Decoding is total: every byte sequence yields a frame or a Status (corruption for checksum and
// magic failures, unsupported for an unknown version or flag, resource_exhausted for an oversized
// body); nothing asserts on peer input.
//
// Thread-safety: the functions are pure; a FrameParser is used by one thread at a time.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "base/bytes.h"
#include "base/status.h"

namespace kmb::protocol {

inline constexpr std::size_t frame_header_size_bytes = 32;
inline constexpr std::array<std::uint8_t, 4> frame_magic = {'K', 'M', 'B', 'P'};
// The only frame and message-set version this build speaks. Hello negotiates within [min, max].
inline constexpr std::uint16_t protocol_version_min = 1;
inline constexpr std::uint16_t protocol_version_max = 1;
// Default and hard upper bound of a body; servers may configure any value up to the bound.
inline constexpr std::uint32_t frame_body_size_max_default_bytes = 16u << 20;
inline constexpr std::uint32_t frame_body_size_limit_bytes = 256u << 20;

inline constexpr std::uint16_t frame_flag_error = 1u << 0;
inline constexpr std::uint16_t frame_flag_push = 1u << 1;
inline constexpr std::uint16_t frame_flags_known = frame_flag_error | frame_flag_push;

struct FrameHeader {
  std::uint16_t version = protocol_version_max;
  std::uint16_t type = 0;  // a MessageType value; unknown values are rejected by decode_message
  std::uint16_t flags = 0;
  std::uint64_t request_id = 0;
  std::uint32_t body_size_bytes = 0;
  std::uint32_t body_crc32c = 0;
  friend bool operator==(const FrameHeader&, const FrameHeader&) = default;
};

struct Frame {
  FrameHeader header;
  Bytes body;
};

// The complete frame (header + body) for `body`; computes both checksums.
// REQUIRES: body.size() <= frame_body_size_limit_bytes; flags within frame_flags_known.
Bytes encode_frame(std::uint16_t type, std::uint16_t flags, std::uint64_t request_id, ByteSpan body);

// Validates the 32 header bytes: header CRC, magic, version, reserved bytes, flags, and
// body_size_bytes <= body_size_max_bytes. Does not look at the body.
Result<FrameHeader> decode_frame_header(ByteSpan header_bytes, std::uint32_t body_size_max_bytes);

// Checks that `body` has the header's length and CRC (corruption otherwise).
Status check_frame_body(const FrameHeader& header, ByteSpan body);

// Decodes exactly one frame occupying all of `bytes` (tests, golden vectors).
Result<Frame> decode_frame(ByteSpan bytes, std::uint32_t body_size_max_bytes = frame_body_size_max_default_bytes);

// Incremental parsing for stream transports: feed whatever arrived, then take complete frames.
// After an error the parser is poisoned (every later next() returns the same error): a byte
// stream that went wrong once cannot be resynchronised, so the connection must be closed.
class FrameParser {
 public:
  explicit FrameParser(std::uint32_t body_size_max_bytes = frame_body_size_max_default_bytes);

  // Buffers `data`. Never grows beyond one frame plus what was appended after it.
  void append(ByteSpan data);
  // A complete, checked frame; nullopt when more bytes are needed; an error if the stream is bad.
  Result<std::optional<Frame>> next();
  // How many more bytes the parser needs before next() can make progress (>= 1 when waiting).
  std::size_t bytes_wanted() const;
  std::size_t buffered_bytes() const { return buffer_.size() - consumed_; }

 private:
  std::uint32_t body_size_max_bytes_;
  Bytes buffer_;
  std::size_t consumed_ = 0;           // bytes of buffer_ already returned as frames
  std::optional<FrameHeader> header_;  // the decoded header of the frame being assembled
  Status poisoned_;
};

}  // namespace kmb::protocol
