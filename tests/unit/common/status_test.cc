#include "core/common/status.h"

#include <gtest/gtest.h>

#include <memory>

namespace ddsim::common {
namespace {

Result<int> parsePositive(int v) {
  if (v <= 0) return invalidArgument("value " + std::to_string(v) + " is not positive");
  return v;
}

TEST(StatusTest, OkAndErrorsDescribeThemselves) {
  EXPECT_TRUE(Status::ok().isOk());
  EXPECT_EQ(Status::ok().toString(), "OK");
  Status s = dataLoss("truncated record at offset 12");
  EXPECT_FALSE(s.isOk());
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_EQ(s.toString(), "DataLoss: truncated record at offset 12");
}

TEST(ResultTest, HoldsValueOrStatus) {
  auto good = parsePositive(3);
  ASSERT_TRUE(good.isOk());
  EXPECT_EQ(*good, 3);
  EXPECT_TRUE(good.status().isOk());
  auto bad = parsePositive(-1);
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "value -1 is not positive");
}

TEST(ResultTest, MovesOutMoveOnlyValues) {
  Result<std::unique_ptr<int>> r(std::make_unique<int>(9));
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 9);
}

}  // namespace
}  // namespace ddsim::common
