#include "sql/execution/cast.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "base/time_format.h"
#include "sql/execution/arithmetic.h"
#include "sql/execution/decimal_math.h"
#include "sql/execution/json_validate.h"

namespace kmb::sql {

namespace {

using kernel::Type;
using kernel::Value;

constexpr std::int64_t micros_per_day = 86'400'000'000LL;

std::string_view trim_spaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\n')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n')) text.remove_suffix(1);
  return text;
}

std::string lower_ascii(std::string_view text) {
  std::string result(text);
  for (char& c : result) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return result;
}

Status invalid_input(Type type, std::string_view text) {
  return invalid_argument("invalid input syntax for type " + std::string(kernel::type_name(type)) + ": \"" +
                          std::string(text) + "\"");
}

bool is_floating(Type type) { return type == Type::real || type == Type::double_precision; }

Result<Value> integer_in_range(std::int64_t value, Type type) {
  if (type == Type::smallint && (value < -32768 || value > 32767)) return invalid_argument("smallint out of range");
  if (type == Type::integer &&
      (value < std::numeric_limits<std::int32_t>::min() || value > std::numeric_limits<std::int32_t>::max())) {
    return integer_out_of_range();
  }
  return Value::integer(value, type);
}

// A finite value that does not fit a REAL is an overflow (or an underflow when a nonzero value
// rounds to zero), as PostgreSQL's float8 -> float4 conversion reports it.
Result<Value> floating_of_type(double value, Type type) {
  if (type == Type::real) {
    const auto narrowed = static_cast<double>(static_cast<float>(value));
    if (std::isfinite(value) && std::isinf(narrowed)) return floating_out_of_range(true);
    if (value != 0.0 && narrowed == 0.0) return floating_out_of_range(false);
    value = narrowed;
  }
  return Value::floating(value, type);
}

Result<Value> decimal_with_type(const kernel::Decimal& value, const TypeName& target) {
  if (!target.scale) return Value::decimal(value);
  KMB_ASSIGN_OR_RETURN(kernel::Decimal rescaled, decimal_rescale(value, *target.scale, target.precision.value_or(38)));
  return Value::decimal(rescaled);
}

Result<Value> numeric_to_numeric(const Value& value, const TypeName& target) {
  const Type from = value.type();
  if (kernel::is_integer_type(target.type)) {
    if (kernel::is_integer_type(from)) return integer_in_range(value.as_int(), target.type);
    if (from == Type::decimal) {
      std::optional<std::int64_t> rounded = decimal_to_integer(value.as_decimal());
      if (!rounded) return integer_out_of_range();
      return integer_in_range(*rounded, target.type);
    }
    const double rounded = std::round(value.as_double());
    if (!std::isfinite(rounded) || rounded >= 9.2233720368547758e18 || rounded < -9.2233720368547758e18) {
      return integer_out_of_range();
    }
    return integer_in_range(static_cast<std::int64_t>(rounded), target.type);
  }
  if (is_floating(target.type)) return floating_of_type(value.numeric_as_double(), target.type);
  KMB_ASSERT(target.type == Type::decimal);
  if (kernel::is_integer_type(from)) return decimal_with_type(decimal_from_integer(value.as_int()), target);
  if (from == Type::decimal) return decimal_with_type(value.as_decimal(), target);
  std::optional<kernel::Decimal> decimal = decimal_from_double(value.as_double());
  if (!decimal) return invalid_argument("cannot convert " + kernel::to_display(value) + " to DECIMAL");
  return decimal_with_type(*decimal, target);
}

Result<Value> parse_boolean(std::string_view text) {
  const std::string word = lower_ascii(trim_spaces(text));
  if (word == "t" || word == "true" || word == "yes" || word == "y" || word == "on" || word == "1") {
    return Value::boolean(true);
  }
  if (word == "f" || word == "false" || word == "no" || word == "n" || word == "off" || word == "0") {
    return Value::boolean(false);
  }
  return invalid_input(Type::boolean, text);
}

Result<Value> parse_integer(std::string_view text, Type type) {
  const std::string trimmed(trim_spaces(text));
  if (trimmed.empty()) return invalid_input(type, text);
  errno = 0;
  char* end = nullptr;
  const long long value = std::strtoll(trimmed.c_str(), &end, 10);
  if (end != trimmed.c_str() + trimmed.size()) return invalid_input(type, text);
  if (errno == ERANGE) return integer_out_of_range();
  return integer_in_range(value, type);
}

