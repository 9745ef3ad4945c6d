#include "cli/repl.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>
#include <sstream>

#include "io/memory_storage.h"

namespace kmb::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// An interactive reader fed from a list; records the prompts it was shown.
class ScriptedReader final : public LineReader {
 public:
  explicit ScriptedReader(std::deque<InputLine> lines) : lines_(std::move(lines)) {}
  InputLine read_line(std::string_view prompt) override {
    prompts.emplace_back(prompt);
    if (lines_.empty()) return InputLine{InputLine::Kind::end, {}};
    InputLine line = std::move(lines_.front());
    lines_.pop_front();
    return line;
  }
  void add_history(std::string_view entry) override { history.emplace_back(entry); }
  bool interactive() const override { return true; }

  std::vector<std::string> prompts;
  std::vector<std::string> history;

 private:
  std::deque<InputLine> lines_;
};

InputLine line(std::string text) {
  return InputLine{InputLine::Kind::line, std::move(text)};
}

class ReplTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<db::Database>> database = db::Database::open(storage_, clock_, "/data");
    ASSERT_TRUE(database.ok()) << database.status().to_string();
    database_ = std::move(database).value();
    Result<db::Tenant*> tenant = database_->tenant(1);
    ASSERT_TRUE(tenant.ok()) << tenant.status().to_string();
    tenant_ = *tenant;
  }

  // Runs `input` through a non-interactive REPL; returns the number of failures.
  std::uint64_t run_piped(const std::string& input, ReplOptions options = {}) {
    std::istringstream in(input);
    StreamLineReader reader(in);
    Repl repl(*tenant_, reader, out_, err_, clock_, std::move(options));
    return repl.run();
  }

  io::MemoryStorage storage_{42};
  io::ManualClock clock_;
  std::unique_ptr<db::Database> database_;
  db::Tenant* tenant_ = nullptr;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(ReplTest, RunsMultiLineStatementsAndPrintsResults) {
  EXPECT_EQ(run_piped("CREATE TABLE t (\n  id BIGINT PRIMARY KEY,\n  name TEXT\n);\n"
                      "INSERT INTO t VALUES (1, 'Ada'),\n (2, 'Grace');\n"
                      "SELECT name FROM t\n ORDER BY id;\n"),
            0u)
      << err_.str();
  EXPECT_EQ(out_.str(),
            "CREATE TABLE (position 0)\n"
            "INSERT 2 (position 1)\n"
            "name\n-----\nAda\nGrace\n(2 rows)\n");
  EXPECT_EQ(err_.str(), "");
}

TEST_F(ReplTest, SeveralStatementsOnOneLine) {
  EXPECT_EQ(run_piped("CREATE TABLE t (id BIGINT PRIMARY KEY); INSERT INTO t VALUES (7); SELECT id FROM t;\n"), 0u)
      << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("INSERT 1 (position 1)\n"));
  EXPECT_THAT(out_.str(), HasSubstr("7\n(1 row)\n"));
}

TEST_F(ReplTest, AnErrorDoesNotStopTheInput) {
  EXPECT_EQ(run_piped("CREATE TABLE t (id BIGINT PRIMARY KEY);\n"
                      "SELEC 1;\n"
                      "INSERT INTO t VALUES (1);\n"
                      "INSERT INTO t VALUES (1);\n"
                      "SELECT count(*) FROM t;\n"),
            2u);
  EXPECT_THAT(err_.str(), HasSubstr("kimberlite: line 2: invalid argument: syntax error"));
  EXPECT_THAT(err_.str(), HasSubstr("kimberlite: line 4: "));
  EXPECT_THAT(out_.str(), HasSubstr("1\n(1 row)\n"));
}

TEST_F(ReplTest, LastStatementWithoutSemicolonStillRuns) {
  EXPECT_EQ(run_piped("SELECT 40 + 2"), 0u) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("42\n(1 row)\n"));
}

