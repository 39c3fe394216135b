// The `distribution` expectation (issue 11): statistics named in a scenario, the sketches of the
// intake merged as DDSketch merge does, and quantiles judged within the sketch's relative
// accuracy (spec §4.1-4.3: gamma 1 + 1/64, keys round(log_gamma v) + 1338).
#include <gtest/gtest.h>

#include <cmath>

#include "core/metrics/ddsketch.h"
#include "simulator/expect/distribution_check.h"
#include "simulator/scenario/distribution_expectation.h"
#include "simulator/scenario/scenario_loader.h"

namespace ddsim {
namespace {

using expect::MergedDistribution;
using scenario::DistributionExpectation;
using scenario::DistributionStatistic;
using Kind = DistributionStatistic::Kind;

const metrics::SketchConfig& config() { return metrics::SketchConfig::agentDefault(); }

// One decoded sketch series as the intake stores it: one point per list of (value, rate).
fakeintake::DecodedSketch decoded(const std::string& name, std::vector<std::string> tags,
                                  const std::vector<std::vector<double>>& points, double rate = 1) {
  fakeintake::DecodedSketch s;
  s.metric = name;
  s.host = "ddsim-host";
  s.tags = std::move(tags);
  for (const auto& values : points) {
    metrics::AgentSketch agent;
    for (double v : values) agent.insert(v, rate);
    const auto data = agent.finish();
    fakeintake::DecodedDogsketch d;
    d.cnt = data->basic.cnt;
    d.min = data->basic.min;
    d.max = data->basic.max;
    d.avg = data->basic.avg;
    d.sum = data->basic.sum;
    for (const auto& b : data->bins) {
      d.k.push_back(b.k);
      d.n.push_back(b.n);
    }
    s.dogsketches.push_back(std::move(d));
  }
  return s;
}

std::vector<double> range(int from, int to) {
  std::vector<double> v;
  for (int i = from; i <= to; ++i) v.push_back(i);
  return v;
}

DistributionExpectation expectation(const std::string& statistic, double value, double tolerance = 0) {
  DistributionExpectation e;
  e.name = "app.latency";
  e.tags = {"env:prod"};
  e.statistic = *scenario::parseDistributionStatistic(statistic);
  e.value = value;
  e.tolerance = tolerance;
  return e;
}

expect::ExpectationResult judge(const DistributionExpectation& e, const std::vector<fakeintake::DecodedSketch>& all) {
  MergedDistribution m;
  for (const auto& s : all) expect::mergeIfMatching(e, s, m);
  return expect::judgeDistribution(e, m);
}

TEST(DistributionStatisticTest, NamesAndPercentiles) {
  const struct {
    const char* text;
    Kind kind;
    double quantile;
  } ok[] = {{"count", Kind::kCount, 0}, {"sum", Kind::kSum, 0},         {"min", Kind::kMin, 0},
            {"max", Kind::kMax, 0},     {"avg", Kind::kAvg, 0},         {"p50", Kind::kQuantile, 0.5},
            {"p75", Kind::kQuantile, 0.75}, {"p99", Kind::kQuantile, 0.99}, {"p99.9", Kind::kQuantile, 0.999},
            {"p5", Kind::kQuantile, 0.05},  {"p0.1", Kind::kQuantile, 0.001}};
  for (const auto& c : ok) {
    auto s = scenario::parseDistributionStatistic(c.text);
    ASSERT_TRUE(s.isOk()) << c.text << ": " << s.status().message();
    EXPECT_EQ(s->kind, c.kind) << c.text;
    EXPECT_DOUBLE_EQ(s->quantile, c.quantile) << c.text;
    EXPECT_EQ(s->name, c.text);
  }
  const struct {
    const char* text;
    const char* error;
  } bad[] = {{"median", "unknown statistic \"median\""}, {"p", "unknown statistic"},   {"P99", "unknown statistic"},
             {"p99.", "unknown statistic"},             {"p-5", "unknown statistic"}, {"p1e1", "unknown statistic"},
             {"p0", "percentile \"p0\" is out of range"},  {"p100", "percentile \"p100\" is out of range"},
             {"p0.0", "out of range"},                  {"p150", "out of range"}};
  for (const auto& c : bad) {
    auto s = scenario::parseDistributionStatistic(c.text);
    ASSERT_FALSE(s.isOk()) << c.text;
    EXPECT_NE(s.status().message().find(c.error), std::string::npos) << s.status().message();
  }
}

TEST(DistributionStatisticTest, BadExpectationsNameTheirJsonPath) {
  const struct {
    const char* expect;
    const char* error;
  } cases[] = {
      {R"({"kind": "distribution", "name": "d", "statistic": "p9x", "value": 1})",
       "s.json: $.expect[0].statistic: unknown statistic \"p9x\": expected count, sum, min, max, avg or a percentile"},
      {R"({"kind": "distribution", "name": "d", "statistic": "p0", "value": 1})",
       "s.json: $.expect[0].statistic: percentile \"p0\" is out of range: N must be strictly between 0 and 100"},
      {R"({"kind": "distribution", "name": "d", "statistic": "p100", "value": 1})",
       "s.json: $.expect[0].statistic: percentile \"p100\" is out of range"},
      {R"({"kind": "distribution", "name": "d", "statistic": "p99"})", "s.json: $.expect[0].value: is required"},
      {R"({"kind": "distribution", "name": "d", "value": 1})", "s.json: $.expect[0].statistic: is required"},
      {R"({"kind": "distribution", "statistic": "max", "value": 1})", "s.json: $.expect[0].name: is required"},
      {R"({"kind": "distribution", "name": "d", "statistic": "max", "value": 1, "tolerance": -1})",
       "s.json: $.expect[0].tolerance: expected a number in [0.0,"},
      {R"({"kind": "distribution", "name": "d", "statistic": "max", "value": 1, "aggregate": "sum"})",
       "s.json: $.expect[0].aggregate: unknown key"},
  };
  for (const auto& c : cases) {
    const std::string text = std::string(R"({"name": "x", "duration": 10, "expect": [)") + c.expect + "]}";
    auto r = scenario::parseScenarioText(text, "s.json");
    ASSERT_FALSE(r.isOk()) << c.expect;
    EXPECT_NE(r.status().message().find(c.error), std::string::npos) << r.status().message();
  }
  auto good = scenario::parseScenarioText(
      R"({"name": "x", "duration": 10, "expect": [{"kind": "distribution", "name": "d", "tags": ["env:a"],
          "statistic": "p99.9", "value": 250, "tolerance": 0.05}]})",
      "s.json");
  ASSERT_TRUE(good.isOk()) << good.status().message();
  const auto& e = std::get<DistributionExpectation>(good->expectations.at(0));
  EXPECT_EQ(e.name, "d");
  EXPECT_EQ(e.tags, std::vector<std::string>{"env:a"});
  EXPECT_DOUBLE_EQ(e.statistic.quantile, 0.999);
  EXPECT_DOUBLE_EQ(e.value, 250);
  EXPECT_DOUBLE_EQ(e.tolerance, 0.05);
}

