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

// Flags per trial: with the rule as shipped (one observation per run) and, for contrast, with
// every flush taken as an independent sample (the old pooling).
struct Rates {
  double shipped = 0, pooled = 0;
};

Rates falsePositiveRates(int runs_per_side, int trials, const NullModel& m) {
  common::Random rng(2026);
  RuleOptions rule;
  rule.resamples = 2000;
  int shipped = 0, pooled = 0;
  for (int t = 0; t < trials; ++t) {
    std::vector<double> pa, pb;
    Side a = side(rng, runs_per_side, m, &pa);
    Side b = side(rng, runs_per_side, m, &pb);
    rule.seed = static_cast<uint64_t>(t + 1);
    const Comparison c = compareSides(std::move(a), std::move(b), rule);
    const auto v = row(c, "flush_duration").result.verdict;
    if (v == Verdict::kRegression || v == Verdict::kImprovement) ++shipped;
    const auto naive = compareFigure("flush duration", true, pa, pb, rule).verdict;
    if (naive == Verdict::kRegression || naive == Verdict::kImprovement) ++pooled;
  }
  return {static_cast<double>(shipped) / trials, static_cast<double>(pooled) / trials};
}

TEST(CompareFalsePositiveTest, OneRunPerSideIsNeverFlaggedOnTiming) {
  const Rates r = falsePositiveRates(/*runs_per_side=*/1, /*trials=*/200, NullModel{});
  EXPECT_EQ(r.shipped, 0.0);
  // The data is hard enough to fool per-flush pooling (what `compare` did before).
  EXPECT_GT(r.pooled, 0.10) << "the null model is too easy to prove anything";
}

TEST(CompareFalsePositiveTest, FiveReplicatesPerSideStayUnderFivePercent) {
  const Rates r = falsePositiveRates(/*runs_per_side=*/5, /*trials=*/200, NullModel{});
  EXPECT_LE(r.shipped, 0.05) << "pooled: " << r.pooled;
}

TEST(CompareFalsePositiveTest, LargerRunToRunDriftStaysUnderFivePercent) {
  NullModel m;
  m.run_drift = 0.06;
  const Rates r = falsePositiveRates(/*runs_per_side=*/5, /*trials=*/200, m);
  EXPECT_LE(r.shipped, 0.05) << "pooled: " << r.pooled;
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
