// The load estimate behind the warning printed before an absurd run (issue 11).
#include "simulator/scenario/load_estimate.h"

#include <gtest/gtest.h>

#include "simulator/scenario/scenario_loader.h"

namespace ddsim::scenario {
namespace {

Scenario load(const std::string& text) {
  auto s = parseScenarioText(text, "t.json");
  EXPECT_TRUE(s.isOk()) << s.status().message();
  return s.isOk() ? *s : Scenario{};
}

TEST(LoadEstimateTest, CountsEachWorkloadOverItsOwnWindow) {
  struct Case {
    const char* workloads;
    double lines;
    double other;
  };
  const Case cases[] = {
      {R"([{"type": "dogstatsd", "rate": 10}])", 1000, 0},
      {R"([{"type": "dogstatsd", "rate": 10, "start": 40}])", 600, 0},
      {R"([{"type": "dogstatsd", "rate": 10, "start": 40, "stop": 50}])", 100, 0},
      {R"([{"type": "dogstatsd", "rate": {"kind": "linear", "from": 0, "to": 20, "over": 100}}])", 1000, 0},
      {R"([{"type": "events", "rate": 2}, {"type": "service_checks", "rate": 1}])", 0, 300},
      {R"([{"type": "checks", "checks": 2, "metrics_per_check": 5, "interval": 10}])", 0, 100},
      // Traces count as spans (the mean of spans_per_trace per trace).
      {R"([{"type": "traces", "rate": 3, "spans_per_trace": [2, 4], "start": 50}])", 0, 450},
  };
  for (const auto& c : cases) {
    const Scenario s = load(std::string(R"({"name": "t", "duration": 100, "workloads": )") + c.workloads + "}");
    const LoadEstimate e = estimateLoad(s);
    EXPECT_NEAR(e.dogstatsd_lines, c.lines, 1e-6) << c.workloads;
    EXPECT_NEAR(e.other_items, c.other, 1e-6) << c.workloads;
  }
}

TEST(LoadEstimateTest, WarnsOnlyWhenTheLoadIsAbsurd) {
  EXPECT_TRUE(loadWarnings(load(R"({"name": "t", "duration": "15m",
      "workloads": [{"type": "dogstatsd", "contexts": 10000, "rate": 10000}]})")).empty());
  const auto long_run = loadWarnings(load(R"({"name": "t", "duration": "1000000h",
      "workloads": [{"type": "dogstatsd", "rate": 1}]})"));
  ASSERT_EQ(long_run.size(), 1u);
  EXPECT_NE(long_run[0].find("about 3.6 G items"), std::string::npos) << long_run[0];
  const auto fast = loadWarnings(load(R"({"name": "t", "duration": "10s",
      "workloads": [{"type": "dogstatsd", "rate": 1e12}]})"));
  ASSERT_EQ(fast.size(), 1u);
  EXPECT_NE(fast[0].find("peak 1 T lines/s"), std::string::npos) << fast[0];
}

}  // namespace
}  // namespace ddsim::scenario
