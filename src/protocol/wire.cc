#include "protocol/wire.h"

#include <bit>
#include <cstring>
#include <limits>
#include <string>

namespace kmb::protocol {
namespace {

std::string size_text(std::size_t n) {
  return std::to_string(n);
}

bool is_continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    std::uint32_t code_point = 0;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
      code_point = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      code_point = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      code_point = c & 0x07;
    } else {
      return false;  // a continuation byte, an overlong 2-byte lead (C0, C1) or F5..FF
    }
    if (text.size() - i < length) return false;
    for (std::size_t k = 1; k < length; k++) {
      auto next = static_cast<unsigned char>(text[i + k]);
      if (!is_continuation(next)) return false;
      code_point = (code_point << 6) | (next & 0x3F);
    }
    if (length == 3 && code_point < 0x800) return false;                               // overlong
    if (length == 4 && (code_point < 0x10000 || code_point > 0x10FFFF)) return false;  // overlong, too big
    if (code_point >= 0xD800 && code_point <= 0xDFFF) return false;                    // surrogate
    i += length;
  }
  return true;
}

// ---- Writer ------------------------------------------------------------------------------------

void Writer::fail(std::string message) {
  if (status_.ok()) status_ = invalid_argument("protocol: " + std::move(message));
}

void Writer::count(std::size_t size, std::uint32_t count_max) {
  if (size > count_max) {
    fail("a list of " + size_text(size) + " entries exceeds the maximum of " + size_text(count_max));
    return;
  }
  u32(static_cast<std::uint32_t>(size));
}

void Writer::string(const std::string& value, std::uint32_t size_max_bytes) {
  if (value.size() > size_max_bytes) {
    fail("a string of " + size_text(value.size()) + " bytes exceeds the maximum of " + size_text(size_max_bytes));
    return;
  }
  if (!is_valid_utf8(value)) {
    fail("a string is not valid UTF-8");
    return;
  }
  u32(static_cast<std::uint32_t>(value.size()));
  append_bytes(out_, as_bytes(value));
}

void Writer::blob(const Bytes& value, std::uint32_t size_max_bytes) {
  if (value.size() > size_max_bytes) {
    fail("a byte string of " + size_text(value.size()) + " bytes exceeds the maximum of " + size_text(size_max_bytes));
    return;
  }
  u32(static_cast<std::uint32_t>(value.size()));
  append_bytes(out_, value);
}

void Writer::optional_u64(const std::optional<std::uint64_t>& value) {
  boolean(value.has_value());
  if (value.has_value()) u64(*value);
}

void Writer::as_of(const AsOf& value) {
  u8(static_cast<std::uint8_t>(value.kind));
  u64(value.value);
}

void Writer::value(const kernel::Value& value) {
  using kernel::Type;
  type(value.type());
  switch (value.type()) {
    case Type::null:
      return;
    case Type::boolean:
      boolean(value.as_bool());
      return;
    case Type::smallint:
    case Type::integer:
    case Type::bigint:
    case Type::timestamp:
      u64(static_cast<std::uint64_t>(value.as_int()));
      return;
    case Type::date: {
      std::int64_t days = value.as_int();
      if (days < std::numeric_limits<std::int32_t>::min() || days > std::numeric_limits<std::int32_t>::max()) {
        fail("a DATE value is out of range");
        return;
      }
      u32(static_cast<std::uint32_t>(static_cast<std::int32_t>(days)));
      return;
    }
    case Type::real:
    case Type::double_precision:
      u64(std::bit_cast<std::uint64_t>(value.as_double()));
      return;
    case Type::decimal: {
      const kernel::Decimal& decimal = value.as_decimal();
      u8(decimal.scale);
      auto bits = static_cast<unsigned __int128>(decimal.mantissa);
      u64(static_cast<std::uint64_t>(bits));
      u64(static_cast<std::uint64_t>(bits >> 64));
      return;
    }
    case Type::text:
    case Type::json:
      text(value.as_string());
      return;
    case Type::bytes:
      blob(value.as_bytes(), frame_body_size_limit_bytes);
      return;
    case Type::uuid:
      append_bytes(out_, ByteSpan(value.as_uuid()));
      return;
  }
  fail("a value of unknown type");
}

