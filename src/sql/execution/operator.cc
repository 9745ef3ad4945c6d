#include "sql/execution/operator.h"

namespace kmb::sql {

namespace {

void explain_into(const Operator& op, std::size_t depth, std::vector<std::string>& lines) {
  lines.push_back(std::string(depth * 2, ' ') + op.describe());
  for (const Operator* child : op.children()) explain_into(*child, depth + 1, lines);
}

}  // namespace

std::vector<std::string> explain_lines(const Operator& root) {
  std::vector<std::string> lines;
  explain_into(root, 0, lines);
  return lines;
}

Status rows_limit_exceeded(std::uint64_t rows_max) {
  return resource_exhausted("query exceeds the limit of " + std::to_string(rows_max) + " rows");
}

}  // namespace kmb::sql