Result<Value> parse_floating(std::string_view text, Type type) {
  const std::string trimmed = lower_ascii(trim_spaces(text));
  if (trimmed == "nan") return floating_of_type(std::nan(""), type);
  if (trimmed == "infinity" || trimmed == "+infinity") return floating_of_type(HUGE_VAL, type);
  if (trimmed == "-infinity") return floating_of_type(-HUGE_VAL, type);
  if (trimmed.empty() || trimmed.find_first_of("in") != std::string::npos) return invalid_input(type, text);
  errno = 0;
  char* end = nullptr;
  const double value = std::strtod(trimmed.c_str(), &end);
  if (end != trimmed.c_str() + trimmed.size()) return invalid_input(type, text);
  // strtod reports ERANGE for results that overflow (HUGE_VAL) and for ones that underflow; a
  // denormal result is still representable, so only an overflow or a zero is out of range.
  if (errno == ERANGE && (std::isinf(value) || value == 0.0)) {
    return invalid_argument("\"" + std::string(trim_spaces(text)) + "\" is out of range for type " +
                            std::string(kernel::type_name(type)));
  }
  return floating_of_type(value, type);
}

Result<Value> parse_bytes(std::string_view text) {
  if (text.size() >= 2 && text[0] == '\\' && (text[1] == 'x' || text[1] == 'X')) {
    std::optional<Bytes> bytes = from_hex(text.substr(2));
    if (!bytes) return invalid_input(Type::bytes, text);
    return Value::bytes(std::move(*bytes));
  }
  return Value::bytes(Bytes(text.begin(), text.end()));
}

Result<Value> parse_text_as(std::string_view text, const TypeName& target) {
  switch (target.type) {
    case Type::boolean: return parse_boolean(text);
    case Type::smallint:
    case Type::integer:
    case Type::bigint: return parse_integer(text, target.type);
    case Type::real:
    case Type::double_precision: return parse_floating(text, target.type);
    case Type::decimal: {
      std::optional<kernel::Decimal> decimal = kernel::parse_decimal(trim_spaces(text));
      if (!decimal) return invalid_input(Type::decimal, text);
      return decimal_with_type(*decimal, target);
    }
    case Type::text: return Value::text(std::string(text));
    case Type::json: {
      KMB_TRY(validate_json(text));
      return Value::json(std::string(text));
    }
    case Type::bytes: return parse_bytes(text);
    case Type::date: {
      std::optional<std::int32_t> days = parse_date_days(trim_spaces(text));
      if (!days) return invalid_input(Type::date, text);
      return Value::date(*days);
    }
    case Type::timestamp: {
      std::optional<std::int64_t> micros = parse_timestamp_micros(trim_spaces(text));
      if (!micros) return invalid_input(Type::timestamp, text);
      return Value::timestamp(*micros);
    }
    case Type::uuid: {
      std::optional<kernel::Uuid> uuid = kernel::parse_uuid(trim_spaces(text));
      if (!uuid) return invalid_input(Type::uuid, text);
      return Value::uuid(*uuid);
    }
    case Type::null: break;
  }
  KMB_UNREACHABLE();
}

