#include "kernel/value.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <functional>

#include "base/time_format.h"

namespace kmb::kernel {

namespace {

constexpr std::uint8_t decimal_scale_max = 38;

std::string upper_ascii(std::string_view text) {
  std::string result(text);
  for (char& c : result) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return result;
}

enum class Family { null, boolean, numeric, text, bytes, temporal, uuid, json };

Family family_of(Type type) {
  switch (type) {
    case Type::null: return Family::null;
    case Type::boolean: return Family::boolean;
    case Type::smallint:
    case Type::integer:
    case Type::bigint:
    case Type::real:
    case Type::double_precision:
    case Type::decimal: return Family::numeric;
    case Type::text: return Family::text;
    case Type::bytes: return Family::bytes;
    case Type::date:
    case Type::timestamp: return Family::temporal;
    case Type::uuid: return Family::uuid;
    case Type::json: return Family::json;
  }
  return Family::null;
}

__int128 power_of_ten(unsigned exponent) {
  __int128 value = 1;
  for (unsigned i = 0; i < exponent; i++) value *= 10;
  return value;
}

std::string int128_to_string(__int128 value) {
  if (value == 0) return "0";
  bool negative = value < 0;
  unsigned __int128 magnitude = negative ? static_cast<unsigned __int128>(-(value + 1)) + 1
                                         : static_cast<unsigned __int128>(value);
  std::string digits;
  while (magnitude > 0) {
    digits.push_back(static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  }
  if (negative) digits.push_back('-');
  return std::string(digits.rbegin(), digits.rend());
}

// Compares two decimals exactly when their aligned mantissas fit; else by long double.
int compare_decimals(const Decimal& a, const Decimal& b) {
  std::uint8_t scale = std::max(a.scale, b.scale);
  __int128 ma = a.mantissa;
  __int128 mb = b.mantissa;
  const __int128 limit = power_of_ten(36);
  bool exact = true;
  for (std::uint8_t s = a.scale; s < scale; s++) {
    if (ma > limit || ma < -limit) exact = false;
    ma *= 10;
  }
  for (std::uint8_t s = b.scale; s < scale; s++) {
    if (mb > limit || mb < -limit) exact = false;
    mb *= 10;
  }
  if (!exact) {
    long double da = decimal_to_double(a);
    long double db = decimal_to_double(b);
    return da < db ? -1 : da > db ? 1 : 0;
  }
  return ma < mb ? -1 : ma > mb ? 1 : 0;
}

Decimal decimal_from_int(std::int64_t value) { return Decimal{value, 0}; }

int compare_doubles(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) ? (std::isnan(b) ? 0 : 1) : -1;  // NaN last
  return a < b ? -1 : a > b ? 1 : 0;
}

int compare_numeric(const Value& a, const Value& b) {
  const bool a_int = is_integer_type(a.type());
  const bool b_int = is_integer_type(b.type());
  if (a_int && b_int) return a.as_int() < b.as_int() ? -1 : a.as_int() > b.as_int() ? 1 : 0;
  const bool a_exact = a_int || a.type() == Type::decimal;
  const bool b_exact = b_int || b.type() == Type::decimal;
  if (a_exact && b_exact) {
    Decimal da = a_int ? decimal_from_int(a.as_int()) : a.as_decimal();
    Decimal db = b_int ? decimal_from_int(b.as_int()) : b.as_decimal();
    return compare_decimals(da, db);
  }
  if (a_int && !b_int && b.type() != Type::decimal) {
    // Integer against double: compare exactly where the double is integral and in range.
    double d = b.as_double();
    if (std::isnan(d)) return -1;
    if (d >= 9.2233720368547758e18) return -1;
    if (d < -9.2233720368547758e18) return 1;
    double floor_d = std::floor(d);
    auto i = static_cast<std::int64_t>(floor_d);
    if (a.as_int() != i) return a.as_int() < i ? -1 : 1;
    return floor_d == d ? 0 : -1;
  }
  if (b_int && !a_int && a.type() != Type::decimal) return -compare_numeric(b, a);
  return compare_doubles(a.numeric_as_double(), b.numeric_as_double());
}

std::int64_t temporal_micros(const Value& v) {
  return v.type() == Type::date ? v.as_int() * 86'400'000'000LL : v.as_int();
}

template <typename T>
int three_way(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

}  // namespace

std::string_view type_name(Type type) {
  switch (type) {
    case Type::null: return "NULL";
    case Type::boolean: return "BOOLEAN";
    case Type::smallint: return "SMALLINT";
    case Type::integer: return "INTEGER";
    case Type::bigint: return "BIGINT";
    case Type::real: return "REAL";
    case Type::double_precision: return "DOUBLE";
    case Type::decimal: return "DECIMAL";
    case Type::text: return "TEXT";
    case Type::bytes: return "BYTES";
    case Type::date: return "DATE";
    case Type::timestamp: return "TIMESTAMP";
    case Type::uuid: return "UUID";
    case Type::json: return "JSON";
  }
  return "UNKNOWN";
}

std::optional<Type> parse_type_name(std::string_view name) {
  const std::string upper = upper_ascii(name);
  static const std::pair<const char*, Type> names[] = {
      {"INT", Type::integer},        {"INTEGER", Type::integer},   {"INT4", Type::integer},
      {"BIGINT", Type::bigint},      {"INT8", Type::bigint},       {"SMALLINT", Type::smallint},
      {"INT2", Type::smallint},      {"TINYINT", Type::smallint},  {"REAL", Type::real},
      {"FLOAT4", Type::real},        {"FLOAT", Type::double_precision}, {"DOUBLE", Type::double_precision},
      {"DOUBLE PRECISION", Type::double_precision}, {"FLOAT8", Type::double_precision},
      {"DECIMAL", Type::decimal},    {"NUMERIC", Type::decimal},   {"TEXT", Type::text},
      {"VARCHAR", Type::text},       {"CHAR", Type::text},         {"CHARACTER", Type::text},
      {"STRING", Type::text},        {"BYTES", Type::bytes},       {"BYTEA", Type::bytes},
      {"BLOB", Type::bytes},         {"BOOLEAN", Type::boolean},   {"BOOL", Type::boolean},
      {"DATE", Type::date},          {"TIMESTAMP", Type::timestamp}, {"UUID", Type::uuid},
      {"JSON", Type::json},          {"JSONB", Type::json},
  };
  for (const auto& [spelling, type] : names) {
    if (upper == spelling) return type;
  }
  return std::nullopt;
}

bool is_integer_type(Type type) {
  return type == Type::smallint || type == Type::integer || type == Type::bigint;
}

bool is_numeric_type(Type type) { return family_of(type) == Family::numeric; }

Value Value::boolean(bool value) {
  Value v;
  v.type_ = Type::boolean;
  v.data_ = value;
  return v;
}

Value Value::integer(std::int64_t value, Type type) {
  KMB_ASSERT(is_integer_type(type));
  Value v;
  v.type_ = type;
  v.data_ = value;
  return v;
}

Value Value::floating(double value, Type type) {
  KMB_ASSERT(type == Type::real || type == Type::double_precision);
  Value v;
  v.type_ = type;
  v.data_ = value;
  return v;
}

Value Value::decimal(Decimal value) {
  KMB_ASSERT(value.scale <= decimal_scale_max);
  Value v;
  v.type_ = Type::decimal;
  v.data_ = value;
  return v;
}

Value Value::text(std::string value) {
  Value v;
  v.type_ = Type::text;
  v.data_ = std::move(value);
  return v;
}

Value Value::json(std::string value) {
  Value v;
  v.type_ = Type::json;
  v.data_ = std::move(value);
  return v;
}

Value Value::bytes(Bytes value) {
  Value v;
  v.type_ = Type::bytes;
  v.data_ = std::move(value);
  return v;
}

Value Value::date(std::int32_t days_since_epoch) {
  Value v;
  v.type_ = Type::date;
  v.data_ = static_cast<std::int64_t>(days_since_epoch);
  return v;
}

Value Value::timestamp(std::int64_t micros_since_epoch) {
  Value v;
  v.type_ = Type::timestamp;
  v.data_ = micros_since_epoch;
  return v;
}

Value Value::uuid(const Uuid& value) {
  Value v;
  v.type_ = Type::uuid;
  v.data_ = value;
  return v;
}

bool Value::as_bool() const {
  KMB_ASSERT(type_ == Type::boolean);
  return std::get<bool>(data_);
}

std::int64_t Value::as_int() const {
  KMB_ASSERT(is_integer_type(type_) || type_ == Type::date || type_ == Type::timestamp);
  return std::get<std::int64_t>(data_);
}

double Value::as_double() const {
  KMB_ASSERT(type_ == Type::real || type_ == Type::double_precision);
  return std::get<double>(data_);
}

const Decimal& Value::as_decimal() const {
  KMB_ASSERT(type_ == Type::decimal);
  return std::get<Decimal>(data_);
}

const std::string& Value::as_string() const {
  KMB_ASSERT(type_ == Type::text || type_ == Type::json);
  return std::get<std::string>(data_);
}

const Bytes& Value::as_bytes() const {
  KMB_ASSERT(type_ == Type::bytes);
  return std::get<Bytes>(data_);
}

const Uuid& Value::as_uuid() const {
  KMB_ASSERT(type_ == Type::uuid);
  return std::get<Uuid>(data_);
}

double Value::numeric_as_double() const {
  KMB_ASSERT(is_numeric_type(type_));
  if (is_integer_type(type_)) return static_cast<double>(as_int());
  if (type_ == Type::decimal) return decimal_to_double(as_decimal());
  return as_double();
}

bool operator==(const Value& a, const Value& b) {
  if (a.type_ != b.type_) return false;
  if (a.type_ == Type::decimal) return compare_decimals(a.as_decimal(), b.as_decimal()) == 0;
  if (a.type_ == Type::real || a.type_ == Type::double_precision) return compare_doubles(a.as_double(), b.as_double()) == 0;
  return a.data_ == b.data_;
}

int compare_values(const Value& a, const Value& b) {
  const Family fa = family_of(a.type());
  const Family fb = family_of(b.type());
  if (fa != fb) {
    if (a.is_null() || b.is_null()) return a.is_null() ? (b.is_null() ? 0 : -1) : 1;
    return three_way(static_cast<int>(a.type()), static_cast<int>(b.type()));
  }
  switch (fa) {
    case Family::null: return 0;
    case Family::boolean: return three_way(a.as_bool(), b.as_bool());
    case Family::numeric: return compare_numeric(a, b);
    case Family::text:
    case Family::json: {
      int c = a.as_string().compare(b.as_string());
      return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    case Family::bytes: return three_way(a.as_bytes(), b.as_bytes());
    case Family::temporal: return three_way(temporal_micros(a), temporal_micros(b));
    case Family::uuid: return three_way(a.as_uuid(), b.as_uuid());
  }
  return 0;
}

std::size_t hash_value(const Value& value) {
  switch (family_of(value.type())) {
    case Family::null: return 0x9e3779b97f4a7c15ULL;
    case Family::boolean: return value.as_bool() ? 1 : 2;
    case Family::numeric: {
      // Equal numbers of different numeric types must hash alike: hash integral values as integers.
      double d = value.numeric_as_double();
      if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.0e18) {
        return std::hash<std::int64_t>()(static_cast<std::int64_t>(d));
      }
      return std::hash<double>()(d);
    }
    case Family::text:
    case Family::json: return std::hash<std::string>()(value.as_string());
    case Family::bytes: return std::hash<std::string_view>()(as_string_view(value.as_bytes()));
    case Family::temporal: return std::hash<std::int64_t>()(temporal_micros(value));
    case Family::uuid: return std::hash<std::string_view>()(std::string_view(reinterpret_cast<const char*>(value.as_uuid().data()), 16));
  }
  return 0;
}

// ---- Self-describing codec --------------------------------------------------------------------

void encode_value(const Value& value, Bytes& out) {
  out.push_back(static_cast<std::uint8_t>(value.type()));
  switch (value.type()) {
    case Type::null: return;
    case Type::boolean: out.push_back(value.as_bool() ? 1 : 0); return;
    case Type::smallint:
    case Type::integer:
    case Type::bigint:
    case Type::date:
    case Type::timestamp: append_le<std::uint64_t>(out, static_cast<std::uint64_t>(value.as_int())); return;
    case Type::real:
    case Type::double_precision: append_le<std::uint64_t>(out, std::bit_cast<std::uint64_t>(value.as_double())); return;
    case Type::decimal: {
      auto mantissa = static_cast<unsigned __int128>(value.as_decimal().mantissa);
      append_le<std::uint64_t>(out, static_cast<std::uint64_t>(mantissa));
      append_le<std::uint64_t>(out, static_cast<std::uint64_t>(mantissa >> 64));
      out.push_back(value.as_decimal().scale);
      return;
    }
    case Type::text:
    case Type::json:
      append_le<std::uint32_t>(out, static_cast<std::uint32_t>(value.as_string().size()));
      append_bytes(out, as_bytes(value.as_string()));
      return;
    case Type::bytes:
      append_le<std::uint32_t>(out, static_cast<std::uint32_t>(value.as_bytes().size()));
      append_bytes(out, value.as_bytes());
      return;
    case Type::uuid: append_bytes(out, value.as_uuid()); return;
  }
}

namespace {

Status need(const ByteSpan& input, std::size_t size) {
  if (input.size() < size) return corruption("value truncated");
  return Status();
}

}  // namespace

Result<Value> decode_value(ByteSpan& input) {
  KMB_TRY(need(input, 1));
  const std::uint8_t tag = input[0];
  input = input.subspan(1);
  if (tag > static_cast<std::uint8_t>(Type::json)) return corruption("unknown value type " + std::to_string(tag));
  const Type type = static_cast<Type>(tag);
  switch (type) {
    case Type::null: return Value();
    case Type::boolean: {
      KMB_TRY(need(input, 1));
      std::uint8_t b = input[0];
      input = input.subspan(1);
      if (b > 1) return corruption("bad boolean");
      return Value::boolean(b == 1);
    }
    case Type::smallint:
    case Type::integer:
    case Type::bigint:
    case Type::date:
    case Type::timestamp: {
      KMB_TRY(need(input, 8));
      auto v = static_cast<std::int64_t>(load_le<std::uint64_t>(input.data()));
      input = input.subspan(8);
      if (type == Type::date) {
        if (v < INT32_MIN || v > INT32_MAX) return corruption("date out of range");
        return Value::date(static_cast<std::int32_t>(v));
      }
      if (type == Type::timestamp) return Value::timestamp(v);
      return Value::integer(v, type);
    }
    case Type::real:
    case Type::double_precision: {
      KMB_TRY(need(input, 8));
      double d = std::bit_cast<double>(load_le<std::uint64_t>(input.data()));
      input = input.subspan(8);
      return Value::floating(d, type);
    }
    case Type::decimal: {
      KMB_TRY(need(input, 17));
      unsigned __int128 low = load_le<std::uint64_t>(input.data());
      unsigned __int128 high = load_le<std::uint64_t>(input.data() + 8);
      std::uint8_t scale = input[16];
      input = input.subspan(17);
      if (scale > decimal_scale_max) return corruption("decimal scale out of range");
      return Value::decimal(Decimal{static_cast<__int128>(low | (high << 64)), scale});
    }
    case Type::text:
    case Type::json:
    case Type::bytes: {
      KMB_TRY(need(input, 4));
      std::uint32_t size = load_le<std::uint32_t>(input.data());
      input = input.subspan(4);
      KMB_TRY(need(input, size));
      ByteSpan body = input.subspan(0, size);
      input = input.subspan(size);
      if (type == Type::bytes) return Value::bytes(Bytes(body.begin(), body.end()));
      std::string text(as_string_view(body));
      return type == Type::text ? Value::text(std::move(text)) : Value::json(std::move(text));
    }
    case Type::uuid: {
      KMB_TRY(need(input, 16));
      Uuid u;
      std::memcpy(u.data(), input.data(), 16);
      input = input.subspan(16);
      return Value::uuid(u);
    }
  }
  return corruption("unknown value type");
}

void encode_row(const Row& row, Bytes& out) {
  append_le<std::uint32_t>(out, static_cast<std::uint32_t>(row.size()));
  for (const Value& value : row) encode_value(value, out);
}

Result<Row> decode_row(ByteSpan& input) {
  KMB_TRY(need(input, 4));
  std::uint32_t count = load_le<std::uint32_t>(input.data());
  input = input.subspan(4);
  if (count > input.size()) return corruption("row column count exceeds the input");
  Row row;
  row.reserve(count);
  for (std::uint32_t i = 0; i < count; i++) {
    KMB_ASSIGN_OR_RETURN(Value value, decode_value(input));
    row.push_back(std::move(value));
  }
  return row;
}

// ---- Order-preserving key codec ---------------------------------------------------------------

namespace {

void append_be64(Bytes& out, std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(value >> shift));
}

void append_escaped(Bytes& out, ByteSpan bytes) {
  for (std::uint8_t b : bytes) {
    out.push_back(b);
    if (b == 0) out.push_back(0xff);
  }
  out.push_back(0);
  out.push_back(0);
}

void encode_decimal_key(const Decimal& d, Bytes& out) {
  if (d.mantissa == 0) {
    out.push_back(0x80);
    return;
  }
  const bool negative = d.mantissa < 0;
  std::string digits = int128_to_string(negative ? -d.mantissa : d.mantissa);
  int scale = d.scale;
  while (digits.size() > 1 && digits.back() == '0') {
    digits.pop_back();
    scale--;
  }
  // value = 0.digits * 10^exponent
  const int exponent = static_cast<int>(digits.size()) - scale;
  const std::uint16_t biased = static_cast<std::uint16_t>(exponent + 0x8000);
  const std::uint8_t flip = negative ? 0xff : 0x00;
  out.push_back(negative ? 0x40 : 0xc0);
  out.push_back(static_cast<std::uint8_t>((biased >> 8) ^ flip));
  out.push_back(static_cast<std::uint8_t>((biased & 0xff) ^ flip));
  for (char c : digits) out.push_back(static_cast<std::uint8_t>(static_cast<std::uint8_t>(c) ^ flip));
  out.push_back(negative ? 0xff : 0x00);
}

}  // namespace

void encode_key(const Value& value, Bytes& out) {
  if (value.is_null()) {
    out.push_back(0x00);
    return;
  }
  out.push_back(0x01);
  switch (value.type()) {
    case Type::null: return;
    case Type::boolean: out.push_back(value.as_bool() ? 1 : 0); return;
    case Type::smallint:
    case Type::integer:
    case Type::bigint:
    case Type::date:
    case Type::timestamp:
      append_be64(out, static_cast<std::uint64_t>(value.as_int()) ^ (1ULL << 63));
      return;
    case Type::real:
    case Type::double_precision: {
      double d = value.as_double();
      if (d == 0) d = 0;  // -0.0 sorts with 0.0
      std::uint64_t bits = std::isnan(d) ? ~std::uint64_t{0} : std::bit_cast<std::uint64_t>(d);
      if (!std::isnan(d)) bits = (bits & (1ULL << 63)) ? ~bits : bits | (1ULL << 63);
      append_be64(out, bits);
      return;
    }
    case Type::decimal: encode_decimal_key(value.as_decimal(), out); return;
    case Type::text:
    case Type::json: append_escaped(out, as_bytes(value.as_string())); return;
    case Type::bytes: append_escaped(out, value.as_bytes()); return;
    case Type::uuid: append_bytes(out, value.as_uuid()); return;
  }
}

Bytes encode_key(const Row& values) {
  Bytes out;
  out.reserve(values.size() * 9);  // a marker byte and 8 bytes per number: one allocation, not five
  for (const Value& value : values) encode_key(value, out);
  return out;
}

// ---- Display ----------------------------------------------------------------------------------

std::string decimal_to_string(const Decimal& value) {
  std::string digits = int128_to_string(value.mantissa < 0 ? -value.mantissa : value.mantissa);
  if (value.scale > 0) {
    if (digits.size() <= value.scale) digits.insert(0, value.scale - digits.size() + 1, '0');
    digits.insert(digits.size() - value.scale, ".");
  }
  if (value.mantissa < 0) digits.insert(digits.begin(), '-');
  return digits;
}

double decimal_to_double(const Decimal& value) {
  return static_cast<double>(static_cast<long double>(value.mantissa) /
                             static_cast<long double>(power_of_ten(value.scale)));
}

std::optional<Decimal> parse_decimal(std::string_view text) {
  std::size_t at = 0;
  bool negative = false;
  if (at < text.size() && (text[at] == '+' || text[at] == '-')) negative = text[at++] == '-';
  __int128 mantissa = 0;
  int digits = 0;
  int scale = 0;
  bool seen_point = false;
  bool any_digit = false;
  for (; at < text.size(); at++) {
    char c = text[at];
    if (c == '.' && !seen_point) {
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    any_digit = true;
    if (mantissa == 0 && c == '0' && !seen_point) continue;  // leading zeros
    if (digits >= 38) return std::nullopt;
    mantissa = mantissa * 10 + (c - '0');
    if (mantissa != 0) digits++;
    if (seen_point) scale++;
  }
  if (!any_digit) return std::nullopt;
  if (at < text.size() && (text[at] == 'e' || text[at] == 'E')) {
    at++;
    int exponent = 0;
    auto [end, error] = std::from_chars(text.data() + at, text.data() + text.size(), exponent);
    if (error != std::errc() || exponent > 38 || exponent < -38) return std::nullopt;
    at = static_cast<std::size_t>(end - text.data());
    scale -= exponent;
    while (scale < 0) {
      if (digits >= 38) return std::nullopt;
      mantissa *= 10;
      digits++;
      scale++;
    }
  }
  if (at != text.size() || scale > decimal_scale_max) return std::nullopt;
  return Decimal{negative ? -mantissa : mantissa, static_cast<std::uint8_t>(scale)};
}

std::optional<Uuid> parse_uuid(std::string_view text) {
  Uuid uuid{};
  std::size_t nibble = 0;
  for (std::size_t i = 0; i < text.size(); i++) {
    char c = text[i];
    if (c == '-' && (i == 8 || i == 13 || i == 18 || i == 23) && text.size() == 36) continue;
    int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (v < 0 || nibble >= 32) return std::nullopt;
    uuid[nibble / 2] = static_cast<std::uint8_t>(uuid[nibble / 2] | (nibble % 2 == 0 ? v << 4 : v));
    nibble++;
  }
  if (nibble != 32 || (text.size() != 32 && text.size() != 36)) return std::nullopt;
  return uuid;
}

std::string to_display(const Value& value) {
  switch (value.type()) {
    case Type::null: return "NULL";
    case Type::boolean: return value.as_bool() ? "true" : "false";
    case Type::smallint:
    case Type::integer:
    case Type::bigint: return std::to_string(value.as_int());
    case Type::real:
    case Type::double_precision: {
      double d = value.as_double();
      if (std::isnan(d)) return "NaN";
      if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
      char buffer[64];
      auto [end, error] = value.type() == Type::real
                              ? std::to_chars(buffer, buffer + sizeof(buffer), static_cast<float>(d))
                              : std::to_chars(buffer, buffer + sizeof(buffer), d);
      KMB_ASSERT(error == std::errc());
      return std::string(buffer, end);
    }
    case Type::decimal: return decimal_to_string(value.as_decimal());
    case Type::text:
    case Type::json: return value.as_string();
    case Type::bytes: return "\\x" + to_hex(value.as_bytes());
    case Type::date: {
      std::int64_t year;
      unsigned month, day;
      civil_from_days(value.as_int(), year, month, day);
      char buffer[32];
      std::snprintf(buffer, sizeof(buffer), "%04lld-%02u-%02u", static_cast<long long>(year), month, day);
      return buffer;
    }
    case Type::timestamp: {
      std::int64_t micros = value.as_int();
      std::int64_t days = micros >= 0 ? micros / 86'400'000'000LL : -((-micros + 86'399'999'999LL) / 86'400'000'000LL);
      std::int64_t rest = micros - days * 86'400'000'000LL;
      std::int64_t year;
      unsigned month, day;
      civil_from_days(days, year, month, day);
      const auto seconds = static_cast<unsigned>(rest / 1'000'000);
      const auto fraction = static_cast<unsigned>(rest % 1'000'000);
      char buffer[48];
      int n = std::snprintf(buffer, sizeof(buffer), "%04lld-%02u-%02u %02u:%02u:%02u", static_cast<long long>(year),
                            month, day, seconds / 3600, seconds / 60 % 60, seconds % 60);
      std::string text(buffer, static_cast<std::size_t>(n));
      if (fraction != 0) {
        std::snprintf(buffer, sizeof(buffer), ".%06u", fraction);
        std::string f(buffer);
        while (f.back() == '0') f.pop_back();
        text += f;
      }
      return text;
    }
    case Type::uuid: {
      std::string hex = to_hex(value.as_uuid());
      return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
             hex.substr(20);
    }
  }
  return "?";
}

}  // namespace kmb::kernel
