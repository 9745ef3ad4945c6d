#include "cli/sql_input.h"

#include <gtest/gtest.h>

namespace kmb::cli {
namespace {

TEST(SqlInput, EmptyInput) {
  EXPECT_EQ(classify_input(""), InputState::empty);
  EXPECT_EQ(classify_input("  \n\t"), InputState::empty);
  EXPECT_EQ(classify_input("-- just a comment\n"), InputState::empty);
  EXPECT_EQ(classify_input("/* block */"), InputState::empty);
}

TEST(SqlInput, CompleteWhenEndingWithSemicolon) {
  EXPECT_EQ(classify_input("SELECT 1;"), InputState::complete);
  EXPECT_EQ(classify_input("SELECT 1;\n"), InputState::complete);
  EXPECT_EQ(classify_input("SELECT\n  1\n;  -- done\n"), InputState::complete);
  EXPECT_EQ(classify_input("SELECT 1; /* trailing */"), InputState::complete);
  EXPECT_EQ(classify_input("SELECT 1; SELECT 2;"), InputState::complete);
  EXPECT_EQ(classify_input("SELECT 'it''s';"), InputState::complete);
  EXPECT_EQ(classify_input(";"), InputState::complete);
}

TEST(SqlInput, IncompleteStatements) {
  EXPECT_EQ(classify_input("SELECT 1"), InputState::incomplete);
  EXPECT_EQ(classify_input("SELECT 1; SELECT 2"), InputState::incomplete);
  EXPECT_EQ(classify_input("SELECT 1 -- ;"), InputState::incomplete);
}

TEST(SqlInput, SemicolonsInsideQuotesAndCommentsDoNotEnd) {
  EXPECT_EQ(classify_input("SELECT ';"), InputState::incomplete);
  EXPECT_EQ(classify_input("SELECT 'a;b'"), InputState::incomplete);
  EXPECT_EQ(classify_input("SELECT \"odd;name\""), InputState::incomplete);
  EXPECT_EQ(classify_input("SELECT 1 /* ; */"), InputState::incomplete);
  EXPECT_EQ(classify_input("SELECT 1 /* ;"), InputState::incomplete);
  EXPECT_EQ(classify_input("SELECT 'it'';"), InputState::incomplete);
}

}  // namespace
}  // namespace kmb::cli
