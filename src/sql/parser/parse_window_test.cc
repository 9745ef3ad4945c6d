// Parsing of OVER clauses, WINDOW lists, VALUES queries and quantified comparisons.
#include <gtest/gtest.h>

#include "sql/parser/expression_printer.h"
#include "sql/parser/parser.h"

namespace kmb::sql {
namespace {

const SelectNode& select_node(const Statement& statement) {
  return *std::get<SelectStatement>(statement.node).node;
}

Statement parse(std::string_view text) {
  Result<Statement> parsed = parse_statement(text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << parsed.status().to_string();
  return parsed.ok() ? std::move(parsed).value() : Statement{};
}

std::string error(std::string_view text) {
  Result<Statement> parsed = parse_statement(text);
  return parsed.ok() ? "parsed" : parsed.status().message();
}

TEST(ParseWindowTest, OverClauseParts) {
  const Statement statement = parse(
      "SELECT sum(x) FILTER (WHERE x > 0) OVER (PARTITION BY a, b ORDER BY c DESC NULLS LAST "
      "ROWS BETWEEN 2 PRECEDING AND UNBOUNDED FOLLOWING) FROM t");
  const ParsedExpression& call = *select_node(statement).items[0].expression;
  ASSERT_TRUE(call.over);
  ASSERT_TRUE(call.filter);
  const WindowDefinition& window = *call.over;
  EXPECT_FALSE(window.base);
  EXPECT_EQ(window.partition_by.size(), 2u);
  ASSERT_EQ(window.order_by.size(), 1u);
  EXPECT_TRUE(window.order_by[0].descending);
  EXPECT_EQ(window.order_by[0].nulls_first, std::optional<bool>(false));
  ASSERT_TRUE(window.frame);
  EXPECT_EQ(window.frame->unit, FrameUnit::rows);
  EXPECT_EQ(window.frame->start.kind, FrameBoundKind::preceding);
  EXPECT_EQ(to_sql(*window.frame->start.offset), "2");
  EXPECT_EQ(window.frame->end.kind, FrameBoundKind::unbounded_following);
  EXPECT_EQ(to_sql(call), "sum(x) OVER (...)");
}

TEST(ParseWindowTest, ShortFrameEndsAtTheCurrentRow) {
  const Statement statement = parse("SELECT count(*) OVER (ORDER BY a RANGE 5 PRECEDING) FROM t");
  const WindowDefinition& window = *select_node(statement).items[0].expression->over;
  EXPECT_EQ(window.frame->unit, FrameUnit::range);
  EXPECT_EQ(window.frame->start.kind, FrameBoundKind::preceding);
  EXPECT_EQ(window.frame->end.kind, FrameBoundKind::current_row);
}

TEST(ParseWindowTest, NamedWindows) {
  const Statement statement = parse(
      "SELECT rank() OVER w, row_number() OVER (w ORDER BY b) FROM t WINDOW w AS (PARTITION BY a), "
      "v AS (w ROWS UNBOUNDED PRECEDING)");
  const SelectNode& node = select_node(statement);
  const WindowDefinition& bare = *node.items[0].expression->over;
  EXPECT_TRUE(bare.bare_reference);
  EXPECT_EQ(bare.base->name, "w");
  const WindowDefinition& refined = *node.items[1].expression->over;
  EXPECT_FALSE(refined.bare_reference);
  EXPECT_EQ(refined.base->name, "w");
  EXPECT_EQ(refined.order_by.size(), 1u);
  ASSERT_EQ(node.windows.size(), 2u);
  EXPECT_EQ(node.windows[1].name.name, "v");
  EXPECT_EQ(node.windows[1].definition.base->name, "w");
}

TEST(ParseWindowTest, Errors) {
  EXPECT_EQ(error("SELECT count(*) OVER (ORDER BY a GROUPS 1 PRECEDING) FROM t"),
            "syntax error at line 1, column 34: GROUPS frames are not supported; use ROWS or RANGE");
  EXPECT_EQ(error("SELECT count(*) OVER (ORDER BY a ROWS 1) FROM t"),
            "syntax error at line 1, column 40: expected PRECEDING or FOLLOWING after a frame offset but found ')'");
  EXPECT_EQ(error("SELECT count(*) OVER (ROWS UNBOUNDED CURRENT ROW) FROM t"),
            "syntax error at line 1, column 38: expected PRECEDING or FOLLOWING after UNBOUNDED but found 'CURRENT'");
  EXPECT_EQ(error("SELECT count(*) OVER (ROWS CURRENT ROW EXCLUDE TIES) FROM t"),
            "syntax error at line 1, column 40: frame EXCLUDE clauses are not supported");
  EXPECT_EQ(error("SELECT count(*) OVER FROM t"),
            "syntax error at line 1, column 22: expected a window name or '(' after OVER but found 'FROM'");
  EXPECT_EQ(error("SELECT 1 FROM t WINDOW w AS (), w AS ()"),
            "syntax error at line 1, column 33: window \"w\" is already defined");
}

TEST(ParseValuesTest, ValuesQueryIsASelectFromValues) {
  const Statement statement = parse("VALUES (1, 'a'), (2, 'b') ORDER BY 1 LIMIT 1");
  const SelectNode& node = select_node(statement);
  ASSERT_EQ(node.from.size(), 1u);
  EXPECT_EQ(node.items[0].expression->kind, ExpressionKind::star);
  EXPECT_EQ(node.order_by.size(), 1u);
  ASSERT_TRUE(node.limit);
  const SelectNode& values = *node.from[0]->subquery;
  ASSERT_EQ(values.values.size(), 2u);
  EXPECT_EQ(values.values[1].size(), 2u);
  EXPECT_EQ(error("VALUES (1, 2), (3)"), "syntax error at line 1, column 16: VALUES lists must all be the same length");
  // INSERT keeps its own VALUES, which allows DEFAULT.
  EXPECT_EQ(error("INSERT INTO t VALUES (1, DEFAULT)"), "parsed");
}

TEST(ParseValuesTest, QuantifiedComparisonsAndEmptyInLists) {
  Result<ParsedExpressionPtr> any = parse_expression("a >= ANY (SELECT b FROM t)");
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(to_sql(**any), "(a >= ANY (SELECT ...))");
  Result<ParsedExpressionPtr> all = parse_expression("a <> ALL (VALUES (1))");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(to_sql(**all), "(a <> ALL (SELECT ...))");
  Result<ParsedExpressionPtr> empty = parse_expression("a NOT IN ()");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(to_sql(**empty), "(a NOT IN ())");
}

}  // namespace
}  // namespace kmb::sql
