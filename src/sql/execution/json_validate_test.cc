#include "sql/execution/json_validate.h"

#include <gtest/gtest.h>

#include <string>

#include "sql/execution/json_path.h"

namespace kmb::sql {
namespace {

std::string check(std::string_view text) {
  const Status status = validate_json(text);
  return status.ok() ? "ok" : status.message();
}

TEST(JsonValidateTest, AcceptsWellFormedDocuments) {
  for (const char* text :
       {"null", "true", "false", "0", "-0", "12.5e-3", "1E+2", "\"\"", "\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\"",
        " [ ] ", "{}", "[1, [2, {\"a\": {}}]]", "{\"a\": 1, \"a\": 2}", "\"é😀\"", "\t\r\n{ \"k\" : [ ] }\n"}) {
    EXPECT_EQ(check(text), "ok") << text;
  }
}

TEST(JsonValidateTest, RejectsMalformedDocumentsWithTheOffset) {
  EXPECT_EQ(check("{bad"),
            "invalid input syntax for type JSON: expected a string (an object key) but found 'b' at byte 1");
  EXPECT_EQ(check(""),
            "invalid input syntax for type JSON: expected a JSON value but found the end of the text at byte 0");
  EXPECT_EQ(check("[1,]"), "invalid input syntax for type JSON: expected a JSON value but found ']' at byte 3");
  EXPECT_EQ(check("01"),
            "invalid input syntax for type JSON: expected the end of the document but found '1' at byte 1");
  EXPECT_EQ(check("-"), "invalid input syntax for type JSON: expected a digit but found the end of the text at byte 1");
  EXPECT_EQ(
      check("1e"),
      "invalid input syntax for type JSON: expected a digit of the exponent but found the end of the text at byte 2");
  EXPECT_EQ(check("nul"), "invalid input syntax for type JSON: expected a JSON value but found 'n' at byte 0");
  EXPECT_EQ(check("\"a\nb\""),
            "invalid input syntax for type JSON: expected an escape (\\n, \\t, \\u00XX, ...) for the control "
            "character but found byte 0x0a at byte 2");
  EXPECT_EQ(
      check("\"abc"),
      "invalid input syntax for type JSON: expected '\"' to end the string but found the end of the text at byte 4");
  EXPECT_EQ(check("{\"a\" 1}"), "invalid input syntax for type JSON: expected ':' but found '1' at byte 5");
  EXPECT_EQ(check("[1 2]"), "invalid input syntax for type JSON: expected ',' or ']' but found '2' at byte 3");
  EXPECT_EQ(check("NaN"), "invalid input syntax for type JSON: expected a JSON value but found 'N' at byte 0");
  EXPECT_EQ(check("\xC3\xA9"),
            "invalid input syntax for type JSON: expected a JSON value but found byte 0xc3 at byte 0");
}

TEST(JsonValidateTest, BoundsTheNesting) {
  const std::string deepest = std::string(json_depth_max + 1, '[') + std::string(json_depth_max + 1, ']');
  EXPECT_EQ(check(deepest), "ok");
  const std::string too_deep = std::string(json_depth_max + 2, '[') + std::string(json_depth_max + 2, ']');
  EXPECT_EQ(validate_json(too_deep).code(), StatusCode::resource_exhausted);
}

}  // namespace
}  // namespace kmb::sql
