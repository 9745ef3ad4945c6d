#include "slt/result_format.h"

#include <gtest/gtest.h>

namespace kmb::slt {
namespace {

using kernel::Decimal;
using kernel::Type;
using kernel::Value;

TEST(ResultFormatTest, NullIsNullInEveryColumnType) {
  EXPECT_EQ(format_value(Value::null(), 'I'), "NULL");
  EXPECT_EQ(format_value(Value::null(), 'R'), "NULL");
  EXPECT_EQ(format_value(Value::null(), 'T'), "NULL");
}

TEST(ResultFormatTest, IntegerColumns) {
  EXPECT_EQ(format_value(Value::integer(42), 'I'), "42");
  EXPECT_EQ(format_value(Value::integer(-7, Type::smallint), 'I'), "-7");
  EXPECT_EQ(format_value(Value::floating(3.99), 'I'), "3");
  EXPECT_EQ(format_value(Value::floating(-3.99), 'I'), "-3");
  EXPECT_EQ(format_value(Value::floating(1e30), 'I'), "9223372036854775807");
  EXPECT_EQ(format_value(Value::decimal(Decimal{1275, 2}), 'I'), "12");
  EXPECT_EQ(format_value(Value::decimal(Decimal{-1275, 2}), 'I'), "-12");
  EXPECT_EQ(format_value(Value::boolean(true), 'I'), "1");
  EXPECT_EQ(format_value(Value::boolean(false), 'I'), "0");
  EXPECT_EQ(format_value(Value::text("123"), 'I'), "123");
  EXPECT_EQ(format_value(Value::text("12abc"), 'I'), "12");
  EXPECT_EQ(format_value(Value::text("4.5"), 'I'), "4");
  EXPECT_EQ(format_value(Value::text("abc"), 'I'), "0");
}

TEST(ResultFormatTest, RealColumns) {
  EXPECT_EQ(format_value(Value::floating(2.5), 'R'), "2.500");
  EXPECT_EQ(format_value(Value::floating(1.0 / 3.0), 'R'), "0.333");
  EXPECT_EQ(format_value(Value::floating(-0.0005), 'R'), "-0.001");
  EXPECT_EQ(format_value(Value::floating(0.25, Type::real), 'R'), "0.250");
  EXPECT_EQ(format_value(Value::integer(3), 'R'), "3.000");
  EXPECT_EQ(format_value(Value::decimal(Decimal{123456, 3}), 'R'), "123.456");
  EXPECT_EQ(format_value(Value::text("1.5x"), 'R'), "1.500");
}

TEST(ResultFormatTest, TextColumns) {
  EXPECT_EQ(format_value(Value::text("hello world"), 'T'), "hello world");
  EXPECT_EQ(format_value(Value::text(""), 'T'), "(empty)");
  EXPECT_EQ(format_value(Value::text("tab\there"), 'T'), "tab@here");
  EXPECT_EQ(format_value(Value::text("caf\xc3\xa9"), 'T'), "caf@@");
  EXPECT_EQ(format_value(Value::integer(5), 'T'), "5");
  EXPECT_EQ(format_value(Value::floating(0.1), 'T'), "0.1");
  EXPECT_EQ(format_value(Value::boolean(true), 'T'), "true");
  EXPECT_EQ(format_value(Value::date(19737), 'T'), "2024-01-15");
  EXPECT_EQ(format_value(Value::json("{\"a\":1}"), 'T'), "{\"a\":1}");
}

TEST(ResultFormatTest, FormatRowsRowByRow) {
  std::vector<kernel::Row> rows{{Value::integer(1), Value::text("a")}, {Value::integer(2), Value::null()}};
  EXPECT_EQ(format_rows(rows, "IT"), (std::vector<std::string>{"1", "a", "2", "NULL"}));
}

TEST(ResultFormatTest, RowSortComparesWholeRowsBytewise) {
  std::vector<std::string> values{"b", "1", "a", "2", "a", "10", "B", "0"};
  sort_values(values, 2, SortMode::rowsort);
  EXPECT_EQ(values, (std::vector<std::string>{"B", "0", "a", "10", "a", "2", "b", "1"}));
}

TEST(ResultFormatTest, ValueSortSortsEachValue) {
  std::vector<std::string> values{"b", "1", "a", "2"};
  sort_values(values, 2, SortMode::valuesort);
  EXPECT_EQ(values, (std::vector<std::string>{"1", "2", "a", "b"}));
}

TEST(ResultFormatTest, NoSortKeepsOrder) {
  std::vector<std::string> values{"b", "a"};
  sort_values(values, 1, SortMode::none);
  EXPECT_EQ(values, (std::vector<std::string>{"b", "a"}));
}

TEST(ResultFormatTest, HashOfNothingIsMd5OfEmptyInput) {
  EXPECT_EQ(md5_of_values({}), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(hash_summary({}), "0 values hashing to d41d8cd98f00b204e9800998ecf8427e");
}

// The first hashed result of the reference corpus (select1.test, line 99), produced by SQLite.
TEST(ResultFormatTest, HashMatchesReferenceCorpus) {
  std::vector<std::string> values;
  for (int v : {358,  364,  376,  382,  398,  402,  410,  426,  432,  440,  458,  468,  478,  486,  490,
                1000, 1050, 1120, 1180, 1240, 1290, 1300, 1390, 1430, 1450, 1510, 1580, 1600, 1670, 1700}) {
    values.push_back(std::to_string(v));
  }
  EXPECT_EQ(hash_summary(values), "30 values hashing to 3c13dee48d9356ae19af2515e05e6b54");
}

TEST(ResultFormatTest, RecognisesHashSummaries) {
  EXPECT_TRUE(is_hash_summary("30 values hashing to 3c13dee48d9356ae19af2515e05e6b54"));
  EXPECT_FALSE(is_hash_summary("values hashing to 3c13dee48d9356ae19af2515e05e6b54"));
  EXPECT_FALSE(is_hash_summary("30 values hashing to 3c13dee48d9356ae19af2515e05e6b5"));
  EXPECT_FALSE(is_hash_summary("30 values hashing to 3C13DEE48D9356AE19AF2515E05E6B54"));
  EXPECT_FALSE(is_hash_summary("30"));
}

}  // namespace
}  // namespace kmb::slt
