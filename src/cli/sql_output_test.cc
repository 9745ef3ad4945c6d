#include "cli/sql_output.h"

#include <gtest/gtest.h>

#include <sstream>

namespace kmb::cli {
namespace {

using kernel::Type;
using kernel::Value;

sql::QueryResult sample_rows() {
  sql::QueryResult result;
  result.columns = {"id", "name", "score", "ok"};
  result.types = {Type::bigint, Type::text, Type::double_precision, Type::boolean};
  result.rows = {{Value::integer(1), Value::text("Ada"), Value::floating(2.5), Value::boolean(true)},
                 {Value::integer(2), Value::null(), Value::null(), Value::boolean(false)}};
  result.tag = "SELECT 2";
  return result;
}

sql::QueryResult sample_write() {
  sql::QueryResult result;
  result.rows_affected = 2;
  result.position = 5;
  result.tag = "INSERT 2";
  return result;
}

std::string print(const sql::QueryResult& result, OutputFormat format, std::string* status = nullptr) {
  std::ostringstream out;
  std::ostringstream status_out;
  print_result(out, status_out, result, format);
  if (status != nullptr) *status = status_out.str();
  return out.str();
}

TEST(SqlOutput, Table) {
  EXPECT_EQ(print(sample_rows(), OutputFormat::table),
            "id | name | score | ok\n"
            "---+------+-------+------\n"
            "1  | Ada  | 2.5   | true\n"
            "2  | NULL | NULL  | false\n"
            "(2 rows)\n");
}

TEST(SqlOutput, CsvShowsNullAsEmpty) {
  EXPECT_EQ(print(sample_rows(), OutputFormat::csv), "id,name,score,ok\r\n1,Ada,2.5,true\r\n2,,,false\r\n");
}

TEST(SqlOutput, JsonKeepsTypes) {
  EXPECT_EQ(print(sample_rows(), OutputFormat::json),
            "[\n"
            "  {\n    \"id\": 1,\n    \"name\": \"Ada\",\n    \"score\": 2.5,\n    \"ok\": true\n  },\n"
            "  {\n    \"id\": 2,\n    \"name\": null,\n    \"score\": null,\n    \"ok\": false\n  }\n"
            "]\n");
}

TEST(SqlOutput, WritesShowTagAndPosition) {
  EXPECT_EQ(print(sample_write(), OutputFormat::table), "INSERT 2 (position 5)\n");
  std::string status;
  EXPECT_EQ(print(sample_write(), OutputFormat::csv, &status), "");
  EXPECT_EQ(status, "INSERT 2 (position 5)\n");
  EXPECT_EQ(print(sample_write(), OutputFormat::json),
            "{\n  \"tag\": \"INSERT 2\",\n  \"rows_affected\": 2,\n  \"position\": 5\n}\n");
  sql::QueryResult nothing;
  nothing.tag = "UPDATE 0";
  EXPECT_EQ(print(nothing, OutputFormat::table), "UPDATE 0\n");
}

}  // namespace
}  // namespace kmb::cli
