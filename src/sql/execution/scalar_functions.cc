#include "sql/execution/scalar_functions.h"

#include <cmath>
#include <limits>
#include <string>

#include "sql/execution/arithmetic.h"
#include "sql/execution/decimal_math.h"
#include "sql/execution/json_path.h"
#include "sql/execution/unicode_case.h"

namespace kmb::sql {

namespace {

using kernel::Type;
using kernel::Value;

bool any_null(std::span<const Value> arguments) {
  for (const Value& argument : arguments) {
    if (argument.is_null()) return true;
  }
  return false;
}

// Byte offsets of each code point start, plus the end.
std::vector<std::size_t> code_point_offsets(std::string_view text) {
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < text.size(); i++) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) offsets.push_back(i);
  }
  offsets.push_back(text.size());
  return offsets;
}

Result<Value> absolute(const Value& value) {
  if (kernel::is_integer_type(value.type())) {
    if (value.as_int() == std::numeric_limits<std::int64_t>::min()) return integer_out_of_range();
    return Value::integer(std::llabs(value.as_int()), value.type());
  }
  if (value.type() == Type::decimal) {
    kernel::Decimal decimal = value.as_decimal();
    if (decimal.mantissa < 0) decimal.mantissa = -decimal.mantissa;
    return Value::decimal(decimal);
  }
  return Value::floating(std::fabs(value.as_double()), value.type());
}

// ROUND/CEIL/FLOOR: mode 0 rounds half away from zero, 1 ceils, -1 floors.
Result<Value> round_to(const Value& value, std::int64_t digits, int mode) {
  if (kernel::is_integer_type(value.type())) return value;
  if (value.type() == Type::decimal) {
    const kernel::Decimal& decimal = value.as_decimal();
    if (digits < 0 || digits > 38) return invalid_argument("ROUND digits must be between 0 and 38 for DECIMAL");
    const auto scale = static_cast<std::uint8_t>(digits);
    KMB_ASSIGN_OR_RETURN(kernel::Decimal rounded, decimal_rescale(decimal, scale));
    if (mode == 0 || scale >= decimal.scale) return Value::decimal(rounded);
    // decimal_rescale rounds half away from zero; step to the floor or ceiling when it went the wrong way.
    KMB_ASSIGN_OR_RETURN(kernel::Decimal back, decimal_rescale(rounded, decimal.scale));
    if (mode < 0 && back.mantissa > decimal.mantissa) rounded.mantissa -= 1;
    if (mode > 0 && back.mantissa < decimal.mantissa) rounded.mantissa += 1;
    return Value::decimal(rounded);
  }
  const double factor = std::pow(10.0, static_cast<double>(digits));
  const double scaled = value.as_double() * factor;
  const double rounded = mode == 0 ? std::round(scaled) : mode > 0 ? std::ceil(scaled) : std::floor(scaled);
  return Value::floating(rounded / factor);
}

Value substring(const std::string& text, std::int64_t start, std::optional<std::int64_t> length) {
  const std::vector<std::size_t> offsets = code_point_offsets(text);
  const auto count = static_cast<std::int64_t>(offsets.size() - 1);
  std::int64_t first = start - 1;  // zero-based, may be negative
  std::int64_t last = length ? (*length > count - first ? count : first + *length) : count;  // exclusive
  first = std::max<std::int64_t>(first, 0);
  last = std::min(last, count);
  if (last <= first) return Value::text("");
  return Value::text(text.substr(offsets[first], offsets[last] - offsets[first]));
}

// Removes the characters (code points, not bytes: trimming 'é' must not split 'è') in
// `characters` from the chosen ends of `text`.
Value trim_text(const std::string& text, std::string_view characters, bool left, bool right) {
  const std::vector<std::size_t> offsets = code_point_offsets(text);
  const std::vector<std::size_t> set_offsets = code_point_offsets(characters);
  auto in_set = [&](std::size_t index) {
    const std::string_view character(text.data() + offsets[index], offsets[index + 1] - offsets[index]);
    for (std::size_t i = 0; i + 1 < set_offsets.size(); i++) {
      if (characters.substr(set_offsets[i], set_offsets[i + 1] - set_offsets[i]) == character) return true;
    }
    return false;
  };
  std::size_t begin = 0;
  std::size_t end = offsets.size() - 1;  // in code points
  while (left && begin < end && in_set(begin)) begin++;
  while (right && end > begin && in_set(end - 1)) end--;
  return Value::text(text.substr(offsets[begin], offsets[end] - offsets[begin]));
}

