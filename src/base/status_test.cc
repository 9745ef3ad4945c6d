#include "base/status.h"

#include <gtest/gtest.h>

namespace kmb {
namespace {

Result<int> half(int value) {
  if (value % 2 != 0) return invalid_argument("odd value " + std::to_string(value));
  return value / 2;
}

Result<int> quarter(int value) {
  KMB_ASSIGN_OR_RETURN(int halved, half(value));
  return half(halved);
}

Status check_even(int value) {
  KMB_TRY(half(value).status());
  return Status();
}

TEST(Status, OkByDefault) {
  Status status;
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.to_string(), "ok");
}

TEST(Status, CarriesCodeAndMessage) {
  Status status = corruption("segment 3 offset 17: CRC mismatch");
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::corruption);
  EXPECT_EQ(status.to_string(), "corruption: segment 3 offset 17: CRC mismatch");
  EXPECT_EQ(status.with_context("open").message(), "open: segment 3 offset 17: CRC mismatch");
}

TEST(Result, PropagatesErrorsThroughMacros) {
  EXPECT_EQ(quarter(8).value(), 2);
  Result<int> bad = quarter(6);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "odd value 3");
  EXPECT_TRUE(check_even(4).ok());
  EXPECT_EQ(check_even(5).code(), StatusCode::invalid_argument);
}

TEST(ResultDeathTest, ValueOfErrorAsserts) {
  Result<int> bad = half(3);
  EXPECT_DEATH((void)bad.value(), "assertion failed");
}

}  // namespace
}  // namespace kmb
