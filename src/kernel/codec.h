// Encoder and Decoder: the little-endian primitives of Kimberlite's structured payloads (command
// records, the catalog, projection snapshots). Every length and count is checked against the bytes
// that remain before anything is allocated, so a truncated or hostile input yields a corruption
// Status and never a crash or a huge allocation.
//
//   u8/u16/u32/u64   fixed width, little-endian
//   boolean          u8, 0 or 1 (anything else is corruption)
//   string / bytes   u32 length, then the bytes
//   value / row      kernel::encode_value / encode_row (self-describing)
//
// Thread-safety: one object per thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/status.h"
#include "kernel/value.h"

namespace kmb::kernel {

class Encoder {
 public:
  explicit Encoder(Bytes& out) : out_(out) {}

  void u8(std::uint8_t value) { out_.push_back(value); }
  void u16(std::uint16_t value) { append_le(out_, value); }
  void u32(std::uint32_t value) { append_le(out_, value); }
  void u64(std::uint64_t value) { append_le(out_, value); }
  void boolean(bool value) { u8(value ? 1 : 0); }
  // REQUIRES: data.size() < 4 GiB.
  void string(std::string_view text) { bytes(as_bytes(text)); }
  void bytes(ByteSpan data);
  void raw(ByteSpan data) { append_bytes(out_, data); }
  void value(const Value& value) { encode_value(value, out_); }
  void row(const Row& row) { encode_row(row, out_); }
  // A u32 count. REQUIRES: count fits in 32 bits.
  void count(std::size_t count);

  std::size_t size() const { return out_.size(); }

 private:
  Bytes& out_;
};

class Decoder {
 public:
  // `what` names the structure in error messages ("command record", "snapshot").
  Decoder(ByteSpan input, std::string_view what) : input_(input), what_(what) {}

  Result<std::uint8_t> u8();
  Result<std::uint16_t> u16();
  Result<std::uint32_t> u32();
  Result<std::uint64_t> u64();
  Result<bool> boolean();
  Result<std::string> string();
  Result<Bytes> bytes();
  // The next `size` bytes, without copying. They stay valid as long as the input does.
  Result<ByteSpan> raw(std::size_t size);
  // A length-prefixed byte string, without copying.
  Result<ByteSpan> bytes_view();
  Result<Value> value();
  Result<Row> row();
  // A u32 count of elements that each take at least `element_size_min_bytes` bytes: corruption if
  // that many cannot fit in the rest of the input. REQUIRES: element_size_min_bytes > 0.
  Result<std::uint32_t> count(std::size_t element_size_min_bytes);

  std::size_t remaining() const { return input_.size() - offset_; }
  std::size_t offset() const { return offset_; }
  bool at_end() const { return remaining() == 0; }
  // corruption if any bytes remain.
  Status finish() const;
  // corruption "<what>: <message> (at byte N)".
  Status error(std::string_view message) const;

 private:
  Status need(std::size_t size) const;

  ByteSpan input_;
  std::size_t offset_ = 0;
  std::string_view what_;
};

}  // namespace kmb::kernel