TEST_F(ReplTest, DotCommands) {
  EXPECT_EQ(run_piped("CREATE TABLE zebras (id BIGINT PRIMARY KEY, name TEXT NOT NULL);\n"
                      "CREATE TABLE apes (id BIGINT PRIMARY KEY);\n"
                      "CREATE INDEX zebras_by_name ON zebras (name);\n"
                      ".tables\n"
                      ".schema zebras\n"
                      ".schema nothing\n"
                      ".format csv\n"
                      "SELECT 1 AS one;\n"
                      ".timer on\n"
                      "SELECT 2 AS two;\n"
                      ".bogus\n"
                      ".help\n"
                      ".exit\n"
                      "SELECT 3 AS three;\n"),
            2u);
  const std::string out = out_.str();
  EXPECT_THAT(out, HasSubstr("apes\nzebras\n"));
  EXPECT_THAT(out, HasSubstr("CREATE TABLE zebras (\n  id BIGINT NOT NULL,\n  name TEXT NOT NULL,\n"
                             "  PRIMARY KEY (id)\n);\nCREATE INDEX zebras_by_name ON zebras (name);\n"));
  EXPECT_THAT(out, HasSubstr("one\r\n1\r\n"));
  EXPECT_THAT(out, HasSubstr("two\r\n2\r\nTime: 0.000 ms\n"));
  EXPECT_THAT(out, HasSubstr(".timer on|off"));
  EXPECT_THAT(out, Not(HasSubstr("three")));
  EXPECT_THAT(err_.str(), HasSubstr("line 6: not found: no table named 'nothing'"));
  EXPECT_THAT(err_.str(), HasSubstr("line 11: invalid argument: unknown command '.bogus'"));
}

TEST_F(ReplTest, ActorAndReasonAreRecordedWithWrites) {
  ReplOptions options;
  options.actor = "dr.smith";
  EXPECT_EQ(run_piped("CREATE TABLE t (id BIGINT PRIMARY KEY);\n"
                      ".reason intake\n"
                      "INSERT INTO t VALUES (1);\n"
                      ".actor nurse.jones\n"
                      ".reason correction\n"
                      "DELETE FROM t WHERE id = 1;\n"
                      ".format csv\n"
                      "SELECT actor, reason FROM kmb_audit ORDER BY position;\n",
                      options),
            0u)
      << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("actor,reason\r\ndr.smith,\r\ndr.smith,intake\r\nnurse.jones,correction\r\n"));
}

TEST_F(ReplTest, TransactionsSpanStatementsAndShowInThePrompt) {
  ScriptedReader reader({line("CREATE TABLE t (id BIGINT PRIMARY KEY);"), line("BEGIN;"),
                         line("INSERT INTO t VALUES (1);"), line("INSERT INTO t VALUES (1);"), line("ROLLBACK;"),
                         line("BEGIN; INSERT INTO t VALUES (2);"), line("COMMIT;"), line("BEGIN;")});
  Repl repl(*tenant_, reader, out_, err_, clock_, ReplOptions{});
  EXPECT_EQ(repl.run(), 1u) << err_.str();
  EXPECT_EQ(reader.prompts,
            (std::vector<std::string>{"kimberlite> ", "kimberlite> ", "kimberlite*> ", "kimberlite*> ", "kimberlite!> ",
                                      "kimberlite> ", "kimberlite*> ", "kimberlite> ", "kimberlite*> "}));
  EXPECT_THAT(err_.str(), HasSubstr("duplicate key value violates primary key of table t: (id)=(1)"));
  EXPECT_THAT(err_.str(), HasSubstr("note: the open transaction was rolled back"));
  EXPECT_THAT(out_.str(), HasSubstr("COMMIT (position 1)"));
}

TEST_F(ReplTest, InteractivePromptsHistoryAndCtrlC) {
  ScriptedReader reader({line("SELECT"), InputLine{InputLine::Kind::interrupted, {}}, line(""), line("SELECT"),
                         line("  5;"), line(".tables")});
  ReplOptions options;
  options.banner = "hello\n";
  Repl repl(*tenant_, reader, out_, err_, clock_, options);
  EXPECT_EQ(repl.run(), 0u) << err_.str();
  // SELECT | Ctrl-C | (blank) | SELECT | 5; | .tables | end of input
  EXPECT_EQ(reader.prompts, (std::vector<std::string>{"kimberlite> ", "       ...> ", "kimberlite> ", "kimberlite> ",
                                                      "       ...> ", "kimberlite> ", "kimberlite> "}));
  EXPECT_EQ(reader.history, (std::vector<std::string>{"SELECT\n  5;", ".tables"}));
  EXPECT_EQ(out_.str(), "hello\n?column?\n--------\n5\n(1 row)\n");
}

}  // namespace
}  // namespace kmb::cli
