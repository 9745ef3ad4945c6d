#include "slt/script.h"

#include <gtest/gtest.h>

namespace kmb::slt {
namespace {

Script parse_ok(std::string_view text) {
  Result<Script> script = parse_script(text, "t.test");
  EXPECT_TRUE(script.ok()) << script.status().to_string();
  return script.ok() ? std::move(script).value() : Script{};
}

std::string parse_error(std::string_view text) {
  Result<Script> script = parse_script(text, "t.test");
  EXPECT_FALSE(script.ok());
  return script.ok() ? std::string() : script.status().message();
}

TEST(ScriptTest, ParsesStatementsAndQueries) {
  Script script = parse_ok(
      "# a comment\n"
      "hash-threshold 8\n"
      "\n"
      "statement ok\n"
      "CREATE TABLE t1(a INTEGER,\n"
      "  b TEXT)\n"
      "\n"
      "statement error duplicate (primary )?key\n"
      "INSERT INTO t1 VALUES (1, 'x')\n"
      "\n"
      "statement count 2\n"
      "UPDATE t1 SET b = 'y'\n"
      "\n"
      "query IT rowsort label-1\n"
      "SELECT a, b\n"
      "  FROM t1\n"
      "----\n"
      "1\n"
      "(empty)\n"
      "\n"
      "\n"
      "query I\n"
      "SELECT 1\n");
  ASSERT_EQ(script.records.size(), 6u);
  EXPECT_EQ(script.file, "t.test");

  EXPECT_EQ(script.records[0].kind, RecordKind::hash_threshold);
  EXPECT_EQ(script.records[0].hash_threshold, 8u);
  EXPECT_EQ(script.records[0].line, 2u);

  EXPECT_EQ(script.records[1].kind, RecordKind::statement_ok);
  EXPECT_EQ(script.records[1].line, 4u);
  EXPECT_EQ(script.records[1].sql, "CREATE TABLE t1(a INTEGER,\n  b TEXT)");

  EXPECT_EQ(script.records[2].kind, RecordKind::statement_error);
  EXPECT_EQ(script.records[2].error_pattern, "duplicate (primary )?key");

  EXPECT_EQ(script.records[3].kind, RecordKind::statement_count);
  EXPECT_EQ(script.records[3].expected_count, 2u);

  const Record& query = script.records[4];
  EXPECT_EQ(query.kind, RecordKind::query);
  EXPECT_EQ(query.line, 14u);
  EXPECT_EQ(query.types, "IT");
  EXPECT_EQ(query.sort, SortMode::rowsort);
  EXPECT_EQ(query.label, "label-1");
  EXPECT_EQ(query.sql, "SELECT a, b\n  FROM t1");
  EXPECT_TRUE(query.has_expected);
  EXPECT_EQ(query.expected_line, 18u);
  EXPECT_EQ(query.expected, (std::vector<std::string>{"1", "(empty)"}));
  EXPECT_FALSE(script.records[5].has_expected);
}

TEST(ScriptTest, QueryWithoutExpectedResultsAndDefaultSort) {
  Script script = parse_ok("query I\nSELECT 1\n");
  ASSERT_EQ(script.records.size(), 1u);
  EXPECT_EQ(script.records[0].sort, SortMode::none);
  EXPECT_FALSE(script.records[0].has_expected);
  EXPECT_TRUE(script.records[0].label.empty());
}

TEST(ScriptTest, QueryWithEmptyExpectedResult) {
  Script script = parse_ok("query I nosort\nSELECT 1 WHERE false\n----\n\nstatement ok\nSELECT 1\n");
  ASSERT_EQ(script.records.size(), 2u);
  EXPECT_TRUE(script.records[0].has_expected);
  EXPECT_TRUE(script.records[0].expected.empty());
}

TEST(ScriptTest, ConditionsWithTrailingComments) {
  Script script = parse_ok(
      "skipif mysql # empty RHS\n"
      "onlyif kimberlite\n"
      "statement ok\n"
      "SELECT 1\n"
      "\n"
      "skipif sqlite\n"
      "halt\n");
  ASSERT_EQ(script.records.size(), 2u);
  ASSERT_EQ(script.records[0].conditions.size(), 2u);
  EXPECT_TRUE(script.records[0].conditions[0].skip_if);
  EXPECT_EQ(script.records[0].conditions[0].engine, "mysql");
  EXPECT_FALSE(script.records[0].conditions[1].skip_if);
  EXPECT_EQ(script.records[0].line, 3u);
  EXPECT_TRUE(record_applies(script.records[0], "kimberlite"));
  EXPECT_FALSE(record_applies(script.records[0], "mysql"));
  EXPECT_EQ(script.records[1].kind, RecordKind::halt);
  EXPECT_TRUE(record_applies(script.records[1], "kimberlite"));
  EXPECT_FALSE(record_applies(script.records[1], "SQLite"));
}

TEST(ScriptTest, OnlyIfOtherEngineDoesNotApply) {
  Script script = parse_ok("onlyif sqlite\nquery I\nSELECT 1\n");
  EXPECT_FALSE(record_applies(script.records[0], "kimberlite"));
}

TEST(ScriptTest, CarriageReturnLineEndings) {
  Script script = parse_ok("statement ok\r\nSELECT 1\r\n\r\nquery T\r\nSELECT 'a'\r\n----\r\na\r\n");
  ASSERT_EQ(script.records.size(), 2u);
  EXPECT_EQ(script.records[0].sql, "SELECT 1");
  EXPECT_EQ(script.records[1].expected, std::vector<std::string>{"a"});
}

TEST(ScriptTest, ErrorMessageAfterDashes) {
  Script script = parse_ok("statement error\nSELECT nope\n----\nunknown column\n");
  ASSERT_EQ(script.records.size(), 1u);
  EXPECT_EQ(script.records[0].sql, "SELECT nope");
  EXPECT_EQ(script.records[0].error_pattern, "unknown column");
}

TEST(ScriptTest, ControlRecords) {
  Script script = parse_ok("control actor dr.smith\n\ncontrol reason annual check-up  \n");
  ASSERT_EQ(script.records.size(), 2u);
  EXPECT_EQ(script.records[0].kind, RecordKind::control);
  EXPECT_EQ(script.records[0].control_name, "actor");
  EXPECT_EQ(script.records[0].control_value, "dr.smith");
  EXPECT_EQ(script.records[1].control_value, "annual check-up");
}

TEST(ScriptTest, ConnectionRecords) {
  Script script = parse_ok("connection other\n\nstatement ok\nBEGIN\n\nconnection default\n");
  ASSERT_EQ(script.records.size(), 3u);
  EXPECT_EQ(script.records[0].kind, RecordKind::connection);
  EXPECT_EQ(script.records[0].control_value, "other");
  EXPECT_EQ(script.records[2].control_value, "default");
  EXPECT_FALSE(parse_script("connection\n", "f.test").ok());
  EXPECT_FALSE(parse_script("connection a b\n", "f.test").ok());
}

TEST(ScriptTest, ErrorsNameFileAndLine) {
  EXPECT_EQ(parse_error("statement ok\nSELECT 1\n\nselect 2\n"),
            "t.test:4: unknown record type 'select 2' (expected statement, query, hash-threshold, halt, skipif, "
            "onlyif, control or connection)");
  EXPECT_EQ(parse_error("\nquery IX\nSELECT 1\n"),
            "t.test:2: unknown column type 'X' in 'IX' (use I for integer, R for real, T for text)");
  EXPECT_EQ(parse_error("query I sideways\nSELECT 1\n"),
            "t.test:1: unknown sort mode 'sideways' (use nosort, rowsort or valuesort)");
  EXPECT_EQ(parse_error("statement ok\n\n"), "t.test:1: the record has no SQL");
  EXPECT_EQ(parse_error("query I\n----\n1\n"), "t.test:1: the record has no SQL");
  EXPECT_EQ(parse_error("statement maybe\nSELECT 1\n"),
            "t.test:1: unknown statement mode 'maybe' (expected ok, error or count)");
  EXPECT_EQ(parse_error("statement count x\nSELECT 1\n"), "t.test:1: expected 'statement count N'");
  EXPECT_EQ(parse_error("skipif mysql\n\nstatement ok\nSELECT 1\n"), "t.test:1: skipif must be followed by a record");
  EXPECT_EQ(parse_error("hash-threshold many\n"), "t.test:1: expected 'hash-threshold N'");
  EXPECT_EQ(parse_error("query\nSELECT 1\n"), "t.test:1: expected 'query TYPES [nosort|rowsort|valuesort] [LABEL]'");
  EXPECT_EQ(parse_error("control mood happy\n"), "t.test:1: expected 'control actor NAME' or 'control reason TEXT'");
}

TEST(ScriptTest, EmptyFileHasNoRecords) {
  EXPECT_TRUE(parse_ok("").records.empty());
  EXPECT_TRUE(parse_ok("# only a comment\n\n\n").records.empty());
}

}  // namespace
}  // namespace kmb::slt
