// TableScanOperator details that SQL results alone do not show: which statements get their
// pseudo-columns filled in.
#include "sql/execution/table_scan.h"

#include <gtest/gtest.h>

#include "sql/testing/engine_fixture.h"

namespace kmb::sql {
namespace {

using testing::EngineFixture;
using testing::Rows;

TEST(NamesPseudoColumnsTest, FindsEveryPseudoColumnInAnyCase) {
  for (const PseudoColumn& pseudo : pseudo_columns) {
    EXPECT_TRUE(names_pseudo_columns("SELECT " + std::string(pseudo.name) + " FROM t")) << pseudo.name;
  }
  EXPECT_TRUE(names_pseudo_columns("SELECT x._ACTOR FROM t x"));
  EXPECT_TRUE(names_pseudo_columns("SELECT \"_reason\" FROM t"));
  EXPECT_TRUE(names_pseudo_columns("SELECT * FROM (SELECT _valid_to v FROM t) s"));
  // A false positive only costs time: a table named like a pseudo-column.
  EXPECT_TRUE(names_pseudo_columns("SELECT * FROM t_position"));
  EXPECT_FALSE(names_pseudo_columns("SELECT a_b, _pos, position, actor FROM my_table WHERE id = $1"));
  EXPECT_FALSE(names_pseudo_columns(""));
  EXPECT_FALSE(names_pseudo_columns("_"));
  EXPECT_FALSE(names_pseudo_columns("SELECT _positio"));
}

class PseudoColumnScanTest : public EngineFixture {
 protected:
  void SetUp() override {
    run_all({"CREATE TABLE t (id BIGINT PRIMARY KEY, v TEXT)", "INSERT INTO t VALUES (1, 'a'), (2, 'b')",
             "UPDATE t SET v = 'b2' WHERE id = 2"});
  }
};

TEST_F(PseudoColumnScanTest, NamedPseudoColumnsAreFilledEverywhere) {
  EXPECT_EQ(rows("SELECT id, _position, _operation, _actor FROM t ORDER BY id"),
            (Rows{"1|2|INSERT|tester", "2|3|UPDATE|tester"}));
  // Through a join, a derived table and a subquery.
  EXPECT_EQ(rows("SELECT a.id, b._position FROM t a JOIN t b ON a.id = b.id ORDER BY a.id"), (Rows{"1|2", "2|3"}));
  EXPECT_EQ(rows("SELECT p FROM (SELECT _position AS p FROM t) s ORDER BY p"), (Rows{"2", "3"}));
  EXPECT_EQ(value("SELECT count(*) FROM t WHERE id IN (SELECT id FROM t WHERE _operation = 'UPDATE')"), "1");
  // Statements without pseudo-columns give the same answers.
  EXPECT_EQ(rows("SELECT * FROM t ORDER BY id"), (Rows{"1|a", "2|b2"}));
  EXPECT_EQ(rows("SELECT a.v, b.v FROM t a JOIN t b ON a.id = b.id ORDER BY a.id"), (Rows{"a|a", "b2|b2"}));
}

}  // namespace
}  // namespace kmb::sql
