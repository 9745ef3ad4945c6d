#include "kernel/codec.h"

#include <limits>

namespace kmb::kernel {

void Encoder::bytes(ByteSpan data) {
  KMB_ASSERT(data.size() <= std::numeric_limits<std::uint32_t>::max());
  u32(static_cast<std::uint32_t>(data.size()));
  append_bytes(out_, data);
}

void Encoder::count(std::size_t count) {
  KMB_ASSERT(count <= std::numeric_limits<std::uint32_t>::max());
  u32(static_cast<std::uint32_t>(count));
}

Status Decoder::error(std::string_view message) const {
  return corruption(std::string(what_) + ": " + std::string(message) + " (at byte " + std::to_string(offset_) + ")");
}

Status Decoder::need(std::size_t size) const {
  if (remaining() < size) return error("truncated");
  return Status();
}

Status Decoder::finish() const {
  if (!at_end()) return error(std::to_string(remaining()) + " unexpected trailing bytes");
  return Status();
}

Result<std::uint8_t> Decoder::u8() {
  KMB_TRY(need(1));
  return input_[offset_++];
}

Result<std::uint16_t> Decoder::u16() {
  KMB_TRY(need(2));
  const auto value = load_le<std::uint16_t>(input_.data() + offset_);
  offset_ += 2;
  return value;
}

Result<std::uint32_t> Decoder::u32() {
  KMB_TRY(need(4));
  const auto value = load_le<std::uint32_t>(input_.data() + offset_);
  offset_ += 4;
  return value;
}

Result<std::uint64_t> Decoder::u64() {
  KMB_TRY(need(8));
  const auto value = load_le<std::uint64_t>(input_.data() + offset_);
  offset_ += 8;
  return value;
}

Result<bool> Decoder::boolean() {
  KMB_ASSIGN_OR_RETURN(const std::uint8_t value, u8());
  if (value > 1) return error("boolean byte " + std::to_string(value) + " is not 0 or 1");
  return value == 1;
}

Result<ByteSpan> Decoder::raw(std::size_t size) {
  KMB_TRY(need(size));
  const ByteSpan result = input_.subspan(offset_, size);
  offset_ += size;
  return result;
}

Result<ByteSpan> Decoder::bytes_view() {
  KMB_ASSIGN_OR_RETURN(const std::uint32_t size, u32());
  return raw(size);
}

Result<std::string> Decoder::string() {
  KMB_ASSIGN_OR_RETURN(const ByteSpan data, bytes_view());
  return std::string(as_string_view(data));
}

Result<Bytes> Decoder::bytes() {
  KMB_ASSIGN_OR_RETURN(const ByteSpan data, bytes_view());
  return Bytes(data.begin(), data.end());
}

Result<Value> Decoder::value() {
  ByteSpan rest = input_.subspan(offset_);
  Result<Value> value = decode_value(rest);
  if (!value.ok()) return error(value.status().message());
  offset_ = input_.size() - rest.size();
  return value;
}

Result<Row> Decoder::row() {
  ByteSpan rest = input_.subspan(offset_);
  Result<Row> row = decode_row(rest);
  if (!row.ok()) return error(row.status().message());
  offset_ = input_.size() - rest.size();
  return row;
}

Result<std::uint32_t> Decoder::count(std::size_t element_size_min_bytes) {
  KMB_ASSERT(element_size_min_bytes > 0);
  KMB_ASSIGN_OR_RETURN(const std::uint32_t value, u32());
  if (value > remaining() / element_size_min_bytes) {
    return error("count " + std::to_string(value) + " does not fit in the remaining " + std::to_string(remaining()) +
                 " bytes");
  }
  return value;
}

}  // namespace kmb::kernel
