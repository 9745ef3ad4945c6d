// Primitive field codecs of the wire protocol: Writer appends fields to a body, Reader takes them
// from one. Both expose the same method names so that each message's field list is written once
// (messages.cc) and drives encoding and decoding alike.
//
// Both are "sticky": after the first error every later call does nothing and status() reports
// that first error, so field lists need no error plumbing between fields. A Reader never reads
// past its input and never allocates more elements than the remaining bytes could hold.
//
// Internal to src/protocol. Thread-safety: one object per thread.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "kernel/value.h"
#include "protocol/messages.h"

namespace kmb::protocol {

// True if `text` is well-formed UTF-8 (no overlong forms, surrogates or code points > U+10FFFF).
bool is_valid_utf8(std::string_view text);

class Writer {
 public:
  void u8(std::uint8_t value) { append_le(out_, value); }
  void u16(std::uint16_t value) { append_le(out_, value); }
  void u32(std::uint32_t value) { append_le(out_, value); }
  void u64(std::uint64_t value) { append_le(out_, value); }
  void boolean(bool value) { u8(value ? 1 : 0); }
  void name(const std::string& value) { string(value, name_size_max_bytes); }
  void text(const std::string& value) { string(value, frame_body_size_limit_bytes); }
  void string(const std::string& value, std::uint32_t size_max_bytes);
  void blob(const Bytes& value, std::uint32_t size_max_bytes);
  void optional_u64(const std::optional<std::uint64_t>& value);
  void role(Role value) { u8(static_cast<std::uint8_t>(value)); }
  void status_code(StatusCode value) { u8(static_cast<std::uint8_t>(value)); }
  void type(kernel::Type value) { u8(static_cast<std::uint8_t>(value)); }
  void as_of(const AsOf& value);
  void value(const kernel::Value& value);
  void count(std::size_t size, std::uint32_t count_max);

  template <typename T, typename Element>
  void list(const std::vector<T>& items, std::uint32_t count_max, Element&& element) {
    count(items.size(), count_max);
    for (const T& item : items) {
      if (!status_.ok()) return;
      element(item);
    }
  }

  void fail(std::string message);
  const Status& status() const { return status_; }
  Bytes& bytes() { return out_; }

 private:
  Bytes out_;
  Status status_;
};

class Reader {
 public:
  static constexpr std::uint32_t list_reserve_max = 1024;

  explicit Reader(ByteSpan input) : input_(input) {}

  void u8(std::uint8_t& value) { fixed(value); }
  void u16(std::uint16_t& value) { fixed(value); }
  void u32(std::uint32_t& value) { fixed(value); }
  void u64(std::uint64_t& value) { fixed(value); }
  void boolean(bool& value);
  void name(std::string& value) { string(value, name_size_max_bytes); }
  void text(std::string& value) { string(value, frame_body_size_limit_bytes); }
  void string(std::string& value, std::uint32_t size_max_bytes);
  void blob(Bytes& value, std::uint32_t size_max_bytes);
  void optional_u64(std::optional<std::uint64_t>& value);
  void role(Role& value);
  void status_code(StatusCode& value);
  void type(kernel::Type& value);
  void as_of(AsOf& value);
  void value(kernel::Value& value);
  // Reads an element count; 0 after an error. Elements take at least one byte each, so a count
  // larger than the remaining input is malformed and rejected before anything is allocated.
  std::uint32_t count(std::uint32_t count_max);

  // Elements are added as they decode (not allocated up front from the count), so memory follows
  // the bytes actually present.
  template <typename T, typename Element>
  void list(std::vector<T>& items, std::uint32_t count_max, Element&& element) {
    std::uint32_t n = count(count_max);
    items.clear();
    items.reserve(std::min<std::uint32_t>(n, list_reserve_max));
    for (std::uint32_t i = 0; i < n && status_.ok(); i++) element(items.emplace_back());
    if (!status_.ok()) items.clear();
  }

  // ok if every byte was consumed and no field failed.
  Status finish();
  void fail(std::string message);
  const Status& status() const { return status_; }
  std::size_t remaining() const { return input_.size() - offset_; }

 private:
  template <typename Int>
  void fixed(Int& value) {
    if (!take(sizeof(Int), "integer")) return;
    value = load_le<Int>(input_.data() + offset_ - sizeof(Int));
  }
  // Consumes n bytes if present; otherwise fails with a truncation message naming `what`.
  bool take(std::size_t n, std::string_view what);

  ByteSpan input_;
  std::size_t offset_ = 0;
  Status status_;
};

}  // namespace kmb::protocol
