#include "cli/output.h"

#include <gtest/gtest.h>

#include <sstream>

namespace kmb::cli {
namespace {

Table sample() {
  Table table;
  table.columns = {"id", "name"};
  table.rows = {{"1", "Ada"}, {"22", "Grace, \"Amazing\""}};
  return table;
}

TEST(Output, AlignedTable) {
  std::ostringstream out;
  render(out, sample(), OutputFormat::table);
  EXPECT_EQ(out.str(),
            "id | name\n"
            "---+-----------------\n"
            "1  | Ada\n"
            "22 | Grace, \"Amazing\"\n"
            "(2 rows)\n");
}

TEST(Output, CsvQuotesPerRfc4180) {
  std::ostringstream out;
  render(out, sample(), OutputFormat::csv);
  EXPECT_EQ(out.str(), "id,name\r\n1,Ada\r\n22,\"Grace, \"\"Amazing\"\"\"\r\n");
}

TEST(Output, JsonArrayOfObjects) {
  std::ostringstream out;
  render(out, sample(), OutputFormat::json);
  EXPECT_NE(out.str().find("\"name\": \"Grace, \\\"Amazing\\\"\""), std::string::npos);
}

TEST(Output, FormatNames) {
  EXPECT_TRUE(parse_output_format("csv").ok());
  EXPECT_EQ(parse_output_format("xml").status().code(), StatusCode::invalid_argument);
}

TEST(Output, DisplayBytes) {
  EXPECT_EQ(display_bytes("héllo"), "héllo");
  EXPECT_EQ(display_bytes(std::string("\x01\xff", 2)), "0x01ff");
}

}  // namespace
}  // namespace kmb::cli