Value replace_all(const std::string& text, const std::string& from, const std::string& to) {
  if (from.empty()) return Value::text(text);
  std::string result;
  std::size_t at = 0;
  while (true) {
    const std::size_t found = text.find(from, at);
    if (found == std::string::npos) break;
    result.append(text, at, found - at);
    result += to;
    at = found + from.size();
  }
  result.append(text, at, std::string::npos);
  return Value::text(std::move(result));
}

Value extreme(std::span<const Value> arguments, bool greatest) {
  const Value* best = nullptr;
  for (const Value& argument : arguments) {
    if (argument.is_null()) continue;
    if (!best || (greatest ? kernel::compare_values(argument, *best) > 0 : kernel::compare_values(argument, *best) < 0)) {
      best = &argument;
    }
  }
  return best ? *best : Value::null();
}

Result<Value> text_function(ScalarFunction function, std::span<const Value> arguments) {
  const std::string& text = arguments[0].as_string();
  switch (function) {
    case ScalarFunction::length:
      return Value::integer(static_cast<std::int64_t>(code_point_offsets(text).size() - 1));
    case ScalarFunction::lower: return Value::text(utf8_lower(text));
    case ScalarFunction::upper: return Value::text(utf8_upper(text));
    case ScalarFunction::substr:
      return substring(text, arguments[1].as_int(),
                       arguments.size() > 2 ? std::optional(arguments[2].as_int()) : std::nullopt);
    case ScalarFunction::trim:
    case ScalarFunction::ltrim:
    case ScalarFunction::rtrim: {
      const std::string_view characters = arguments.size() > 1 ? std::string_view(arguments[1].as_string()) : " ";
      return trim_text(text, characters, function != ScalarFunction::rtrim, function != ScalarFunction::ltrim);
    }
    case ScalarFunction::replace: return replace_all(text, arguments[1].as_string(), arguments[2].as_string());
    default: KMB_UNREACHABLE();
  }
}

}  // namespace

Result<Value> evaluate_scalar_function(ScalarFunction function, std::span<const Value> arguments) {
  switch (function) {
    case ScalarFunction::coalesce: KMB_UNREACHABLE();  // lazy; see the evaluator
    case ScalarFunction::nullif:
      if (arguments[0].is_null() || arguments[1].is_null()) return arguments[0];
      return kernel::compare_values(arguments[0], arguments[1]) == 0 ? Value::null() : arguments[0];
    case ScalarFunction::greatest:
    case ScalarFunction::least: return extreme(arguments, function == ScalarFunction::greatest);
    case ScalarFunction::concat: {
      std::string text;
      for (const Value& argument : arguments) {
        if (!argument.is_null()) text += kernel::to_display(argument);
      }
      return Value::text(std::move(text));
    }
    default: break;
  }
  if (any_null(arguments)) return Value::null();
  switch (function) {
    case ScalarFunction::abs: return absolute(arguments[0]);
    case ScalarFunction::round: return round_to(arguments[0], arguments.size() > 1 ? arguments[1].as_int() : 0, 0);
    case ScalarFunction::ceil: return round_to(arguments[0], 0, 1);
    case ScalarFunction::floor: return round_to(arguments[0], 0, -1);
    case ScalarFunction::mod: return evaluate_arithmetic(BinaryOperator::modulo, arguments[0], arguments[1]);
    case ScalarFunction::json_get:
    case ScalarFunction::json_get_text:
      return json_get(arguments[0].as_string(), arguments[1], function == ScalarFunction::json_get_text);
    default: break;
  }
  if (arguments[0].type() == Type::bytes && function == ScalarFunction::length) {
    return Value::integer(static_cast<std::int64_t>(arguments[0].as_bytes().size()));
  }
  return text_function(function, arguments);
}

}  // namespace kmb::sql
