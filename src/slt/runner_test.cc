#include "slt/runner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <stdexcept>

namespace kmb::slt {
namespace {

using kernel::Type;
using kernel::Value;
using ::testing::HasSubstr;

// Answers each SQL text with a scripted result; records the audit context of every call.
class FakeConnection final : public Connection {
 public:
  std::map<std::string, Result<sql::QueryResult>, std::less<>> answers;
  std::vector<sql::AuditContext> audits;

  Result<sql::QueryResult> execute(std::string_view sql, const sql::AuditContext& audit) override {
    audits.push_back(audit);
    if (sql == "THROW") throw std::runtime_error("boom");
    auto it = answers.find(sql);
    if (it == answers.end())
      return invalid_argument("syntax error at line 1, column 1: unexpected '" + std::string(sql) + "'");
    return it->second;
  }

  void add_rows(const std::string& sql, std::vector<std::string> columns, std::vector<kernel::Row> rows) {
    sql::QueryResult result;
    result.types.assign(columns.size(), Type::bigint);
    result.columns = std::move(columns);
    result.rows = std::move(rows);
    answers.emplace(sql, std::move(result));
  }
  void add_write(const std::string& sql, std::uint64_t rows_affected) {
    sql::QueryResult result;
    result.rows_affected = rows_affected;
    answers.emplace(sql, std::move(result));
  }
};

struct ScriptRun {
  FileSummary summary;
  std::string output;
};

ScriptRun run(std::string_view text, FakeConnection& connection, RunnerOptions options = {}, SkipList* skip = nullptr) {
  Result<Script> script = parse_script(text, "dir/t.test");
  EXPECT_TRUE(script.ok()) << script.status().to_string();
  std::ostringstream out;
  ScriptRun result;
  if (script.ok()) result.summary = run_script(*script, connection, options, skip, out);
  result.output = out.str();
  return result;
}

FakeConnection sample_connection() {
  FakeConnection connection;
  connection.add_write("CREATE TABLE t(a BIGINT, b TEXT)", 0);
  connection.add_write("INSERT INTO t VALUES (2, 'b'), (1, '')", 2);
  connection.add_rows("SELECT a, b FROM t", {"a", "b"},
                      {{Value::integer(2), Value::text("b")}, {Value::integer(1), Value::text("")}});
  connection.add_rows("SELECT a FROM t", {"a"}, {{Value::integer(2)}, {Value::integer(1)}});
  return connection;
}

TEST(RunnerTest, ConnectionRecordOnASingleConnectionRunnerFailsTheFile) {
  FakeConnection connection = sample_connection();
  ScriptRun result = run("connection other\n\nstatement ok\nCREATE TABLE t(a BIGINT, b TEXT)\n", connection);
  EXPECT_EQ(result.summary.failed, 1u);
  EXPECT_EQ(result.summary.passed, 0u);
  EXPECT_THAT(result.output, HasSubstr("dir/t.test:1: cannot switch connection"));
  EXPECT_TRUE(connection.audits.empty());
}

TEST(RunnerTest, PassingRecords) {
  FakeConnection connection = sample_connection();
  ScriptRun result =
      run("statement ok\nCREATE TABLE t(a BIGINT, b TEXT)\n\n"
          "statement count 2\nINSERT INTO t VALUES (2, 'b'), (1, '')\n\n"
          "statement error syntax error\nSELEKT 1\n\n"
          "statement error ^invalid argument: syntax.*column [0-9]+\nSELEKT 2\n\n"
          "query IT nosort\nSELECT a, b FROM t\n----\n2\nb\n1\n(empty)\n\n"
          "query IT rowsort\nSELECT a, b FROM t\n----\n1\n(empty)\n2\nb\n\n"
          "query IT rowsort\nSELECT a, b FROM t\n----\n1 (empty)\n2 b\n\n"
          "query I valuesort\nSELECT a FROM t\n----\n2 values hashing to 6ddb4095eb719e2a9f0a3f95677d24e0\n\n"
          "query I\nSELECT a FROM t\n",
          connection);
  EXPECT_EQ(result.summary.failed, 0u) << result.output;
  EXPECT_EQ(result.summary.passed, 9u);
  EXPECT_EQ(result.summary.skipped, 0u);
  EXPECT_EQ(result.output, "");
}

TEST(RunnerTest, WrongValueReportsFileLineAndFirstDifferingRow) {
  FakeConnection connection = sample_connection();
  ScriptRun result = run("\nquery IT nosort\nSELECT a, b FROM t\n----\n2\nb\n1\nx\n", connection);
  EXPECT_EQ(result.summary.failed, 1u);
  EXPECT_EQ(result.summary.passed, 0u);
  EXPECT_THAT(result.output, HasSubstr("dir/t.test:2: query result mismatch\n    SELECT a, b FROM t\n"));
  EXPECT_THAT(result.output, HasSubstr("first difference at row 2, column 2:"));
  EXPECT_THAT(result.output, HasSubstr("expected row: 1 x"));
  EXPECT_THAT(result.output, HasSubstr("actual row:   1 (empty)"));
}

TEST(RunnerTest, WrongRowCount) {
  FakeConnection connection = sample_connection();
  ScriptRun result = run("query I nosort\nSELECT a FROM t\n----\n2\n", connection);
  EXPECT_EQ(result.summary.failed, 1u);
  EXPECT_THAT(result.output, HasSubstr("expected 1 values, got 2"));
  EXPECT_THAT(result.output, HasSubstr("expected row: (none)"));
}

TEST(RunnerTest, RowPerLineMismatch) {
  FakeConnection connection = sample_connection();
  ScriptRun result = run("query IT rowsort\nSELECT a, b FROM t\n----\n1 (empty)\n2 c\n", connection);
  EXPECT_EQ(result.summary.failed, 1u);
  EXPECT_THAT(result.output, HasSubstr("first difference at row 2:\n    expected row: 2 c\n    actual row:   2 b"));
}

TEST(RunnerTest, HashMismatch) {
  FakeConnection connection = sample_connection();
  ScriptRun result =
      run("query I nosort\nSELECT a FROM t\n----\n2 values hashing to 00000000000000000000000000000000\n", connection);
  EXPECT_EQ(result.summary.failed, 1u);
  EXPECT_THAT(result.output, HasSubstr("query result hash mismatch"));
  EXPECT_THAT(result.output, HasSubstr("actual:   2 values hashing to"));
}

TEST(RunnerTest, ColumnCountMismatchIsAFailure) {
  FakeConnection connection = sample_connection();
  ScriptRun result = run("query I nosort\nSELECT a, b FROM t\n----\n2\n", connection);
  EXPECT_EQ(result.summary.failed, 1u);
  EXPECT_THAT(result.output, HasSubstr("dir/t.test:1: query returned 2 columns, but 'I' names 1"));
}

TEST(RunnerTest, UnexpectedErrorsAndSuccessesAreFailures) {
  FakeConnection connection = sample_connection();
  ScriptRun result =
      run("statement ok\nSELEKT 1\n\n"
          "statement error\nSELECT a FROM t\n\n"
          "statement error no such table\nSELEKT 3\n\n"
          "statement count 3\nINSERT INTO t VALUES (2, 'b'), (1, '')\n\n"
          "query I\nSELEKT 4\n\n"
          "statement ok\nTHROW\n\n"
          "statement ok\nCREATE TABLE t(a BIGINT, b TEXT)\n",
          connection);
  EXPECT_EQ(result.summary.failed, 6u) << result.output;
  EXPECT_EQ(result.summary.passed, 1u);
  EXPECT_THAT(result.output, HasSubstr("dir/t.test:1: statement failed: invalid argument: syntax error"));
  EXPECT_THAT(result.output, HasSubstr("dir/t.test:4: statement succeeded, but an error was expected\n"));
  EXPECT_THAT(result.output, HasSubstr("dir/t.test:7: error message does not match"));
  EXPECT_THAT(result.output, HasSubstr("expected: no such table"));
  EXPECT_THAT(result.output, HasSubstr("dir/t.test:10: statement affected 2 rows, expected 3"));
  EXPECT_THAT(result.output, HasSubstr("dir/t.test:13: query failed: invalid argument"));
  EXPECT_THAT(result.output,
              HasSubstr("dir/t.test:16: statement failed: internal error: the engine threw an exception: boom"));
}

TEST(RunnerTest, StopOnFailure) {
  FakeConnection connection = sample_connection();
  RunnerOptions options;
  options.stop_on_failure = true;
  ScriptRun result = run("statement ok\nSELEKT 1\n\nstatement ok\nSELEKT 2\n", connection, options);
  EXPECT_EQ(result.summary.failed, 1u);
  EXPECT_TRUE(result.summary.stopped);
  EXPECT_EQ(connection.audits.size(), 1u);
}

TEST(RunnerTest, SkipIfOnlyIfAndHalt) {
  FakeConnection connection = sample_connection();
  ScriptRun result =
      run("skipif kimberlite\nstatement ok\nSELEKT 1\n\n"
          "onlyif sqlite\nquery I\nSELEKT 2\n\n"
          "onlyif kimberlite\nstatement ok\nCREATE TABLE t(a BIGINT, b TEXT)\n\n"
          "onlyif sqlite\nhalt\n\n"
          "statement ok\nCREATE TABLE t(a BIGINT, b TEXT)\n\n"
          "halt\n\n"
          "statement ok\nSELEKT 3\n",
          connection);
  EXPECT_EQ(result.summary.passed, 2u);
  EXPECT_EQ(result.summary.failed, 0u);
  EXPECT_EQ(result.summary.skipped, 2u);
  EXPECT_TRUE(result.summary.halted);
}

TEST(RunnerTest, VerboseReportsEveryRecord) {
  FakeConnection connection = sample_connection();
  RunnerOptions options;
  options.verbose = true;
  ScriptRun result =
      run("skipif kimberlite\nstatement ok\nSELEKT 1\n\nstatement ok\nCREATE TABLE t(a BIGINT, b TEXT)\n", connection,
          options);
  EXPECT_EQ(result.output, "dir/t.test:2: skipped (skipif/onlyif)\ndir/t.test:5: ok\n");
}

TEST(RunnerTest, LabelsMustAgree) {
  FakeConnection connection = sample_connection();
  connection.add_rows("SELECT 2", {"x"}, {{Value::integer(2)}});
  ScriptRun result =
      run("query I nosort same\nSELECT a FROM t\n\n"
          "query I valuesort same\nSELECT a FROM t\n\n"
          "query I nosort same\nSELECT 2\n",
          connection);
  EXPECT_EQ(result.summary.passed, 1u);
  EXPECT_EQ(result.summary.failed, 2u);
  EXPECT_THAT(result.output,
              HasSubstr("dir/t.test:4: result differs from the query with the same label 'same' at line 1"));
}

TEST(RunnerTest, ControlSetsAuditContext) {
  FakeConnection connection = sample_connection();
  RunnerOptions options;
  options.actor = "tester";
  ScriptRun result =
      run("statement ok\nCREATE TABLE t(a BIGINT, b TEXT)\n\n"
          "control actor dr.smith\n\ncontrol reason annual check-up\n\n"
          "statement ok\nCREATE TABLE t(a BIGINT, b TEXT)\n",
          connection, options);
  ASSERT_EQ(connection.audits.size(), 2u);
  EXPECT_EQ(connection.audits[0].actor, "tester");
  EXPECT_EQ(connection.audits[0].reason, "");
  EXPECT_EQ(connection.audits[1].actor, "dr.smith");
  EXPECT_EQ(connection.audits[1].reason, "annual check-up");
}

TEST(SkipListTest, ParsesAndMatchesBySuffix) {
  Result<SkipList> list = SkipList::parse("# why\n\nt.test:4 not supported yet\n  other/t.test:1  x \n", "skip.txt");
  ASSERT_TRUE(list.ok()) << list.status().to_string();
  EXPECT_EQ(list->size(), 2u);
  EXPECT_EQ(list->match("dir/t.test", 1), nullptr);
  EXPECT_EQ(list->match("dir/xt.test", 4), nullptr);
  const SkipList::Entry* entry = list->match("dir/t.test", 4);
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->reason, "not supported yet");
  std::vector<const SkipList::Entry*> unused = list->unused({"other/t.test"});
  ASSERT_EQ(unused.size(), 1u);
  EXPECT_EQ(unused[0]->file, "other/t.test");
  EXPECT_TRUE(list->unused({"dir/t.test"}).empty());
}

TEST(SkipListTest, RunnerSkipsListedRecords) {
  FakeConnection connection = sample_connection();
  Result<SkipList> list = SkipList::parse("t.test:1 deliberately unsupported\n", "skip.txt");
  ASSERT_TRUE(list.ok());
  ScriptRun result =
      run("statement ok\nSELEKT 1\n\nstatement ok\nCREATE TABLE t(a BIGINT, b TEXT)\n", connection, {}, &*list);
  EXPECT_EQ(result.summary.skipped, 1u);
  EXPECT_EQ(result.summary.passed, 1u);
  EXPECT_EQ(result.summary.failed, 0u);
}

TEST(SkipListTest, MalformedEntries) {
  EXPECT_EQ(SkipList::parse("t.test 4 reason\n", "skip.txt").status().message(),
            "skip.txt:1: expected 'FILE:LINE reason', got 't.test 4 reason'");
  EXPECT_EQ(SkipList::parse("\nt.test:4\n", "skip.txt").status().message(),
            "skip.txt:2: expected 'FILE:LINE reason', got 't.test:4'");
  EXPECT_FALSE(SkipList::parse("t.test:0 zero\n", "skip.txt").ok());
}

}  // namespace
}  // namespace kmb::slt
