// A GoogleTest fixture that runs SQL through the Engine over a StoreSession, with helpers that
// render results as text ("1|alice|NULL") for compact assertions.
//
// Thread-safety: test-only, one thread.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sql/engine.h"
#include "sql/testing/store_session.h"

namespace kmb::sql::testing {

class EngineFixture : public ::testing::Test {
 protected:
  explicit EngineFixture(EngineOptions options = {}) : engine_(options) {}

  // Runs a statement that must succeed.
  QueryResult run(std::string_view sql, std::vector<kernel::Value> parameters = {}) {
    Result<QueryResult> result = engine_.execute(session_, sql, parameters, audit_);
    EXPECT_TRUE(result.ok()) << sql << "\n  -> " << result.status().to_string();
    return result.ok() ? std::move(result).value() : QueryResult{};
  }

  // Runs several statements that must succeed.
  void run_all(const std::vector<std::string>& statements) {
    for (const std::string& statement : statements) run(statement);
  }

  // The rows of a query, each as "v1|v2|...".
  std::vector<std::string> rows(std::string_view sql, std::vector<kernel::Value> parameters = {}) {
    return render(run(sql, std::move(parameters)));
  }

  // One value (first row, first column).
  std::string value(std::string_view sql, std::vector<kernel::Value> parameters = {}) {
    std::vector<std::string> result = rows(sql, std::move(parameters));
    return result.empty() ? "<no rows>" : result[0];
  }

  // The error message of a statement that must fail.
  std::string error(std::string_view sql, std::vector<kernel::Value> parameters = {}) {
    Result<QueryResult> result = engine_.execute(session_, sql, parameters, audit_);
    EXPECT_FALSE(result.ok()) << sql << " unexpectedly succeeded";
    return result.ok() ? "" : result.status().message();
  }

  StatusCode error_code(std::string_view sql) {
    Result<QueryResult> result = engine_.execute(session_, sql, {}, audit_);
    return result.status().code();
  }

  // EXPLAIN output, one string per line.
  std::vector<std::string> plan(std::string_view sql) { return rows("EXPLAIN " + std::string(sql)); }

  // The first plan line that contains `needle`, or "" (for "which scan did it pick").
  std::string plan_line(std::string_view sql, std::string_view needle) {
    for (const std::string& line : plan(sql)) {
      if (line.find(needle) != std::string::npos) return line.substr(line.find_first_not_of(' '));
    }
    return "";
  }

  static std::vector<std::string> render(const QueryResult& result) {
    std::vector<std::string> lines;
    for (const kernel::Row& row : result.rows) {
      std::string line;
      for (std::size_t i = 0; i < row.size(); i++) {
        if (i > 0) line += "|";
        line += kernel::to_display(row[i]);
      }
      lines.push_back(std::move(line));
    }
    return lines;
  }

  StoreSession session_;
  Engine engine_;
  AuditContext audit_{"tester", "testing", 7};
};

using Rows = std::vector<std::string>;

}  // namespace kmb::sql::testing