// A JSON string literal holding `text`: quotes, backslashes and control characters escaped.
std::string json_quote(std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (byte < 0x20) {
      out += "\\u00";
      out.push_back(hex[byte >> 4]);
      out.push_back(hex[byte & 0xF]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

// A non-text value as JSON: numbers and booleans as JSON numbers and literals (NaN and Infinity
// have no JSON form: an error), anything else as a JSON string of its display form.
Result<Value> scalar_to_json(const Value& value) {
  const std::string shown = kernel::to_display(value);
  if (kernel::is_numeric_type(value.type()) || value.type() == Type::boolean) {
    KMB_TRY(validate_json(shown));
    return Value::json(shown);
  }
  return Value::json(json_quote(shown));
}

std::int64_t floor_divide(std::int64_t a, std::int64_t b) {
  std::int64_t quotient = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) quotient--;
  return quotient;
}

Status cannot_cast(Type from, Type to) {
  return invalid_argument("cannot cast type " + std::string(kernel::type_name(from)) + " to " +
                          std::string(kernel::type_name(to)));
}

bool read_number(std::string_view text, std::size_t& at, std::size_t digits, unsigned& value) {
  if (at + digits > text.size()) return false;
  value = 0;
  for (std::size_t i = 0; i < digits; i++) {
    const char c = text[at + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  at += digits;
  return true;
}

bool read_char(std::string_view text, std::size_t& at, char c) {
  if (at >= text.size() || text[at] != c) return false;
  at++;
  return true;
}

// Parses "YYYY-MM-DD" at the front of `text`, advancing `at`.
std::optional<std::int32_t> parse_date_prefix(std::string_view text, std::size_t& at) {
  unsigned year = 0, month = 0, day = 0;
  if (!read_number(text, at, 4, year) || !read_char(text, at, '-') || !read_number(text, at, 2, month) ||
      !read_char(text, at, '-') || !read_number(text, at, 2, day)) {
    return std::nullopt;
  }
  static constexpr unsigned month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (year == 0 || month < 1 || month > 12 || day < 1 || day > month_days[month - 1]) return std::nullopt;
  if (month == 2 && day == 29 && !leap) return std::nullopt;
  return static_cast<std::int32_t>(days_from_civil(year, month, day));
}

}  // namespace

std::optional<std::int32_t> parse_date_days(std::string_view text) {
  std::size_t at = 0;
  std::optional<std::int32_t> days = parse_date_prefix(text, at);
  if (!days || at != text.size()) return std::nullopt;
  return days;
}

std::optional<std::int64_t> parse_timestamp_micros(std::string_view text) {
  std::size_t at = 0;
  std::optional<std::int32_t> days = parse_date_prefix(text, at);
  if (!days) return std::nullopt;
  std::int64_t micros = static_cast<std::int64_t>(*days) * micros_per_day;
  if (at == text.size()) return micros;
  if (text[at] != ' ' && text[at] != 'T') return std::nullopt;
  at++;
  unsigned hour = 0, minute = 0, second = 0;
  if (!read_number(text, at, 2, hour) || !read_char(text, at, ':') || !read_number(text, at, 2, minute)) {
    return std::nullopt;
  }
  if (read_char(text, at, ':') && !read_number(text, at, 2, second)) return std::nullopt;
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
  std::int64_t fraction = 0;
  if (read_char(text, at, '.')) {
    std::int64_t scale = 100'000;
    std::size_t digits = 0;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      if (digits < 6) fraction += (text[at] - '0') * scale;
      scale /= 10;
      digits++;
      at++;
    }
    if (digits == 0 || digits > 9) return std::nullopt;
  }
  if (at < text.size() && text[at] == 'Z') at++;
  if (text.substr(at) == "+00:00" || text.substr(at) == "+00") at = text.size();
  if (at != text.size()) return std::nullopt;
  return micros + ((hour * 60 + minute) * 60 + second) * 1'000'000LL + fraction;
}

bool castable(Type from, Type to) {
  if (from == Type::null || from == to || from == Type::text || to == Type::text || to == Type::json) return true;
  if (kernel::is_numeric_type(from) && kernel::is_numeric_type(to)) return true;
  if (from == Type::json && to == Type::text) return true;
  if (from == Type::boolean && kernel::is_integer_type(to)) return true;
  if (kernel::is_integer_type(from) && to == Type::boolean) return true;
  return (from == Type::date && to == Type::timestamp) || (from == Type::timestamp && to == Type::date);
}

Result<Value> cast_value(const Value& value, const TypeName& target) {
  const Type from = value.type();
  if (from == Type::null) return Value::null();
  if (!castable(from, target.type)) return cannot_cast(from, target.type);
  if (from == target.type && from != Type::decimal && from != Type::real) return value;
  if (target.type == Type::text) return Value::text(kernel::to_display(value));
  if (from == Type::text || from == Type::json) return parse_text_as(value.as_string(), target);
  if (target.type == Type::json) return scalar_to_json(value);
  if (kernel::is_numeric_type(from) && kernel::is_numeric_type(target.type)) return numeric_to_numeric(value, target);
  if (from == Type::boolean) return Value::integer(value.as_bool() ? 1 : 0, target.type);
  if (target.type == Type::boolean) return Value::boolean(value.as_int() != 0);
  if (target.type == Type::timestamp) return Value::timestamp(value.as_int() * micros_per_day);
  return Value::date(static_cast<std::int32_t>(floor_divide(value.as_int(), micros_per_day)));
}

bool assignable(Type from, Type to) {
  if (from == Type::null || from == to || from == Type::text || to == Type::text || to == Type::json) return true;
  if (kernel::is_numeric_type(from) && kernel::is_numeric_type(to)) return true;
  return (from == Type::date && to == Type::timestamp) || (from == Type::timestamp && to == Type::date);
}

TypeName column_type_name(const kernel::ColumnDef& column) {
  TypeName type;
  type.type = column.type;
  if (column.type == Type::decimal) {
    type.precision = column.decimal_precision;
    type.scale = column.decimal_scale;
  }
  return type;
}

Result<Value> coerce_to_column(const Value& value, const kernel::ColumnDef& column) {
  if (value.is_null()) return Value::null();
  if (!assignable(value.type(), column.type)) {
    return invalid_argument("column \"" + column.name + "\" is of type " + std::string(kernel::type_name(column.type)) +
                            " but expression is of type " + std::string(kernel::type_name(value.type())));
  }
  Result<Value> coerced = cast_value(value, column_type_name(column));
  if (coerced.ok()) return coerced;
  if (coerced.status().message() == "numeric field overflow") {
    return invalid_argument("numeric field overflow: a value in column \"" + column.name + "\" exceeds DECIMAL(" +
                            std::to_string(column.decimal_precision) + ", " + std::to_string(column.decimal_scale) +
                            ")");
  }
  // Name the column, so that the bad value of a wide row is found.
  if (coerced.status().code() == StatusCode::invalid_argument) {
    return invalid_argument(coerced.status().message() + " (column \"" + column.name + "\")");
  }
  return coerced;
}

}  // namespace kmb::sql
