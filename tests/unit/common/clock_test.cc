#include "core/common/clock.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ddsim::common {
namespace {

using namespace std::chrono_literals;

TEST(ManualClockTest, StartsAtGivenWallTimeAndOnlyMovesWhenTold) {
  ManualClock clock(fromUnixSeconds(1'000));
  EXPECT_EQ(toUnixSecondsInt(clock.systemNow()), 1'000);
  const auto s0 = clock.steadyNow();
  EXPECT_EQ(clock.steadyNow(), s0);
  clock.advance(1500ms);
  EXPECT_DOUBLE_EQ(toUnixSeconds(clock.systemNow()), 1'001.5);
  EXPECT_EQ(clock.steadyNow() - s0, 1500ms);
}

TEST(ManualClockTest, AdvanceToMovesBothViews) {
  ManualClock clock(fromUnixSeconds(10));
  const auto s0 = clock.steadyNow();
  clock.advanceTo(fromUnixSeconds(25));
  EXPECT_EQ(toUnixSecondsInt(clock.systemNow()), 25);
  EXPECT_EQ(clock.steadyNow() - s0, 15s);
}

TEST(ClockConversionTest, UnixSecondsRoundTrip) {
  EXPECT_EQ(toUnixSecondsInt(fromUnixSeconds(1'700'000'000)), 1'700'000'000);
  EXPECT_DOUBLE_EQ(toUnixSeconds(fromUnixSeconds(12.25)), 12.25);
  EXPECT_DOUBLE_EQ(toSeconds(fromSeconds(0.5)), 0.5);
}

TEST(SystemClockTest, SteadyIsMonotonic) {
  auto& c = SystemClock::instance();
  auto a = c.steadyNow();
  auto b = c.steadyNow();
  EXPECT_LE(a, b);
  EXPECT_GT(toUnixSecondsInt(c.systemNow()), 1'600'000'000);
}

}  // namespace
}  // namespace ddsim::common

namespace ddsim::common {
namespace {

// Found by the datadog_yaml fuzzer: "forwarder_timeout: 21999999999999999999999" overflowed the
// conversion to nanoseconds (undefined behaviour). Out-of-range seconds clamp; NaN is zero.
TEST(ClockConversionTest, SecondsBeyondADurationClampInsteadOfOverflowing) {
  EXPECT_EQ(fromSeconds(2.2e22), fromSeconds(9.0e9));
  EXPECT_EQ(fromSeconds(-2.2e22), fromSeconds(-9.0e9));
  EXPECT_GT(fromSeconds(2.2e22), std::chrono::hours(24 * 365 * 200));
  EXPECT_EQ(fromSeconds(std::nan("")), Duration::zero());
  EXPECT_EQ(fromSeconds(1.5), std::chrono::milliseconds(1500));
}

}  // namespace
}  // namespace ddsim::common
