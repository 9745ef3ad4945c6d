// Rendering of tabular results for the command line: aligned table, CSV (RFC 4180) or JSON
// (an array of objects). Every command that prints rows goes through here, so `--format` means
// the same thing everywhere.
//
// Thread-safety: pure functions.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "base/status.h"

namespace kmb::cli {

enum class OutputFormat { table, csv, json };

Result<OutputFormat> parse_output_format(const std::string& name);

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
};

void render(std::ostream& out, const Table& table, OutputFormat format);

// Shows bytes as text when they are printable UTF-8 without control characters, else as 0x-hex.
std::string display_bytes(const std::string& bytes);

}  // namespace kmb::cli