// Known inputs -> known sketch -> known statistics. Quantile ranks follow the agent's rule
// round-half-even(q * (n - 1)): p50 of 1..100 is rank 50 (half to even), the value 51.
TEST(DistributionExpectationTest, KnownValuesGiveKnownStatistics) {
  const auto values = std::vector<fakeintake::DecodedSketch>{
      decoded("app.latency", {"env:prod", "service:web"}, {range(1, 50)}),
      decoded("app.latency", {"env:prod", "service:api"}, {range(51, 80), range(81, 100)}),
      decoded("app.latency", {"env:dev"}, {{1000, 2000}}),      // other tags: left out
      decoded("app.latency.other", {"env:prod"}, {{1000, 2000}}),  // other name: left out
  };
  const struct {
    const char* statistic;
    double value;
    bool passes;
  } cases[] = {
      {"count", 100, true}, {"count", 99, false},  {"sum", 5050, true},  {"sum", 5050.5, false},
      {"min", 1, true},     {"min", 0.5, false},   {"max", 100, true},   {"max", 2000, false},
      {"avg", 50.5, true},  {"avg", 50, false},    {"p50", 51, true},    {"p50", 50, false},
      {"p99", 99, true},    {"p90", 90, true},     {"p90", 92, false},   {"p25", 26, true},
      {"p99.9", 100, true},  // rank 99 of 0..99: the largest value
  };
  for (const auto& c : cases) {
    const auto r = judge(expectation(c.statistic, c.value), values);
    EXPECT_EQ(r.passed, c.passes) << c.statistic << " = " << c.value << ": " << r.detail;
    EXPECT_NE(r.detail.find("from 2 sketch(es), 3 point(s) merged"), std::string::npos) << r.detail;
  }
}

TEST(DistributionExpectationTest, SampleRatesWeighTheCountLikeTheAgent) {
  // @0.25: each value counts 4 times in the summary and in its bin (spec §4.3).
  const auto r = judge(expectation("count", 40), {decoded("app.latency", {"env:prod"}, {range(1, 10)}, 0.25)});
  EXPECT_TRUE(r.passed) << r.detail;
  EXPECT_TRUE(judge(expectation("sum", 220), {decoded("app.latency", {"env:prod"}, {range(1, 10)}, 0.25)}).passed);
}

