#include "simulator/compare/smp_rule.h"

#include <gtest/gtest.h>

#include "core/common/random.h"

namespace ddsim::compare {
namespace {

std::vector<double> noisy(double mean, double sd, int n, uint64_t seed) {
  common::Random rng(seed);
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(rng.normal(mean, sd));
  return v;
}

// anchors.md §2.5: flagged only when |Δ mean %| >= 5 % and the 90 % CI excludes 0.
struct RuleCase {
  const char* what;
  double base_mean, cand_mean, sd;
  int n;
  bool lower_is_better;
  Verdict expected;
};

TEST(SmpRuleTest, VerdictsFollowTheSmpRule) {
  const RuleCase cases[] = {
      {"10% slower, tight", 100, 110, 1, 30, true, Verdict::kRegression},
      {"10% faster, tight", 100, 90, 1, 30, true, Verdict::kImprovement},
      {"throughput 10% up is good", 100, 110, 1, 30, false, Verdict::kImprovement},
      {"2% change is within tolerance", 100, 102, 0.1, 30, true, Verdict::kNoChange},
      {"10% but very noisy: CI straddles 0", 100, 110, 60, 5, true, Verdict::kNoChange},
  };
  for (const auto& c : cases) {
    auto r = compareFigure("x", c.lower_is_better, noisy(c.base_mean, c.sd, c.n, 1), noisy(c.cand_mean, c.sd, c.n, 2));
    EXPECT_EQ(r.verdict, c.expected) << c.what << ": delta " << r.delta_pct << " CI [" << r.ci_low << ", "
                                     << r.ci_high << "]";
    EXPECT_LE(r.ci_low, r.delta_pct + 1e-9) << c.what;
    EXPECT_GE(r.ci_high, r.delta_pct - 1e-9) << c.what;
  }
}

TEST(SmpRuleTest, TooFewSamplesOrZeroBaselineIsInsufficient) {
  EXPECT_EQ(compareFigure("x", true, {1.0}, {2.0, 2.0}).verdict, Verdict::kInsufficient);
  EXPECT_EQ(compareFigure("x", true, {0.0, 0.0}, {2.0, 2.0}).verdict, Verdict::kInsufficient);
  auto r = compareFigure("x", true, {1.0}, {2.0});
  EXPECT_DOUBLE_EQ(r.delta_pct, 100.0);
}

TEST(SmpRuleTest, SameSeedSameInterval) {
  auto b = noisy(50, 5, 20, 3), c = noisy(55, 5, 20, 4);
  auto r1 = compareFigure("x", true, b, c), r2 = compareFigure("x", true, b, c);
  EXPECT_EQ(r1.ci_low, r2.ci_low);
  EXPECT_EQ(r1.ci_high, r2.ci_high);
}

// Few samples (replicates): Welch's t interval of the difference of means over |base mean|.
// By hand: means 3 and 4, variances 2.5 and 2.5, se = sqrt(0.5 + 0.5) = 1, Welch df = 8,
// t(0.95, 8) = 1.8595, so Δ = 1 ± 1.8595, over 3, in %.
TEST(SmpRuleTest, FewSamplesUseTheWelchInterval) {
  const std::vector<double> base = {1, 2, 3, 4, 5}, cand = {2, 3, 4, 5, 6};
  auto r = compareFigure("x", true, base, cand);
  EXPECT_NEAR(r.delta_pct, 100.0 / 3, 1e-9);
  EXPECT_NEAR(r.ci_low, (1 - 1.8595) / 3 * 100, 0.01);
  EXPECT_NEAR(r.ci_high, (1 + 1.8595) / 3 * 100, 0.01);
  EXPECT_EQ(r.verdict, Verdict::kNoChange);
  auto [lo, hi] = meanDifferenceInterval(base, cand);
  EXPECT_NEAR(lo, 1 - 1.8595, 1e-3);
  EXPECT_NEAR(hi, 1 + 1.8595, 1e-3);
}

TEST(SmpRuleTest, ConstantSidesGiveAPointInterval) {
  auto r = compareFigure("x", true, {10, 10, 10}, {12, 12, 12});
  EXPECT_DOUBLE_EQ(r.ci_low, 20.0);
  EXPECT_DOUBLE_EQ(r.ci_high, 20.0);
  EXPECT_EQ(r.verdict, Verdict::kRegression);
}

}  // namespace
}  // namespace ddsim::compare
