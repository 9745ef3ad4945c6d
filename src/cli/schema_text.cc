#include "cli/schema_text.h"

#include <fmt/format.h>

#include <algorithm>

namespace kmb::cli {

namespace {

std::string lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

bool table_alive_at(const kernel::TableDef& table, kernel::Position position) {
  return table.created_at <= position && position < table.dropped_at;
}

std::string column_list(const kernel::TableDef& table, const std::vector<std::uint32_t>& columns) {
  std::string text;
  for (std::size_t i = 0; i < columns.size(); i++) {
    if (i > 0) text += ", ";
    text += columns[i] < table.columns.size() ? table.columns[columns[i]].name : std::string("?");
  }
  return text;
}

std::string column_type(const kernel::ColumnDef& column) {
  std::string type(kernel::type_name(column.type));
  if (column.type == kernel::Type::decimal) {
    type += fmt::format("({}, {})", column.decimal_precision, column.decimal_scale);
  }
  return type;
}

}  // namespace

std::vector<std::string> live_table_names(const kernel::Catalog& catalog, kernel::Position position) {
  std::vector<std::string> names;
  for (const kernel::TableDef& table : catalog.tables()) {
    if (table_alive_at(table, position)) names.push_back(table.name);
  }
  std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) { return lower(a) < lower(b); });
  return names;
}

std::string sql_literal(const kernel::Value& value) {
  using kernel::Type;
  switch (value.type()) {
    case Type::null:
      return "NULL";
    case Type::boolean:
      return value.as_bool() ? "TRUE" : "FALSE";
    case Type::smallint:
    case Type::integer:
    case Type::bigint:
    case Type::real:
    case Type::double_precision:
    case Type::decimal:
      return kernel::to_display(value);
    default:
      break;
  }
  std::string text = kernel::to_display(value);
  std::string quoted(1, '\'');
  for (char c : text) {
    if (c == '\'') quoted += '\'';
    quoted += c;
  }
  quoted += '\'';
  return quoted;
}

std::string describe_table(const kernel::TableDef& table, kernel::Position position) {
  std::vector<std::string> lines;
  for (const kernel::ColumnDef& column : table.columns) {
    if (!column.alive_at(position)) continue;
    std::string line = fmt::format("  {} {}", column.name, column_type(column));
    if (column.not_null) line += " NOT NULL";
    if (column.unique) line += " UNIQUE";
    if (column.default_value) line += " DEFAULT " + sql_literal(*column.default_value);
    lines.push_back(std::move(line));
  }
  if (!table.primary_key.empty())
    lines.push_back(fmt::format("  PRIMARY KEY ({})", column_list(table, table.primary_key)));
  std::string text = fmt::format("CREATE TABLE {} (\n", table.name);
  for (std::size_t i = 0; i < lines.size(); i++) text += lines[i] + (i + 1 < lines.size() ? ",\n" : "\n");
  text += ");\n";
  for (const kernel::IndexDef& index : table.indexes) {
    if (index.created_at > position || position >= index.dropped_at) continue;
    text += fmt::format("CREATE {}INDEX {} ON {} ({});\n", index.unique ? "UNIQUE " : "", index.name, table.name,
                        column_list(table, index.columns));
  }
  return text;
}

}  // namespace kmb::cli