// ---- Reader ------------------------------------------------------------------------------------

void Reader::fail(std::string message) {
  if (status_.ok()) {
    status_ = invalid_argument("protocol: " + std::move(message) + " (at body byte " + size_text(offset_) + ")");
  }
}

bool Reader::take(std::size_t n, std::string_view what) {
  if (!status_.ok()) return false;
  if (remaining() < n) {
    fail("truncated " + std::string(what) + ": need " + size_text(n) + " bytes, " + size_text(remaining()) + " remain");
    return false;
  }
  offset_ += n;
  return true;
}

void Reader::boolean(bool& value) {
  std::uint8_t raw = 0;
  u8(raw);
  if (!status_.ok()) return;
  if (raw > 1) {
    fail("a boolean must be 0 or 1, got " + size_text(raw));
    return;
  }
  value = raw == 1;
}

std::uint32_t Reader::count(std::uint32_t count_max) {
  std::uint32_t n = 0;
  u32(n);
  if (!status_.ok()) return 0;
  if (n > count_max) {
    fail("a list of " + size_text(n) + " entries exceeds the maximum of " + size_text(count_max));
    return 0;
  }
  if (n > remaining()) {
    fail("a list of " + size_text(n) + " entries cannot fit in the " + size_text(remaining()) + " remaining bytes");
    return 0;
  }
  return n;
}

void Reader::string(std::string& value, std::uint32_t size_max_bytes) {
  std::uint32_t size = 0;
  u32(size);
  if (!status_.ok()) return;
  if (size > size_max_bytes) {
    fail("a string of " + size_text(size) + " bytes exceeds the maximum of " + size_text(size_max_bytes));
    return;
  }
  if (!take(size, "string")) return;
  value.assign(reinterpret_cast<const char*>(input_.data() + offset_ - size), size);
  if (!is_valid_utf8(value)) {
    offset_ -= size;  // report the string's start
    fail("a string is not valid UTF-8");
    value.clear();
  }
}

void Reader::blob(Bytes& value, std::uint32_t size_max_bytes) {
  std::uint32_t size = 0;
  u32(size);
  if (!status_.ok()) return;
  if (size > size_max_bytes) {
    fail("a byte string of " + size_text(size) + " bytes exceeds the maximum of " + size_text(size_max_bytes));
    return;
  }
  if (!take(size, "byte string")) return;
  const std::uint8_t* start = input_.data() + offset_ - size;
  value.assign(start, start + size);
}

void Reader::optional_u64(std::optional<std::uint64_t>& value) {
  bool present = false;
  boolean(present);
  value.reset();
  if (!present) return;
  std::uint64_t raw = 0;
  u64(raw);
  if (status_.ok()) value = raw;
}

void Reader::role(Role& value) {
  std::uint8_t raw = 0;
  u8(raw);
  if (!status_.ok()) return;
  if (raw < static_cast<std::uint8_t>(Role::reader) || raw > static_cast<std::uint8_t>(Role::admin)) {
    fail("unknown role " + size_text(raw));
    return;
  }
  value = static_cast<Role>(raw);
}

void Reader::status_code(StatusCode& value) {
  std::uint8_t raw = 0;
  u8(raw);
  if (!status_.ok()) return;
  if (raw > static_cast<std::uint8_t>(StatusCode::internal)) {
    fail("unknown status code " + size_text(raw));
    return;
  }
  value = static_cast<StatusCode>(raw);
}

void Reader::type(kernel::Type& value) {
  std::uint8_t raw = 0;
  u8(raw);
  if (!status_.ok()) return;
  if (raw > static_cast<std::uint8_t>(kernel::Type::json)) {
    fail("unknown value type tag " + size_text(raw));
    return;
  }
  value = static_cast<kernel::Type>(raw);
}

