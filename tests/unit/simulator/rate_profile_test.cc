#include "simulator/scenario/rate_profile.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ddsim::scenario {
namespace {

// Emits floor(cumulative(t+dt)) - floor(cumulative(t)) per tick, as the workloads do.
int64_t emitted(const RateProfile& p, double until, double dt) {
  int64_t n = 0;
  const int64_t ticks = static_cast<int64_t>(std::llround(until / dt));
  for (int64_t i = 0; i < ticks; ++i) {
    const double t0 = static_cast<double>(i) * dt, t1 = static_cast<double>(i + 1) * dt;
    n += static_cast<int64_t>(std::floor(p.cumulative(t1) + 1e-9) - std::floor(p.cumulative(t0) + 1e-9));
  }
  return n;
}

TEST(RateProfileTest, ConstantEmitsExactTotalsWhateverTheTick) {
  RateProfile p;
  p.rate = 333.3;
  EXPECT_DOUBLE_EQ(p.rateAt(5), 333.3);
  EXPECT_EQ(emitted(p, 60, 1.0), 19998);
  EXPECT_EQ(emitted(p, 60, 0.01), 19998);
}

TEST(RateProfileTest, LinearRampsThenHolds) {
  RateProfile p;
  p.kind = RateProfile::Kind::kLinear;
  p.from = 0;
  p.to = 100;
  p.over = 10;
  EXPECT_DOUBLE_EQ(p.rateAt(5), 50);
  EXPECT_DOUBLE_EQ(p.rateAt(20), 100);
  EXPECT_DOUBLE_EQ(p.cumulative(10), 500);        // area of the ramp triangle
  EXPECT_DOUBLE_EQ(p.cumulative(12), 700);        // + 2 s at 100/s
  EXPECT_EQ(emitted(p, 12, 0.1), 700);
}

TEST(RateProfileTest, StepChangesAtEachStep) {
  RateProfile p;
  p.kind = RateProfile::Kind::kStep;
  p.steps = {{0, 10}, {5, 100}, {10, 0}};
  EXPECT_DOUBLE_EQ(p.rateAt(4.9), 10);
  EXPECT_DOUBLE_EQ(p.rateAt(5), 100);
  EXPECT_DOUBLE_EQ(p.rateAt(11), 0);
  EXPECT_DOUBLE_EQ(p.cumulative(20), 50 + 500);
}

TEST(RateProfileTest, BurstRepeatsEveryPeriod) {
  RateProfile p;
  p.kind = RateProfile::Kind::kBurst;
  p.base = 10;
  p.burst = 1000;
  p.every = 60;
  p.length = 5;
  EXPECT_DOUBLE_EQ(p.rateAt(2), 1000);
  EXPECT_DOUBLE_EQ(p.rateAt(30), 10);
  EXPECT_DOUBLE_EQ(p.rateAt(61), 1000);
  EXPECT_DOUBLE_EQ(p.cumulative(60), 5000 + 550);
  EXPECT_DOUBLE_EQ(p.cumulative(62), 5550 + 2000);
  EXPECT_EQ(emitted(p, 120, 0.5), 11100);
}

}  // namespace
}  // namespace ddsim::scenario
