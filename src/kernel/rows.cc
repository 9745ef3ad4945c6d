#include "kernel/rows.h"

#include <cmath>
#include <limits>

namespace kmb::kernel {

namespace {

enum class Family { boolean, integer, floating, decimal, text, bytes, date, timestamp, uuid, json, other };

Family family_of(Type type) {
  switch (type) {
    case Type::boolean:
      return Family::boolean;
    case Type::smallint:
    case Type::integer:
    case Type::bigint:
      return Family::integer;
    case Type::real:
    case Type::double_precision:
      return Family::floating;
    case Type::decimal:
      return Family::decimal;
    case Type::text:
      return Family::text;
    case Type::bytes:
      return Family::bytes;
    case Type::date:
      return Family::date;
    case Type::timestamp:
      return Family::timestamp;
    case Type::uuid:
      return Family::uuid;
    case Type::json:
      return Family::json;
    case Type::null:
      return Family::other;
  }
  return Family::other;
}

bool integer_in_range(std::int64_t value, Type type) {
  switch (type) {
    case Type::smallint:
      return value >= std::numeric_limits<std::int16_t>::min() && value <= std::numeric_limits<std::int16_t>::max();
    case Type::integer:
      return value >= std::numeric_limits<std::int32_t>::min() && value <= std::numeric_limits<std::int32_t>::max();
    default:
      return true;
  }
}

// A double that is exactly an int64, or nullopt.
std::optional<std::int64_t> exact_integer(double value) {
  if (!std::isfinite(value) || std::floor(value) != value) return std::nullopt;
  if (value < -9.2233720368547758e18 || value >= 9.2233720368547758e18) return std::nullopt;
  return static_cast<std::int64_t>(value);
}

std::optional<std::int64_t> exact_integer(const Decimal& value) {
  __int128 mantissa = value.mantissa;
  for (std::uint8_t i = 0; i < value.scale; i++) {
    if (mantissa % 10 != 0) return std::nullopt;
    mantissa /= 10;
  }
  if (mantissa < std::numeric_limits<std::int64_t>::min() || mantissa > std::numeric_limits<std::int64_t>::max()) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(mantissa);
}

// Converts a numeric value to the family of `type` without changing its value, or nullopt.
std::optional<Value> coerce_numeric(const Value& value, Type type) {
  const Family from = family_of(value.type());
  const Family to = family_of(type);
  if (to == Family::integer) {
    std::optional<std::int64_t> integer;
    if (from == Family::integer) integer = value.as_int();
    if (from == Family::floating) integer = exact_integer(value.as_double());
    if (from == Family::decimal) integer = exact_integer(value.as_decimal());
    if (!integer.has_value() || !integer_in_range(*integer, type)) return std::nullopt;
    return Value::integer(*integer, type);
  }
  if (to == Family::floating && (from == Family::integer || from == Family::floating)) {
    return Value::floating(value.numeric_as_double(), type);
  }
  if (to == Family::decimal && from == Family::integer) return Value::decimal(Decimal{value.as_int(), 0});
  return std::nullopt;
}

}  // namespace

std::size_t live_column_count(const TableDef& table) {
  std::size_t count = 0;
  for (const ColumnDef& column : table.columns) count += column_live(column) ? 1 : 0;
  return count;
}

const IndexDef* find_index_by_id(const TableDef& table, std::uint32_t index_id) {
  for (const IndexDef& index : table.indexes) {
    if (index.id == index_id) return &index;
  }
  return nullptr;
}

Status check_value(const TableDef& table, const ColumnDef& column, Value& value) {
  if (value.is_null()) {
    if (!column.not_null) return Status();
    return invalid_argument("null value in column " + column.name + " of table " + table.name +
                            " violates not-null constraint");
  }
  if (family_of(value.type()) != family_of(column.type)) {
    return invalid_argument("column " + column.name + " of table " + table.name + " has type " +
                            std::string(type_name(column.type)) + " but the value " + to_display(value) + " has type " +
                            std::string(type_name(value.type())));
  }
  if (value.type() == column.type) {
    if (is_integer_type(column.type) && !integer_in_range(value.as_int(), column.type)) {
      return invalid_argument("value " + to_display(value) + " is out of range for column " + column.name +
                              " of table " + table.name + " of type " + std::string(type_name(column.type)));
    }
    return Status();
  }
  if (is_integer_type(column.type)) {
    if (!integer_in_range(value.as_int(), column.type)) {
      return invalid_argument("value " + to_display(value) + " is out of range for column " + column.name +
                              " of table " + table.name + " of type " + std::string(type_name(column.type)));
    }
    value = Value::integer(value.as_int(), column.type);
    return Status();
  }
  KMB_ASSERT(family_of(column.type) == Family::floating);
  value = Value::floating(value.as_double(), column.type);
  return Status();
}

Result<Row> widen_row(const TableDef& table, Row live_values) {
  const std::size_t live_count = live_column_count(table);
  if (live_values.size() != live_count) {
    return invalid_argument("table " + table.name + " has " + std::to_string(live_count) + " columns but the row has " +
                            std::to_string(live_values.size()) + " values");
  }
  Row row;
  row.reserve(table.columns.size());
  std::size_t next_live = 0;
  for (const ColumnDef& column : table.columns) {
    if (!column_live(column)) {
      row.emplace_back();
      continue;
    }
    Value& value = live_values[next_live++];
    KMB_TRY(check_value(table, column, value));
    row.push_back(std::move(value));
  }
  KMB_ASSERT(next_live == live_count);
  return row;
}

void pad_row(const TableDef& table, Row& row) {
  if (row.size() >= table.columns.size()) return;
  row.reserve(table.columns.size());
  for (std::size_t i = row.size(); i < table.columns.size(); i++) {
    const std::optional<Value>& default_value = table.columns[i].default_value;
    row.push_back(default_value.has_value() ? *default_value : Value());
  }
}

RowKey primary_key_of(const TableDef& table, const Row& row) {
  KMB_ASSERT(!table.has_implicit_key());
  RowKey key;
  key.reserve(table.primary_key.size());
  for (const std::uint32_t column : table.primary_key) {
    KMB_ASSERT(column < row.size());
    key.push_back(row[column]);
  }
  return key;
}

RowKey row_id_key(std::uint64_t row_id) {
  return RowKey{Value::integer(static_cast<std::int64_t>(row_id))};
}

Result<RowKey> check_key(const TableDef& table, RowKey key) {
  const std::size_t arity = table.has_implicit_key() ? 1 : table.primary_key.size();
  if (key.size() != arity) {
    return invalid_argument("key " + format_key(key) + " has " + std::to_string(key.size()) +
                            " values but the primary key of table " + table.name + " has " + std::to_string(arity));
  }
  if (table.has_implicit_key()) {
    if (!is_integer_type(key[0].type())) {
      return invalid_argument("row id of table " + table.name + " must be an integer, not " + to_display(key[0]));
    }
    key[0] = Value::integer(key[0].as_int());
    return key;
  }
  for (std::size_t i = 0; i < arity; i++) {
    const ColumnDef& column = table.columns[table.primary_key[i]];
    if (key[i].is_null()) return invalid_argument("key " + format_key(key) + " of table " + table.name + " has a NULL");
    KMB_TRY(check_value(table, column, key[i]));
  }
  return key;
}

std::optional<RowKey> coerce_key(const TableDef& table, const RowKey& key) {
  const std::size_t arity = table.has_implicit_key() ? 1 : table.primary_key.size();
  if (key.size() != arity) return std::nullopt;
  RowKey result;
  result.reserve(arity);
  for (std::size_t i = 0; i < arity; i++) {
    const Value& value = key[i];
    if (value.is_null()) return std::nullopt;
    const Type type = table.has_implicit_key() ? Type::bigint : table.columns[table.primary_key[i]].type;
    if (value.type() == type) {
      result.push_back(value);
      continue;
    }
    std::optional<Value> converted = coerce_numeric(value, type);
    if (!converted.has_value()) {
      if (family_of(value.type()) != family_of(type) || family_of(type) == Family::decimal) return std::nullopt;
      converted = value;  // same family, representation shared (e.g. TEXT)
    }
    result.push_back(std::move(*converted));
  }
  return result;
}

void append_key(const Value& value, std::string& out) {
  Bytes encoded;
  encode_key(value, encoded);
  out.append(reinterpret_cast<const char*>(encoded.data()), encoded.size());
}

std::string encode_key_string(const RowKey& key) {
  const Bytes encoded = encode_key(key);
  return std::string(reinterpret_cast<const char*>(encoded.data()), encoded.size());
}

std::string encode_index_key(const IndexDef& index, const Row& row) {
  Bytes encoded;
  encoded.reserve(index.columns.size() * 9);
  for (const std::uint32_t column : index.columns) {
    KMB_ASSERT(column < row.size());
    encode_key(row[column], encoded);
  }
  return std::string(reinterpret_cast<const char*>(encoded.data()), encoded.size());
}

bool index_key_has_null(const IndexDef& index, const Row& row) {
  for (const std::uint32_t column : index.columns) {
    KMB_ASSERT(column < row.size());
    if (row[column].is_null()) return true;
  }
  return false;
}

std::string format_key(const RowKey& key) {
  std::string text = "(";
  for (std::size_t i = 0; i < key.size(); i++) {
    if (i > 0) text += ", ";
    text += to_display(key[i]);
  }
  return text + ")";
}

std::string format_index_values(const IndexDef& index, const Row& row) {
  RowKey values;
  for (const std::uint32_t column : index.columns) values.push_back(row[column]);
  return format_key(values);
}

}  // namespace kmb::kernel