void Reader::as_of(AsOf& value) {
  std::uint8_t kind = 0;
  u8(kind);
  u64(value.value);
  if (!status_.ok()) return;
  if (kind > static_cast<std::uint8_t>(AsOfKind::timestamp)) {
    fail("unknown as-of kind " + size_text(kind));
    return;
  }
  value.kind = static_cast<AsOfKind>(kind);
  if (value.kind == AsOfKind::latest && value.value != 0) fail("as-of latest must carry value 0");
}

void Reader::value(kernel::Value& value) {
  using kernel::Type;
  using kernel::Value;
  Type tag = Type::null;
  type(tag);
  if (!status_.ok()) return;
  switch (tag) {
    case Type::null:
      value = Value::null();
      return;
    case Type::boolean: {
      bool b = false;
      boolean(b);
      if (status_.ok()) value = Value::boolean(b);
      return;
    }
    case Type::smallint:
    case Type::integer:
    case Type::bigint: {
      std::uint64_t raw = 0;
      u64(raw);
      if (!status_.ok()) return;
      auto n = static_cast<std::int64_t>(raw);
      std::int64_t low = tag == Type::smallint  ? std::numeric_limits<std::int16_t>::min()
                         : tag == Type::integer ? std::numeric_limits<std::int32_t>::min()
                                                : std::numeric_limits<std::int64_t>::min();
      std::int64_t high = tag == Type::smallint  ? std::numeric_limits<std::int16_t>::max()
                          : tag == Type::integer ? std::numeric_limits<std::int32_t>::max()
                                                 : std::numeric_limits<std::int64_t>::max();
      if (n < low || n > high) {
        fail("integer " + std::to_string(n) + " is out of range for " + std::string(kernel::type_name(tag)));
        return;
      }
      value = Value::integer(n, tag);
      return;
    }
    case Type::real:
    case Type::double_precision: {
      std::uint64_t raw = 0;
      u64(raw);
      if (status_.ok()) value = Value::floating(std::bit_cast<double>(raw), tag);
      return;
    }
    case Type::decimal: {
      std::uint8_t scale = 0;
      std::uint64_t low = 0;
      std::uint64_t high = 0;
      u8(scale);
      u64(low);
      u64(high);
      if (!status_.ok()) return;
      if (scale > 38) {
        fail("decimal scale " + size_text(scale) + " exceeds 38");
        return;
      }
      auto bits = (static_cast<unsigned __int128>(high) << 64) | low;
      value = Value::decimal(kernel::Decimal{static_cast<__int128>(bits), scale});
      return;
    }
    case Type::text:
    case Type::json: {
      std::string s;
      text(s);
      if (status_.ok()) value = tag == Type::text ? Value::text(std::move(s)) : Value::json(std::move(s));
      return;
    }
    case Type::bytes: {
      Bytes b;
      blob(b, frame_body_size_limit_bytes);
      if (status_.ok()) value = Value::bytes(std::move(b));
      return;
    }
    case Type::date: {
      std::uint32_t raw = 0;
      u32(raw);
      if (status_.ok()) value = Value::date(static_cast<std::int32_t>(raw));
      return;
    }
    case Type::timestamp: {
      std::uint64_t raw = 0;
      u64(raw);
      if (status_.ok()) value = Value::timestamp(static_cast<std::int64_t>(raw));
      return;
    }
    case Type::uuid: {
      if (!take(16, "uuid")) return;
      kernel::Uuid uuid{};
      std::memcpy(uuid.data(), input_.data() + offset_ - 16, 16);
      value = Value::uuid(uuid);
      return;
    }
  }
  fail("unknown value type tag");
}

Status Reader::finish() {
  if (status_.ok() && remaining() != 0) fail(size_text(remaining()) + " unexpected trailing bytes");
  return status_;
}

}  // namespace kmb::protocol
