#include "cli/output.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "base/bytes.h"

namespace kmb::cli {

Result<OutputFormat> parse_output_format(const std::string& name) {
  if (name == "table") return OutputFormat::table;
  if (name == "csv") return OutputFormat::csv;
  if (name == "json") return OutputFormat::json;
  return invalid_argument("unknown output format '" + name + "' (use table, csv or json)");
}

namespace {

std::string csv_field(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

// Display width in terminal columns, counting UTF-8 code points rather than bytes.
std::size_t display_width(const std::string& value) {
  std::size_t width = 0;
  for (unsigned char c : value) {
    if ((c & 0xc0) != 0x80) width++;
  }
  return width;
}

void render_table(std::ostream& out, const Table& table) {
  std::vector<std::size_t> widths(table.columns.size());
  for (std::size_t c = 0; c < table.columns.size(); c++) widths[c] = display_width(table.columns[c]);
  for (const auto& row : table.rows) {
    for (std::size_t c = 0; c < row.size() && c < widths.size(); c++) {
      widths[c] = std::max(widths[c], display_width(row[c]));
    }
  }
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t c = 0; c < widths.size(); c++) {
      const std::string& cell = c < cells.size() ? cells[c] : std::string();
      out << (c == 0 ? "" : " | ") << cell;
      if (c + 1 < widths.size()) out << std::string(widths[c] - display_width(cell), ' ');
    }
    out << '\n';
  };
  line(table.columns);
  for (std::size_t c = 0; c < widths.size(); c++) {
    out << (c == 0 ? "" : "-+-") << std::string(widths[c], '-');
  }
  out << '\n';
  for (const auto& row : table.rows) line(row);
  out << "(" << table.rows.size() << (table.rows.size() == 1 ? " row)\n" : " rows)\n");
}

}  // namespace

void render(std::ostream& out, const Table& table, OutputFormat format) {
  switch (format) {
    case OutputFormat::table:
      render_table(out, table);
      return;
    case OutputFormat::csv:
      for (std::size_t c = 0; c < table.columns.size(); c++) out << (c ? "," : "") << csv_field(table.columns[c]);
      out << "\r\n";
      for (const auto& row : table.rows) {
        for (std::size_t c = 0; c < row.size(); c++) out << (c ? "," : "") << csv_field(row[c]);
        out << "\r\n";
      }
      return;
    case OutputFormat::json: {
      nlohmann::ordered_json array = nlohmann::ordered_json::array();
      for (const auto& row : table.rows) {
        nlohmann::ordered_json object;
        for (std::size_t c = 0; c < table.columns.size() && c < row.size(); c++) object[table.columns[c]] = row[c];
        array.push_back(std::move(object));
      }
      out << array.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
      return;
    }
  }
}

std::string display_bytes(const std::string& bytes) {
  std::size_t i = 0;
  bool printable = true;
  while (i < bytes.size() && printable) {
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    std::size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (length == 0 || i + length > bytes.size() || (length == 1 && (c < 0x20 || c == 0x7f))) {
      printable = false;
      break;
    }
    for (std::size_t k = 1; k < length; k++) {
      if ((static_cast<unsigned char>(bytes[i + k]) & 0xc0) != 0x80) printable = false;
    }
    i += length;
  }
  if (printable) return bytes;
  return "0x" + to_hex(as_bytes(bytes));
}

}  // namespace kmb::cli
