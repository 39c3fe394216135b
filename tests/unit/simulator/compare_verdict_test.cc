// Verdicts per figure (anchors.md §2.5: flagged only when |Δ mean %| >= 5 % and the 90 % CI
// excludes 0), the table and the JSON of a comparison.
#include <gtest/gtest.h>

#include <cmath>

#include "core/common/random.h"
#include "simulator/compare/compare_output.h"
#include "simulator/compare/comparison.h"

namespace ddsim::compare {
namespace {

std::vector<double> noisy(double mean, double relative_sd, int n, uint64_t seed) {
  common::Random rng(seed);
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(std::max(0.0, rng.normal(mean, mean * relative_sd)));
  return v;
}

std::vector<double> scaled(std::vector<double> v, double factor) {
  for (double& x : v) x *= factor;
  return v;
}

// A side with every figure: `flushes` per-flush samples and `runs` per-run samples.
Side side(const std::string& path, int runs, int flushes, uint64_t seed, double flush_factor = 1.0,
          double drops = 0) {
  Side s;
  s.path = path;
  s.kind = runs > 1 ? "scenario" : "report";
  s.figures.runs = runs;
  auto& f = s.figures.samples;
  f["flush_duration"] = scaled(noisy(0.010, 0.05, flushes, seed), flush_factor);
  f["serialize_time"] = scaled(noisy(0.007, 0.05, flushes, seed + 1), flush_factor);
  f["send_time"] = noisy(0.004, 0.05, flushes, seed + 2);
  f["bytes_per_series"] = noisy(27, 0.01, flushes, seed + 3);
  f["throughput"] = noisy(1e6, 0.02, runs, seed + 4);
  f["drops"] = std::vector<double>(static_cast<size_t>(runs), drops);
  return s;
}

const FigureRow& row(const Comparison& c, const std::string& id) {
  for (const auto& r : c.rows) {
    if (r.spec->id == id) return r;
  }
  throw std::runtime_error("no row " + id);
}

TEST(CompareVerdictTest, FlushesTwentyPercentSlowerAreARegression) {
  // The same flushes, each 20 % slower: flush duration and serialize time regress.
  Side base = side("base.json", 1, 40, 1);
  Side cand = base;
  cand.path = "cand.json";
  for (const char* id : {"flush_duration", "serialize_time"}) cand.figures.samples[id] = scaled(base.figures.samples[id], 1.2);
  const auto c = compareSides(base, cand, {});
  EXPECT_EQ(row(c, "flush_duration").result.verdict, Verdict::kRegression);
  EXPECT_NEAR(row(c, "flush_duration").result.delta_pct, 20.0, 1e-9);
  EXPECT_GT(row(c, "flush_duration").result.ci_low, 0);
  EXPECT_EQ(row(c, "serialize_time").result.verdict, Verdict::kRegression);
  EXPECT_EQ(row(c, "send_time").result.verdict, Verdict::kNoChange);
  ASSERT_EQ(c.regressions().size(), 2u);
  const std::string table = renderTable(c);
  EXPECT_NE(table.find("REGRESSION"), std::string::npos) << table;
  EXPECT_NE(table.find("result: 2 regressions: flush duration, serialize time"), std::string::npos) << table;
}

TEST(CompareVerdictTest, VerdictsPerFigureFollowTheSmpRule) {
  struct Case {
    const char* what;
    int runs;
    double flush_factor;
    double base_drops, cand_drops;
    const char* figure;
    Verdict expected;
  };
  const Case cases[] = {
      {"identical sides: no change", 5, 1.0, 0, 0, "flush_duration", Verdict::kNoChange},
      {"identical bytes: no change", 5, 1.0, 0, 0, "bytes_per_series", Verdict::kNoChange},
      {"20 % faster flushes: improvement", 5, 0.8, 0, 0, "flush_duration", Verdict::kImprovement},
      {"3 % slower: within the 5 % tolerance", 5, 1.03, 0, 0, "flush_duration", Verdict::kNoChange},
      {"one run per side: per-run figure is insufficient", 1, 1.0, 0, 0, "throughput", Verdict::kInsufficient},
      // Drops repeat exactly in virtual time: one run a side is enough (issue 11).
      {"one run per side: drops are exact, so 0 -> 5 is a regression", 1, 1.0, 0, 5, "drops", Verdict::kRegression},
      {"no drops on either side: no change", 5, 1.0, 0, 0, "drops", Verdict::kNoChange},
      {"drops appear: regression on the absolute difference", 5, 1.0, 0, 12, "drops", Verdict::kRegression},
      {"drops go away: improvement", 5, 1.0, 12, 0, "drops", Verdict::kImprovement},
      {"10 % more drops: regression", 5, 1.0, 100, 110, "drops", Verdict::kRegression},
  };
  for (const auto& c : cases) {
    Side base = side("b", c.runs, 30, 11, 1.0, c.base_drops);
    Side cand = side("c", c.runs, 30, 11, c.flush_factor, c.cand_drops);
    if (c.flush_factor == 1.0) cand.figures.samples["bytes_per_series"] = base.figures.samples["bytes_per_series"];
    const auto comparison = compareSides(base, cand, {});
    const auto& r = row(comparison, c.figure);
    EXPECT_EQ(r.result.verdict, c.expected) << c.what << ": delta " << r.result.delta_pct << " CI [" << r.result.ci_low
                                            << ", " << r.result.ci_high << "] note: " << r.note;
  }
}

TEST(CompareVerdictTest, InsufficientDataIsReportedNotFlagged) {
  // Realtime runs: nothing is exact, so one run a side is insufficient for every figure.
  Side b = side("b", 1, 1, 3), c4 = side("c", 1, 1, 4, 3.0, 50);
  b.identity["mode"] = c4.identity["mode"] = "realtime";
  const auto c = compareSides(b, c4, {});
  for (const auto& r : c.rows) {
    EXPECT_EQ(r.result.verdict, Verdict::kInsufficient) << r.spec->id;
    EXPECT_NE(r.note.find("the rule needs 2 or more on each side"), std::string::npos) << r.note;
  }
  EXPECT_TRUE(c.regressions().empty());
  const std::string table = renderTable(c);
  EXPECT_NE(table.find("insufficient data"), std::string::npos);
  EXPECT_NE(table.find("compare scenarios with --replicates 2 or more"), std::string::npos) << table;
  EXPECT_NE(table.find("result: no regression"), std::string::npos) << table;
}

TEST(CompareVerdictTest, AFigureASideLacksIsSkippedWithANote) {
  Side base = side("b", 3, 10, 1);
  Side cand = side("c", 3, 10, 2);
  base.figures.samples.erase("send_time");
  base.figures.missing["send_time"] = "the report has no timings.flushes";
  cand.figures.samples.erase("throughput");
  cand.figures.missing["throughput"] = "run.real_seconds is 0";
  const auto c = compareSides(base, cand, {});
  EXPECT_TRUE(row(c, "send_time").skipped);
  EXPECT_EQ(row(c, "send_time").note, "base lacks it (the report has no timings.flushes)");
  EXPECT_TRUE(row(c, "throughput").skipped);
  EXPECT_EQ(row(c, "throughput").note, "candidate lacks it (run.real_seconds is 0)");
  const std::string table = renderTable(c);
  EXPECT_NE(table.find("skipped"), std::string::npos);
  EXPECT_NE(table.find("send time: base lacks it"), std::string::npos) << table;
  const auto j = comparisonJson(c);
  EXPECT_EQ(j["figures"][2]["verdict"], "skipped");
  EXPECT_FALSE(j["figures"][2].contains("base_mean"));
}

TEST(CompareVerdictTest, TableColumnsLineUp) {
  const auto c = compareSides(side("base.json", 5, 30, 1), side("candidate.json", 5, 30, 2, 1.5), {});
  const std::string table = renderTable(c);
  // The header and the six figure rows start their "verdict" column at the same offset.
  std::vector<std::string> lines;
  for (size_t pos = 0, next; pos < table.size(); pos = next + 1) {
    next = table.find('\n', pos);
    lines.push_back(table.substr(pos, next - pos));
  }
  size_t header = 0;
  while (header < lines.size() && lines[header].rfind("figure ", 0) != 0) ++header;
  ASSERT_LT(header + 6, lines.size()) << table;
  const size_t column = lines[header].find("verdict");
  ASSERT_NE(column, std::string::npos);
  for (size_t i = header + 1; i <= header + 6; ++i) {
    EXPECT_GE(lines[i].size(), column) << lines[i];
    EXPECT_NE(lines[i][column], ' ') << lines[i];
    EXPECT_EQ(lines[i][column - 1], ' ') << lines[i];
  }
  EXPECT_EQ(lines[0], "base       base.json (scenario, 5 replicates)");
}

TEST(CompareVerdictTest, JsonCarriesEveryFigureAndTheRegressions) {
  RuleOptions rule;
  rule.effect_pct = 10;
  rule.confidence = 0.95;
  rule.seed = 9;
  const auto c = compareSides(side("b", 4, 20, 1), side("c", 4, 20, 1, 1.25), rule);
  const auto j = comparisonJson(c);
  EXPECT_EQ(j["rule"]["effect_pct"], 10.0);
  EXPECT_EQ(j["rule"]["confidence"], 0.95);
  EXPECT_EQ(j["rule"]["seed"], 9);
  EXPECT_EQ(j["base"]["runs"], 4);
  ASSERT_EQ(j["figures"].size(), figureSpecs().size());
  const auto& flush = j["figures"][0];
  EXPECT_EQ(flush["id"], "flush_duration");
  EXPECT_EQ(flush["verdict"], "REGRESSION");
  EXPECT_EQ(flush["base_n"], 20);
  EXPECT_NEAR(flush["delta_pct"].get<double>(), 25.0, 1e-9);
  EXPECT_LT(flush["ci_low_pct"].get<double>(), flush["ci_high_pct"].get<double>());
  EXPECT_EQ(j["regressions"], nlohmann::json({"flush_duration", "serialize_time"}));
  const auto& drops = j["figures"][5];
  EXPECT_EQ(drops["verdict"], "no change");
  EXPECT_TRUE(drops["delta_pct"].is_null());  // 0 on both sides
}

TEST(CompareVerdictTest, ValuesAreShownInReadableUnits) {
  struct Case {
    double v;
    Unit unit;
    const char* shown;
  };
  const Case cases[] = {
      {0.00635, Unit::kSeconds, "6.35 ms"}, {0.0000571, Unit::kSeconds, "57.1 us"}, {2.5, Unit::kSeconds, "2.500 s"},
      {27.24, Unit::kBytes, "27.2 B"},      {1290000, Unit::kPerSecond, "1.29 M/s"}, {889920, Unit::kPerSecond, "889.92 k/s"},
      {12, Unit::kCount, "12"},             {2.5, Unit::kCount, "2.5"},
  };
  for (const auto& c : cases) EXPECT_EQ(formatValue(c.v, c.unit), c.shown);
}

}  // namespace
}  // namespace ddsim::compare
