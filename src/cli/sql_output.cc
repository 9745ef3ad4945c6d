#include "cli/sql_output.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace kmb::cli {

namespace {

nlohmann::ordered_json json_value(const kernel::Value& value) {
  using kernel::Type;
  switch (value.type()) {
    case Type::null:
      return nullptr;
    case Type::boolean:
      return value.as_bool();
    case Type::smallint:
    case Type::integer:
    case Type::bigint:
      return value.as_int();
    case Type::real:
    case Type::double_precision: {
      // JSON has no NaN or infinities; those stay text.
      if (!std::isfinite(value.as_double())) return kernel::to_display(value);
      return value.as_double();
    }
    default:
      return kernel::to_display(value);
  }
}

void print_json_rows(std::ostream& out, const sql::QueryResult& result) {
  nlohmann::ordered_json array = nlohmann::ordered_json::array();
  for (const kernel::Row& row : result.rows) {
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    for (std::size_t c = 0; c < result.columns.size() && c < row.size(); c++) {
      object[result.columns[c]] = json_value(row[c]);
    }
    array.push_back(std::move(object));
  }
  out << array.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
}

}  // namespace

Table result_table(const sql::QueryResult& result, const std::string& null_text) {
  Table table;
  table.columns = result.columns;
  table.rows.reserve(result.rows.size());
  for (const kernel::Row& row : result.rows) {
    std::vector<std::string> cells;
    cells.reserve(row.size());
    for (const kernel::Value& value : row) cells.push_back(value.is_null() ? null_text : kernel::to_display(value));
    table.rows.push_back(std::move(cells));
  }
  return table;
}

std::string write_summary(const sql::QueryResult& result) {
  std::string tag = result.tag.empty() ? std::string("OK") : result.tag;
  if (result.position) tag += " (position " + std::to_string(*result.position) + ")";
  return tag;
}

bool has_rows(const sql::QueryResult& result) {
  return !result.columns.empty();
}

void print_result(std::ostream& out, std::ostream& status_out, const sql::QueryResult& result, OutputFormat format) {
  if (has_rows(result)) {
    switch (format) {
      case OutputFormat::table: {
        // A cell that spans lines would break the table's alignment: one line per row.
        Table table = result_table(result);
        for (auto& row : table.rows) {
          for (std::string& cell : row) {
            for (char& c : cell) {
              if (c == '\n' || c == '\r' || c == '\t') c = ' ';
            }
          }
        }
        render(out, table, format);
        return;
      }
      case OutputFormat::csv:
        render(out, result_table(result, ""), format);
        return;
      case OutputFormat::json:
        print_json_rows(out, result);
        return;
    }
    return;
  }
  switch (format) {
    case OutputFormat::table:
      out << write_summary(result) << '\n';
      return;
    case OutputFormat::csv:
      status_out << write_summary(result) << '\n';
      return;
    case OutputFormat::json: {
      nlohmann::ordered_json object;
      object["tag"] = result.tag;
      object["rows_affected"] = result.rows_affected;
      object["position"] = result.position ? nlohmann::ordered_json(*result.position) : nlohmann::ordered_json(nullptr);
      out << object.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
      return;
    }
  }
}

}  // namespace kmb::cli
