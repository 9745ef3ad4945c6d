#include "slt/result_format.h"

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>

#include "base/assert.h"
#include "base/bytes.h"

namespace kmb::slt {

namespace {

std::string int128_to_string(__int128 value) {
  if (value == 0) return "0";
  const bool negative = value < 0;
  std::string digits;
  while (value != 0) {
    int digit = static_cast<int>(value % 10);
    digits += static_cast<char>('0' + (negative ? -digit : digit));
    value /= 10;
  }
  if (negative) digits += '-';
  std::reverse(digits.begin(), digits.end());
  return digits;
}

// A double truncated toward zero and saturated to int64, as SQLite's sqlite3_column_int64 does.
std::int64_t truncate_double(double value) {
  if (std::isnan(value)) return 0;
  if (value >= 9223372036854775807.0) return std::numeric_limits<std::int64_t>::max();
  if (value <= -9223372036854775808.0) return std::numeric_limits<std::int64_t>::min();
  return static_cast<std::int64_t>(value);
}

// The number a text starts with (after leading blanks), as SQLite converts text to a number.
double leading_number(std::string_view text) {
  std::size_t start = text.find_first_not_of(" \t\n\r");
  if (start == std::string_view::npos) return 0;
  text.remove_prefix(start);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc()) return 0;
  return value;
}

std::string format_integer(const kernel::Value& value) {
  using kernel::Type;
  switch (value.type()) {
    case Type::boolean:
      return value.as_bool() ? "1" : "0";
    case Type::smallint:
    case Type::integer:
    case Type::bigint:
      return std::to_string(value.as_int());
    case Type::real:
    case Type::double_precision:
      return std::to_string(truncate_double(value.as_double()));
    case Type::decimal: {
      const kernel::Decimal& decimal = value.as_decimal();
      __int128 whole = decimal.mantissa;
      for (unsigned i = 0; i < decimal.scale; i++) whole /= 10;
      return int128_to_string(whole);
    }
    case Type::text:
    case Type::json: {
      // Integers exactly when the text is one; otherwise through double, truncated.
      std::string_view text = value.as_string();
      std::int64_t integer = 0;
      auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), integer);
      if (error == std::errc() && end == text.data() + text.size()) return std::to_string(integer);
      return std::to_string(truncate_double(leading_number(text)));
    }
    default:
      return kernel::to_display(value);
  }
}

double value_as_real(const kernel::Value& value) {
  using kernel::Type;
  switch (value.type()) {
    case Type::boolean:
      return value.as_bool() ? 1.0 : 0.0;
    case Type::smallint:
    case Type::integer:
    case Type::bigint:
      return static_cast<double>(value.as_int());
    case Type::real:
    case Type::double_precision:
      return value.as_double();
    case Type::decimal:
      return kernel::decimal_to_double(value.as_decimal());
    case Type::text:
    case Type::json:
      return leading_number(value.as_string());
    default:
      return 0;
  }
}

std::string format_real(const kernel::Value& value) {
  using kernel::Type;
  if (!kernel::is_numeric_type(value.type()) && value.type() != Type::boolean && value.type() != Type::text &&
      value.type() != Type::json) {
    return kernel::to_display(value);
  }
  char buffer[512];
  int length = std::snprintf(buffer, sizeof(buffer), "%.3f", value_as_real(value));
  KMB_ASSERT(length > 0);
  return std::string(buffer, std::min(static_cast<std::size_t>(length), sizeof(buffer) - 1));
}

std::string format_text(const kernel::Value& value) {
  std::string text = kernel::to_display(value);
  if (text.empty()) return "(empty)";
  for (char& c : text) {
    if (c < ' ' || c > '~') c = '@';
  }
  return text;
}

}  // namespace

std::string format_value(const kernel::Value& value, char type) {
  if (value.is_null()) return "NULL";
  switch (type) {
    case 'I':
      return format_integer(value);
    case 'R':
      return format_real(value);
    case 'T':
      return format_text(value);
  }
  KMB_UNREACHABLE();
}

std::vector<std::string> format_rows(const std::vector<kernel::Row>& rows, std::string_view types) {
  std::vector<std::string> values;
  values.reserve(rows.size() * types.size());
  for (const kernel::Row& row : rows) {
    KMB_ASSERT(row.size() == types.size());
    for (std::size_t c = 0; c < row.size(); c++) values.push_back(format_value(row[c], types[c]));
  }
  return values;
}

void sort_values(std::vector<std::string>& values, std::size_t columns, SortMode mode) {
  KMB_ASSERT(columns > 0);
  KMB_ASSERT(values.size() % columns == 0);
  if (mode == SortMode::valuesort) {
    std::sort(values.begin(), values.end());
    return;
  }
  if (mode != SortMode::rowsort) return;
  std::vector<std::vector<std::string>> rows;
  rows.reserve(values.size() / columns);
  for (std::size_t i = 0; i < values.size(); i += columns) {
    rows.emplace_back(std::make_move_iterator(values.begin() + static_cast<std::ptrdiff_t>(i)),
                      std::make_move_iterator(values.begin() + static_cast<std::ptrdiff_t>(i + columns)));
  }
  std::sort(rows.begin(), rows.end());
  values.clear();
  for (auto& row : rows) {
    for (auto& value : row) values.push_back(std::move(value));
  }
}

std::string md5_of_values(const std::vector<std::string>& values) {
  struct ContextFree {
    void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
  };
  std::unique_ptr<EVP_MD_CTX, ContextFree> context(EVP_MD_CTX_new());
  KMB_ASSERT(context != nullptr);
  int ok = EVP_DigestInit_ex(context.get(), EVP_md5(), nullptr);
  KMB_ASSERT(ok == 1);
  for (const std::string& value : values) {
    ok = EVP_DigestUpdate(context.get(), value.data(), value.size());
    KMB_ASSERT(ok == 1);
    ok = EVP_DigestUpdate(context.get(), "\n", 1);
    KMB_ASSERT(ok == 1);
  }
  std::uint8_t digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  ok = EVP_DigestFinal_ex(context.get(), digest, &length);
  KMB_ASSERT(ok == 1);
  KMB_ASSERT(length == 16);
  return to_hex(ByteSpan(digest, length));
}

std::string hash_summary(const std::vector<std::string>& values) {
  return std::to_string(values.size()) + " values hashing to " + md5_of_values(values);
}

bool is_hash_summary(std::string_view line) {
  constexpr std::string_view middle = " values hashing to ";
  std::size_t digits = 0;
  while (digits < line.size() && line[digits] >= '0' && line[digits] <= '9') digits++;
  if (digits == 0 || line.substr(digits, middle.size()) != middle) return false;
  std::string_view hash = line.substr(digits + middle.size());
  return hash.size() == 32 &&
         std::all_of(hash.begin(), hash.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace kmb::slt
