// The false-positive rate of `ddsim compare` on null data (issue 11): A/A comparisons of runs
// whose flushes are autocorrelated within a run (AR(1)) and whose level drifts from run to run
// (the machine's load) must not be flagged more often than the rule's confidence allows. Each
// run goes through the real path: a report in `ddsim run`'s layout, figuresFromReport, pooling
// by FigureSet::add, compareSides.
#include <gtest/gtest.h>

#include "core/common/random.h"
#include "simulator/compare/comparison.h"
#include "simulator/compare/figures.h"

namespace ddsim::compare {
namespace {

using nlohmann::json;

// One run: `flushes` flush durations around `level` seconds, AR(1) with coefficient `phi` and
// innovations of relative size `noise`.
json nullRun(common::Random& rng, int flushes, double level, double phi, double noise) {
  json timings = json::array();
  double dev = 0;
  for (int i = 0; i < flushes; ++i) {
    dev = phi * dev + rng.normal(0, noise);
    const double total = std::max(1e-6, level * (1 + dev));
    timings.push_back({{"index", i},
                       {"aggregate_cpu_seconds", total * 0.25},
                       {"serialize_cpu_seconds", total * 0.75},
                       {"aggregate_seconds", total * 0.25},
                       {"serialize_seconds", total * 0.75},
                       {"send_seconds", total * 0.5}});
  }
  return {{"ddsim_report_version", 1},
          {"summary", {{"samples_generated", 100000}, {"loss", 0}}},
          {"run", {{"real_seconds", 1.0}}},
          {"flushes", json::array()},
          {"timings", {{"flushes", timings}}}};
}

struct NullModel {
  int flushes = 40;
  double phi = 0.8;         // flush-to-flush autocorrelation
  double noise = 0.10;      // 10 % innovations
  double run_drift = 0.03;  // 3 % run-to-run level drift
};

Side side(common::Random& rng, int runs, const NullModel& m, std::vector<double>* pooled_flushes) {
  Side s;
  s.kind = "report";
  for (int r = 0; r < runs; ++r) {
    const double level = 0.010 * (1 + rng.normal(0, m.run_drift));
    const json report = nullRun(rng, m.flushes, level, m.phi, m.noise);
    auto f = figuresFromReport(report, "null.json");
    EXPECT_TRUE(f.isOk()) << f.status().message();
    s.figures.add(*f);
    if (pooled_flushes) {
      for (const auto& t : report["timings"]["flushes"]) {
        pooled_flushes->push_back(t["aggregate_cpu_seconds"].get<double>() + t["serialize_cpu_seconds"].get<double>());
      }
    }
  }
  return s;
}

const FigureRow& row(const Comparison& c, const std::string& id) {
  for (const auto& r : c.rows) {
    if (r.spec->id == id) return r;
  }
  ADD_FAILURE() << "no row " << id;
  return c.rows.front();
}

// Flags per trial, with the rule as shipped (one observation per run) and, for contrast, with
// every flush taken as an independent sample (the old pooling).
//
// What CI gates on is a REGRESSION (exit 1); an improvement on null data is wrong too but fails
// no build. The interval is two-sided at 90 %, so on null data each direction is flagged at most
// 5 % of the time (less, since |Δ| >= 5 % is required on top): the gate is on the regression
// rate, <= 5 %; both directions together are held to the two-sided 10 %. Welch's interval is
// (near) exact here, so the rates sit just under those bounds: thousands of trials keep the
// estimate's own error (binomial, about 0.3 % at 4000) well inside the margin. The contrast, per-
// flush pooling, is computed on the first 400 trials only (its bootstrap is the slow part).
struct Rates {
  double regressions = 0, flagged = 0;  // as shipped
  double pooled_flagged = 0;            // per-flush pooling, either direction
};

Rates falsePositiveRates(int runs_per_side, int trials, const NullModel& m) {
  common::Random rng(2026);
  constexpr int kPooledTrials = 400;
  RuleOptions rule;
  rule.resamples = 1000;
  int regressions = 0, flagged = 0, pooled = 0;
  for (int t = 0; t < trials; ++t) {
    std::vector<double> pa, pb;
    Side a = side(rng, runs_per_side, m, t < kPooledTrials ? &pa : nullptr);
    Side b = side(rng, runs_per_side, m, t < kPooledTrials ? &pb : nullptr);
    rule.seed = static_cast<uint64_t>(t + 1);
    const Comparison c = compareSides(std::move(a), std::move(b), rule);
    const auto v = row(c, "flush_duration").result.verdict;
    if (v == Verdict::kRegression) ++regressions;
    if (v == Verdict::kRegression || v == Verdict::kImprovement) ++flagged;
    if (t >= kPooledTrials) continue;
    const auto naive = compareFigure("flush duration", true, pa, pb, rule).verdict;
    if (naive == Verdict::kRegression || naive == Verdict::kImprovement) ++pooled;
  }
  const auto rate = [](int k, int n) { return static_cast<double>(k) / n; };
  return {rate(regressions, trials), rate(flagged, trials), rate(pooled, std::min(trials, kPooledTrials))};
}

std::string describe(const Rates& r) {
  return "regressions " + std::to_string(r.regressions) + ", flagged " + std::to_string(r.flagged) +
         ", per-flush pooling flagged " + std::to_string(r.pooled_flagged);
}

TEST(CompareFalsePositiveTest, OneRunPerSideIsNeverFlaggedOnTiming) {
  const Rates r = falsePositiveRates(/*runs_per_side=*/1, /*trials=*/200, NullModel{});
  EXPECT_EQ(r.flagged, 0.0) << describe(r);
  // The data is hard enough to fool per-flush pooling (what `compare` did before).
  EXPECT_GT(r.pooled_flagged, 0.10) << "the null model is too easy to prove anything: " << describe(r);
}

// The bounds of a null model with `runs_per_side` replicates over 4000 trials; `contrast`: the
// per-flush pooling must flag over 20 % of them (the data can still expose a wrong rule).
void expectWithinBounds(int runs_per_side, const NullModel& m, bool contrast) {
  const Rates r = falsePositiveRates(runs_per_side, /*trials=*/4000, m);
  EXPECT_LE(r.regressions, 0.05) << describe(r);
  EXPECT_LE(r.flagged, 0.10) << describe(r);
  if (contrast) {
    EXPECT_GT(r.pooled_flagged, 0.20) << "the null model is too easy to prove anything: " << describe(r);
  }
}

// Measured: regressions 4.35 %, either direction 8.55 %, per-flush pooling 33 %.
TEST(CompareFalsePositiveTest, FiveReplicatesPerSideStayUnderFivePercent) {
  expectWithinBounds(5, NullModel{}, /*contrast=*/true);
}

// Measured: regressions 4.65 %, either direction 8.9 %, per-flush pooling 42 %.
TEST(CompareFalsePositiveTest, LargerRunToRunDriftStaysUnderFivePercent) {
  NullModel m;
  m.run_drift = 0.06;
  expectWithinBounds(5, m, /*contrast=*/true);
}

// Measured: regressions 3.85 %, either direction 7.5 %, per-flush pooling 44 %.
TEST(CompareFalsePositiveTest, ThreeReplicatesPerSideStayUnderFivePercent) {
  expectWithinBounds(3, NullModel{}, /*contrast=*/true);
}

TEST(CompareFalsePositiveTest, ATwentyPercentSlowdownAcrossReplicatesIsStillFound) {
  common::Random rng(7);
  NullModel m;
  Side a = side(rng, 5, m, nullptr);
  Side b;
  for (int r = 0; r < 5; ++r) {
    auto f = figuresFromReport(nullRun(rng, m.flushes, 0.012 * (1 + rng.normal(0, m.run_drift)), m.phi, m.noise), "b");
    ASSERT_TRUE(f.isOk());
    b.figures.add(*f);
  }
  const Comparison c = compareSides(std::move(a), std::move(b), RuleOptions{});
  EXPECT_EQ(row(c, "flush_duration").result.verdict, Verdict::kRegression);
  EXPECT_EQ(row(c, "flush_duration").result.base_n, 5u);
}

}  // namespace
}  // namespace ddsim::compare