// With no wider tolerance an expected quantile passes exactly when it lies in the bin holding
// the rank: [gamma^(j - 1/2), gamma^(j + 1/2)] for key j + 1338, i.e. within the relative
// accuracy (gamma - 1) / (gamma + 1) of the bin's representative.
TEST(DistributionExpectationTest, AQuantilePassesUpToTheEdgeOfTheSketchAccuracy) {
  const auto sketches = std::vector<fakeintake::DecodedSketch>{decoded("app.latency", {"env:prod"}, {range(1, 100)})};
  const double gamma = 1 + 1.0 / 64;
  const int j = static_cast<int>(std::lround(std::log(51.0) / std::log(gamma)));  // 51's key is j + 1338
  const double low = std::pow(gamma, j - 0.5), high = std::pow(gamma, j + 0.5);
  ASSERT_LT(low, 51);
  ASSERT_GT(high, 51);
  EXPECT_NEAR(config().relativeAccuracy(), 1.0 / 129, 1e-15);
  const struct {
    const char* what;
    double value;
    double tolerance;
    bool passes;
  } cases[] = {
      {"the lower edge of the bin", low, 0, true},
      {"just below it", low * (1 - 1e-6), 0, false},
      {"the upper edge of the bin", high, 0, true},
      {"just above it", high * (1 + 1e-6), 0, false},
      {"a tolerance narrower than the accuracy changes nothing", high * (1 + 1e-6), 0.001, false},
      {"a wider tolerance widens it", 51 * 1.04, 0.05, true},
      {"and is still a bound", 51 * 1.06, 0.05, false},
  };
  for (const auto& c : cases) {
    const auto r = judge(expectation("p50", c.value, c.tolerance), sketches);
    EXPECT_EQ(r.passed, c.passes) << c.what << ": " << r.description << ": " << r.detail;
  }
  const auto b = expect::quantileBounds(MergedDistribution{}.sketch, 0.5);
  EXPECT_EQ(b.value, 0);  // an empty sketch has no quantile
}

// Every value 5: the rank's bin is clamped to the exact [min, max] = [5, 5], so p99 is exactly 5,
// while the agent's interpolated estimate lands ~1.8 % above, beyond the sketch's accuracy.
TEST(DistributionExpectationTest, ClampingToMinAndMaxMakesAConstantExact) {
  std::vector<double> fives(600, 5.0);
  MergedDistribution m;
  const auto e = expectation("p99", 5);
  ASSERT_TRUE(expect::mergeIfMatching(e, decoded("app.latency", {"env:prod"}, {fives, fives}), m));
  const auto b = expect::quantileBounds(m.sketch, 0.99);
  EXPECT_EQ(b.rank, 1187);  // round(0.99 * 1199)
  EXPECT_EQ(b.value, 5);
  EXPECT_EQ(b.low, 5);
  EXPECT_EQ(b.high, 5);
  EXPECT_GT(b.agent_estimate, 5 * (1 + config().relativeAccuracy()));
  const auto r = expect::judgeDistribution(e, m);
  EXPECT_TRUE(r.passed) << r.detail;
  EXPECT_NE(r.detail.find("value 1187 of 1200 lies in [5, 5], the agent's interpolated estimate is 5.09"),
            std::string::npos)
      << r.detail;
}

TEST(DistributionExpectationTest, ZeroAndNegativeValuesHaveTheirOwnBins) {
  const auto sketches =
      std::vector<fakeintake::DecodedSketch>{decoded("app.latency", {"env:prod"}, {{-10, -10, 0, 10, 10}})};
  EXPECT_TRUE(judge(expectation("p50", 0), sketches).passed);     // key 0: |v| < 1e-9
  EXPECT_TRUE(judge(expectation("p25", -10), sketches).passed);   // rank 1: -10
  EXPECT_FALSE(judge(expectation("p25", -9.8), sketches).passed);
  EXPECT_TRUE(judge(expectation("p75", 10), sketches).passed);
  EXPECT_TRUE(judge(expectation("min", -10), sketches).passed);
  EXPECT_TRUE(judge(expectation("sum", 0), sketches).passed);
}

TEST(DistributionExpectationTest, NoMatchingSketchFailsAndSaysWhatWasLookedFor) {
  auto e = expectation("count", 0);
  e.tags = {"env:prod", "region:eu"};
  const auto r =
      judge(e, {decoded("app.latency", {"env:prod"}, {{1}}), decoded("app.other", {"env:prod", "region:eu"}, {{1}})});
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.detail, "no sketch named app.latency with tags {env:prod,region:eu} was decoded");
  EXPECT_EQ(r.description, "distribution app.latency{env:prod,region:eu} count = 0");
  e.tags.clear();
  EXPECT_EQ(judge(e, {}).detail, "no sketch named app.latency was decoded");
}

}  // namespace
}  // namespace ddsim
