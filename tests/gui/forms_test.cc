// The dashboard's forms (gui/model/scenario_knobs.h, fault_form.h): the knobs read from and
// written back into scenario JSON, and the fault panel's rules as the fakeintake parses them.
#include <gtest/gtest.h>

#include "fakeintake/faults/fault_rule.h"
#include "gui/model/fault_form.h"
#include "gui/model/scenario_knobs.h"

namespace ddsim::gui {
namespace {

using nlohmann::json;

const json kScenario = json::parse(R"({
  "name": "t", "duration": "5m",
  "agent": {"forwarder_num_workers": 2},
  "workloads": [
    {"type": "checks", "checks": 1},
    {"type": "dogstatsd", "contexts": 2000, "tags_per_metric": [2, 6], "rate": {"kind": "constant", "per_second": 2000}}
  ]})");

TEST(ScenarioKnobsTest, ReadsTheScenarioOverTheAgentsDefaults) {
  auto k = ScenarioKnobs::read(kScenario).value();
  EXPECT_TRUE(k.has_dogstatsd);
  EXPECT_EQ(k.contexts, 2000);
  EXPECT_EQ(k.rate_per_second, 2000);
  EXPECT_EQ(k.tags_min, 2);
  EXPECT_EQ(k.tags_max, 6);
  EXPECT_EQ(k.duration_seconds, 300);
  EXPECT_EQ(k.forwarder_workers, 2);
  // Agent defaults (spec §5, core/config/config_keys.cc): zstd level 1, v2 series, 512000 B.
  EXPECT_EQ(k.compressor, "zstd");
  EXPECT_EQ(k.compressor_level, 1);
  EXPECT_TRUE(k.series_v2);
  EXPECT_EQ(k.max_payload_size, 512000);
  EXPECT_EQ(k.flush_interval_seconds, 15);
}

TEST(ScenarioKnobsTest, WritesOnlyWhatChanged) {
  json s = kScenario;
  auto k = ScenarioKnobs::read(s).value();
  k.apply(s);
  EXPECT_EQ(s, kScenario);  // nothing changed, nothing written
  k.contexts = 5000;
  k.compressor = "zlib";
  k.series_v2 = false;
  k.max_payload_size = 100000;
  k.apply(s);
  EXPECT_EQ(s["workloads"][1]["contexts"], 5000);
  EXPECT_EQ(s["agent"]["serializer_compressor_kind"], "zlib");
  EXPECT_EQ(s["agent"]["use_v2_api.series"], false);
  EXPECT_EQ(s["agent"]["serializer_max_payload_size"], 100000);
  EXPECT_FALSE(s["agent"].contains("serializer_zstd_compressor_level"));
  auto again = ScenarioKnobs::read(s).value();
  EXPECT_EQ(again.contexts, 5000);
  EXPECT_EQ(again.max_payload_size, 100000);
}

TEST(ScenarioKnobsTest, BadAgentSettingsAreRefusedWithTheKey) {
  json s = kScenario;
  s["agent"]["forwarder_num_workers"] = "many";
  auto k = ScenarioKnobs::read(s);
  ASSERT_FALSE(k.isOk());
  EXPECT_NE(k.status().message().find("forwarder_num_workers"), std::string::npos) << k.status().message();
}

TEST(FaultFormTest, EveryEffectIsARuleTheFakeintakeAccepts) {
  // Table: the panel's effect -> what the parsed rule must do (docs/fakeintake-api.md, Faults).
  FaultForm f;
  f.probability = 0.5;
  f.duration_s = 30;
  struct Row {
    FaultForm::Effect effect;
    int status;
  };
  for (const Row& row : {Row{FaultForm::Effect::kStatus, 429}, Row{FaultForm::Effect::kOutage, 503},
                         Row{FaultForm::Effect::kLatency, 0}, Row{FaultForm::Effect::kTimeout, 0},
                         Row{FaultForm::Effect::kReset, 0}}) {
    f.effect = row.effect;
    f.status = 429;
    f.retry_after_s = 7;
    auto r = fakeintake::faultRuleFromJson(f.toRule(), "form").value();
    EXPECT_EQ(r.route, "/api/v2/series");
    EXPECT_EQ(r.duration, std::chrono::seconds(30));
    if (row.status) EXPECT_EQ(r.status, row.status) << f.label();
    else EXPECT_FALSE(r.status.has_value()) << f.label();
    EXPECT_EQ(r.probability, row.effect == FaultForm::Effect::kOutage ? 1.0 : 0.5) << f.label();
    if (row.effect == FaultForm::Effect::kStatus) EXPECT_EQ(r.retry_after_s, 7);
    if (row.effect == FaultForm::Effect::kLatency) EXPECT_TRUE(r.latency.has_value());
    if (row.effect == FaultForm::Effect::kTimeout) EXPECT_TRUE(r.never_answer);
    if (row.effect == FaultForm::Effect::kReset) EXPECT_TRUE(r.reset);
  }
  f.effect = FaultForm::Effect::kLatency;
  f.latency_distribution = "uniform";
  f.latency_spread_ms = 100;
  f.latency_ms = 900;
  auto r = fakeintake::faultRuleFromJson(f.toRule(), "form").value();
  EXPECT_EQ(r.latency->distribution, fakeintake::LatencyDistribution::kUniform);
  EXPECT_EQ(r.latency->min_ms, 100);
  EXPECT_EQ(r.latency->max_ms, 900);
}

TEST(FaultFormTest, LabelsSayWhatWhereAndHowLong) {
  FaultForm f;
  EXPECT_EQ(f.label(), "503 on /api/v2/series (60 s)");
  f.probability = 0.25;
  f.duration_s = 0;
  f.route = "*";
  EXPECT_EQ(f.label(), "503 on * (p=0.25)");
}

}  // namespace
}  // namespace ddsim::gui
