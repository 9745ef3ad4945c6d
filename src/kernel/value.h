// Value: one SQL value (or NULL) of one of Kimberlite's column types, and Row = a vector of them.
//
// Representation: integers (SMALLINT/INTEGER/BIGINT) as int64; REAL/DOUBLE as double; DECIMAL as
// a 128-bit mantissa with a decimal scale; TEXT and JSON as UTF-8 strings; BYTES as bytes; DATE as
// days since 1970-01-01; TIMESTAMP as microseconds since the Unix epoch (UTC); UUID as 16 bytes.
//
// Three codecs live here because every layer must agree on them byte for byte:
//   * encode_value/decode_value: self-describing, for log payloads and snapshots;
//   * encode_key: order-preserving (memcmp order == compare_values order within one type), for
//     primary-key and secondary-index keys;
//   * to_display: the text shown to users (CLI, sqllogictest).
//
// Thread-safety: value types.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"

namespace kmb::kernel {

enum class Type : std::uint8_t {
  null = 0,  // The type of an untyped NULL literal only; never a column type.
  boolean = 1,
  smallint = 2,
  integer = 3,
  bigint = 4,
  real = 5,
  double_precision = 6,
  decimal = 7,
  text = 8,
  bytes = 9,
  date = 10,
  timestamp = 11,
  uuid = 12,
  json = 13,
};

std::string_view type_name(Type type);  // "BIGINT", "DOUBLE", "TEXT", ...
// Accepts the SQL spellings: INT, INTEGER, INT4, BIGINT, INT8, SMALLINT, INT2, REAL, FLOAT4, FLOAT,
// DOUBLE, DOUBLE PRECISION (pass "DOUBLE PRECISION"), FLOAT8, DECIMAL, NUMERIC, TEXT, VARCHAR,
// CHAR, STRING, BYTES, BYTEA, BLOB, BOOLEAN, BOOL, DATE, TIMESTAMP, UUID, JSON, JSONB (any case).
std::optional<Type> parse_type_name(std::string_view name);
bool is_integer_type(Type type);
bool is_numeric_type(Type type);  // integers, real, double, decimal

struct Decimal {
  __int128 mantissa = 0;
  std::uint8_t scale = 0;  // value = mantissa / 10^scale; scale <= 38
  // Representation equality (1.0 != 1.00 here); Value's == and compare_values compare by value.
  friend bool operator==(const Decimal&, const Decimal&) = default;
};

using Uuid = std::array<std::uint8_t, 16>;

class Value {
 public:
  Value() = default;  // NULL
  static Value null() { return Value(); }
  static Value boolean(bool value);
  static Value integer(std::int64_t value, Type type = Type::bigint);  // REQUIRES: integer type
  static Value floating(double value, Type type = Type::double_precision);
  static Value decimal(Decimal value);
  static Value text(std::string value);
  static Value json(std::string value);
  static Value bytes(Bytes value);
  static Value date(std::int32_t days_since_epoch);
  static Value timestamp(std::int64_t micros_since_epoch);
  static Value uuid(const Uuid& value);

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::null; }

  // Accessors. REQUIRES: the matching type family.
  bool as_bool() const;
  std::int64_t as_int() const;  // integer types, date (days), timestamp (micros)
  double as_double() const;     // real, double
  const Decimal& as_decimal() const;
  const std::string& as_string() const;  // text, json
  const Bytes& as_bytes() const;
  const Uuid& as_uuid() const;

  // Any numeric value as a double (for mixed arithmetic and comparison).
  double numeric_as_double() const;

  friend bool operator==(const Value& a, const Value& b);

 private:
  Type type_ = Type::null;
  std::variant<std::monostate, bool, std::int64_t, double, Decimal, std::string, Bytes, Uuid> data_;
};

using Row = std::vector<Value>;

// Total order used by ORDER BY, GROUP BY, DISTINCT and indexes: NULL sorts first; numbers of
// different numeric types compare by value; otherwise values of different type families compare by
// Type id. Returns <0, 0, >0.
int compare_values(const Value& a, const Value& b);
std::size_t hash_value(const Value& value);

// Self-describing binary codec (type byte, then a fixed or length-prefixed body).
void encode_value(const Value& value, Bytes& out);
// Decodes one value from the front of `input` and advances it. corruption on malformed bytes.
Result<Value> decode_value(ByteSpan& input);
void encode_row(const Row& row, Bytes& out);
Result<Row> decode_row(ByteSpan& input);

// Order-preserving key encoding: for values of one column type, memcmp order of the encodings equals
// compare_values order, and a concatenation of encodings (a composite key) sorts lexicographically
// column by column. NULL encodes smallest.
void encode_key(const Value& value, Bytes& out);
Bytes encode_key(const Row& values);

// Text for people and for sqllogictest: NULL as "NULL", booleans "true"/"false", doubles in the
// shortest form that round-trips, decimals with their scale, dates "2024-01-15", timestamps
// "2024-01-15 10:30:00[.ffffff]", bytes as "\x" hex, UUIDs in 8-4-4-4-12 form.
std::string to_display(const Value& value);

// Decimal helpers: parse "123.45" (scale from the text), and to text.
std::optional<Decimal> parse_decimal(std::string_view text);
std::string decimal_to_string(const Decimal& value);
double decimal_to_double(const Decimal& value);
std::optional<Uuid> parse_uuid(std::string_view text);

}  // namespace kmb::kernel
