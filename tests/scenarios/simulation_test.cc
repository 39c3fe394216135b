// End-to-end properties of a simulation run (issue 7): repeatability, the accounting identity
// under loss, restarts, realtime mode, and failure messages.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <fstream>

#include "simulator/report/report_numbers.h"
#include "simulator/runner/simulation.h"
#include "simulator/scenario/scenario_loader.h"

namespace ddsim::runner {
namespace {

scenario::Scenario load(const std::string& text) {
  auto s = scenario::parseScenarioText(text, "test.json");
  EXPECT_TRUE(s.isOk()) << s.status().message();
  return s.isOk() ? *s : scenario::Scenario{};
}

RunResult run(const scenario::Scenario& s) {
  auto r = runScenario(s);
  EXPECT_TRUE(r.isOk()) << r.status().message();
  return r.isOk() ? *r : RunResult{};
}

const nlohmann::json* stage(const nlohmann::json& report, const std::string& name) {
  for (const auto& s : report["accounting"]["stages"]) {
    if (s["stage"] == name) return &s;
  }
  return nullptr;
}

TEST(SimulationTest, SameSeedSameReportApartFromMeasuredTimings) {
  auto s = scenario::loadScenarioFile(std::string(DDSIM_SCENARIOS_DIR) + "/default.json");
  ASSERT_TRUE(s.isOk()) << s.status().message();
  RunResult a = run(*s), b = run(*s);
  ASSERT_TRUE(a.passed()) << a.report["failures"].dump(2);
  EXPECT_EQ(deterministicPart(a.report).dump(), deterministicPart(b.report).dump());
  // ... and the seed matters.
  auto other = *s;
  other.seed = 8;
  RunResult c = run(other);
  EXPECT_NE(deterministicPart(a.report)["flushes"].dump(), deterministicPart(c.report)["flushes"].dump());
}

// A UDP workload beside an in-process one (scenarios/intake-outage.json does this): the UDP
// samples reach the agent from the listener's worker, the in-process ones from the run thread.
// In-process samples are held until the listener has parsed the tick's packets, so contexts are
// created, and series written into each payload, in the same order on every run: the
// compressed payload sizes repeat exactly.
TEST(SimulationTest, UdpBesideInProcessWorkloadsRepeatsByteForByte) {
  auto s = load(R"({"name": "mixed", "duration": "2m", "seed": 3, "intake": "inprocess",
    "workloads": [
      {"type": "dogstatsd", "name": "app", "transport": "udp", "contexts": 2000, "tags_per_metric": [2, 5],
       "metric_weights": {"count": 2, "gauge": 2, "histogram": 1}, "rate": 4000},
      {"type": "dogstatsd", "name": "exact", "transport": "inproc", "contexts": 200, "rate": 400}],
    "expect": [{"kind": "delivery", "no_loss": true}]})");
  RunResult a = run(s), b = run(s);
  ASSERT_TRUE(a.passed()) << a.report["failures"].dump(2);
  EXPECT_EQ(deterministicPart(a.report)["payloads"].dump(), deterministicPart(b.report)["payloads"].dump());
  EXPECT_EQ(deterministicPart(a.report).dump(), deterministicPart(b.report).dump());
}

TEST(SimulationTest, AnOutageThatOutlastsTheRunIsLossCountedByReasonNotMissing) {
  auto s = load(R"({"name": "t", "duration": "2m", "drain": "30s", "intake": "inprocess",
    "workloads": [{"type": "dogstatsd", "contexts": 100, "rate": 100}],
    "faults": [{"kind": "intake", "at": "30s", "route": "*", "rule": {"status": 503}}],
    "expect": [{"kind": "delivery", "no_loss": true}]})");
  RunResult r = run(s);
  EXPECT_TRUE(r.accounting_holds) << r.report["accounting"].dump(2);
  EXPECT_FALSE(r.expectations_passed);
  EXPECT_GT(r.report["summary"]["loss"].get<int64_t>(), 0);
  const auto* f = stage(r.report, "forwarder");
  ASSERT_NE(f, nullptr);
  EXPECT_GT((*f)["dropped"].size(), 0u) << f->dump();
  ASSERT_FALSE(r.failures.empty());
  EXPECT_NE(r.failures.front().find("no loss"), std::string::npos) << r.failures.front();
  // Issue 11: the loss is counted in its unit (transactions), never added to samples.
  const auto& by_unit = r.report["summary"]["loss_by_unit"];
  ASSERT_TRUE(by_unit.contains("transactions")) << by_unit.dump();
  EXPECT_EQ(by_unit["transactions"].get<int64_t>(), r.report["summary"]["loss"].get<int64_t>());
  EXPECT_NE(r.failures.front().find(std::to_string(by_unit["transactions"].get<int64_t>()) + " transactions lost"),
            std::string::npos)
      << r.failures.front();
}

TEST(SimulationTest, WithDiskSpillWhatTheOutageHoldsAtTheEndIsOnDisk) {
  auto s = load(R"({"name": "t", "duration": "2m", "drain": "30s", "intake": "inprocess",
    "agent": {"forwarder_storage_max_size_in_bytes": 50000000},
    "workloads": [{"type": "dogstatsd", "contexts": 100, "rate": 100}],
    "faults": [{"kind": "intake", "at": "30s", "route": "*", "rule": {"status": 503}}]})");
  RunResult r = run(s);
  EXPECT_TRUE(r.accounting_holds) << r.report["accounting"].dump(2);
  const auto* f = stage(r.report, "forwarder");
  ASSERT_NE(f, nullptr);
  ASSERT_TRUE((*f)["held"].contains("on_disk")) << f->dump();
  EXPECT_GT((*f)["held"]["on_disk"].get<int64_t>(), 0);
}

TEST(SimulationTest, SamplesSentWhileTheAgentIsDownAreCountedAsAgentDown) {
  auto s = load(R"({"name": "t", "duration": "1m", "intake": "inprocess",
    "workloads": [{"type": "dogstatsd", "contexts": 10, "rate": 100, "metric_weights": {"gauge": 1}}],
    "faults": [{"kind": "restart", "at": "20s", "downtime": "10s"}]})");
  RunResult r = run(s);
  EXPECT_TRUE(r.accounting_holds) << r.report["accounting"].dump(2);
  EXPECT_EQ(r.report["summary"]["restarts"], 1);
  EXPECT_EQ(r.report["summary"]["drops"]["sample_delivery.agent_down"].get<int64_t>(), 1000);  // 10 s x 100/s
  EXPECT_EQ(r.report["summary"]["drop_units"]["sample_delivery.agent_down"], "samples");
  // Issue 11: times also say how far into the run; counts are integers.
  const auto& flushes = r.report["flushes"];
  ASSERT_GE(flushes.size(), 2u);
  EXPECT_DOUBLE_EQ(flushes[0]["at_seconds"].get<double>(), 15.0);  // the first 15 s bucket's flush
  const auto& rq = r.report["retry_queue"];
  ASSERT_GE(rq.size(), 2u);
  EXPECT_DOUBLE_EQ(rq[1]["at_seconds"].get<double>(), 5.0);
  EXPECT_TRUE(rq[1]["transactions"].is_number_integer()) << rq[1].dump();
  EXPECT_EQ(r.report["summary"]["loss_by_unit"]["samples"].get<int64_t>(), 1000);
}

TEST(SimulationTest, AFailedMetricExpectationSaysByHowMuch) {
  auto s = load(R"({"name": "t", "duration": "1m", "intake": "inprocess",
    "workloads": [{"type": "dogstatsd", "contexts": 1, "names": ["x.requests"], "tags_per_metric": 0,
                   "metric_weights": {"count": 1}, "value_range": 1, "float_probability": 0, "rate": 10}],
    "expect": [{"kind": "metric", "name": "x.requests", "aggregate": "sum", "times_interval": true, "value": 500}]})");
  RunResult r = run(s);
  ASSERT_FALSE(r.expectations_passed);
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_NE(r.failures[0].find("got 600"), std::string::npos) << r.failures[0];
  EXPECT_NE(r.failures[0].find("off by 100, 20%"), std::string::npos) << r.failures[0];
}

TEST(SimulationTest, AdditionalEndpointsEachGetAnIntakeAndOneTransactionPerKey) {
  // spec §6.1/§6.2: one transaction per payload x domain x API key.
  for (const char* intake : {"inprocess", "http"}) {
    auto s = load(std::string(R"({"name": "t", "duration": "1m", "intake": ")") + intake + R"(",
      "agent": {"additional_endpoints": {"https://second.example": ["key-a", "key-b"]}},
      "workloads": [{"type": "dogstatsd", "contexts": 10, "rate": 10}],
      "expect": [{"kind": "delivery", "no_loss": true}]})");
    RunResult r = run(s);
    ASSERT_TRUE(r.passed()) << intake << ": " << r.report["failures"].dump(2);
    const auto& intakes = r.report["intakes"];
    ASSERT_EQ(intakes.size(), 2u) << intake;
    EXPECT_EQ(intakes[1]["endpoint"], "https://second.example");
    const auto main_series = intakes[0]["stored_payloads_by_route"]["/api/v2/series"].get<int64_t>();
    const auto second_series = intakes[1]["stored_payloads_by_route"]["/api/v2/series"].get<int64_t>();
    EXPECT_GT(main_series, 0) << intake;
    EXPECT_EQ(second_series, 2 * main_series) << intake;
  }
}

TEST(SimulationTest, ACorruptCaptureIsRejectedBeforeTheRunNotReplayedInPart) {
  const std::string path = "/tmp/ddsim-simulation-test-bad.dog";
  {
    // A valid version-2 header, then one record whose bytes are not a UnixDogstatsdMsg.
    std::ofstream f(path, std::ios::binary);
    const unsigned char bytes[] = {0xd4, 0x74, 0xd0, 0x60, 0xf2, 0xff, 0x00, 0x00, 0x03, 0x00,
                                   0x00, 0x00, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00};
    f.write(reinterpret_cast<const char*>(bytes), sizeof bytes);
  }
  auto s = load(R"({"name": "t", "duration": "1m", "workloads": [{"type": "replay", "file": ")" + path + R"("}]})");
  auto r = runScenario(s);
  ASSERT_FALSE(r.isOk());
  EXPECT_NE(r.status().message().find("capture record 0 at offset 8"), std::string::npos) << r.status().message();
  std::remove(path.c_str());
}

// Issue 11: a cut capture used to replay its complete records as if that were the whole file.
TEST(SimulationTest, ATruncatedCaptureIsRejectedBeforeTheRunWithItsOffset) {
  const std::string path = "/tmp/ddsim-simulation-test-cut.dog";
  {
    std::ifstream in(std::string(DDSIM_TEST_DATA_DIR) + "/datadog-capture.dog", std::ios::binary);
    const std::string whole((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream(path, std::ios::binary) << whole.substr(0, 100000);
  }
  auto s = load(R"({"name": "t", "duration": "1m", "workloads": [{"type": "replay", "file": ")" + path + R"("}]})");
  auto r = runScenario(s);
  ASSERT_FALSE(r.isOk());
  EXPECT_NE(r.status().message().find("replay workload 'replay': " + path +
                                      ": capture is truncated at byte offset 98960 after 12 complete records"),
            std::string::npos)
      << r.status().message();
  std::remove(path.c_str());
}

// Every number of `node` whose key does not name a time, duration, rate, ratio or mean is a
// JSON integer; the offending paths are appended to `floats`.
void collectFloatCounts(const nlohmann::json& node, const std::string& path, const std::string& key,
                        std::vector<std::string>& floats) {
  if (node.is_object()) {
    for (const auto& [k, v] : node.items()) collectFloatCounts(v, path + "." + k, k, floats);
  } else if (node.is_array()) {
    for (size_t i = 0; i < node.size(); ++i) {
      collectFloatCounts(node[i], path + "[" + std::to_string(i) + "]", key, floats);
    }
  } else if (node.is_number_float()) {
    const bool not_a_count = report::isRateOrDurationKey(key) || key == "start" || key == "t" || key == "mean" ||
                             key == "speedup";
    if (!not_a_count) floats.push_back(path + " = " + node.dump());
  }
}

// Issue 11: counts were written as floats ("payloads": 12.0, every telemetry counter).
TEST(SimulationTest, TheReportWritesCountsAsIntegers) {
  auto s = load(R"({"name": "t", "duration": "2m", "intake": "inprocess",
    "workloads": [{"type": "dogstatsd", "contexts": 200, "rate": 400,
                   "metric_weights": {"count": 1, "gauge": 1, "distribution": 1, "histogram": 1}},
                  {"type": "events", "rate": 1}],
    "faults": [{"kind": "intake", "at": "20s", "until": "50s", "route": "*", "rule": {"status": 503}}],
    "expect": [{"kind": "delivery", "no_loss": true}]})");
  RunResult r = run(s);
  ASSERT_TRUE(r.passed()) << r.report["failures"].dump(2);
  nlohmann::json checked = r.report;
  checked.erase("timings");  // measured seconds only
  checked["scenario"].erase("agent_overrides");  // the scenario's own values
  std::vector<std::string> floats;
  collectFloatCounts(checked, "$", "", floats);
  EXPECT_TRUE(floats.empty()) << ::testing::PrintToString(floats);
  EXPECT_TRUE(r.report["summary"]["payloads"].is_number_integer());
  EXPECT_TRUE(r.report["telemetry"]["forwarder.transactions.input_count"].is_number_integer());
  EXPECT_GT(r.report["telemetry"]["forwarder.transactions.retried"].get<int64_t>(), 0);
  // True durations and ratios stay floats.
  EXPECT_TRUE(r.report["flushes"][0]["at_seconds"].is_number_float());
  EXPECT_TRUE(r.report["run"]["virtual_seconds"].is_number_float());
  EXPECT_TRUE(r.report["payloads"]["/api/v2/series"]["compression_ratio"].is_number_float());
}

TEST(SimulationTest, RealtimeModeRunsOnTheSystemClockOverRealSockets) {
  auto s = load(R"({"name": "rt", "duration": "3s", "drain": "30s", "mode": "realtime", "intake": "http",
    "agent": {"ddsim.flush_interval": 1},
    "workloads": [{"type": "dogstatsd", "transport": "udp", "contexts": 50, "rate": 200}],
    "expect": [{"kind": "drops", "reason": "sample_delivery.agent_down", "max": 0},
               {"kind": "delivery", "no_loss": true}]})");
  RunResult r = run(s);
  // Issue 10: a realtime run stops its agent in drain mode unless it asks for the agent's
  // stop, so the last flush's payloads are sent, not cancelled: no fault, no loss.
  EXPECT_TRUE(r.passed()) << r.report["failures"].dump(2) << r.report["summary"].dump(2);
  EXPECT_EQ(r.report["summary"]["stop"]["mode"], "drain");
  EXPECT_EQ(r.report["summary"]["stop"]["lost"], 0);
  EXPECT_EQ(r.report["summary"]["stop"]["cancelled_in_flight"], 0);
  EXPECT_GE(r.report["summary"]["flushes"].get<int64_t>(), 3);
  EXPECT_GE(r.report["summary"]["samples_generated"].get<int64_t>(), 500);
}

// Issue 10, "a restart with disk spill loses samples and says lost: none": the samples of the
// open 10 s bucket at a stop never reach a flush. The agent loses them too (time_sampler.go
// flush: buckets at or after the cutoff are skipped; forceFlushAll only with
// dogstatsd_flush_incomplete_buckets), so they are counted, and the key sends them.
TEST(SimulationTest, ARestartMidBucketLosesTheOpenBucketUnlessFlushIncompleteBuckets) {
  const std::string base = R"({"name": "t", "duration": "2m", "intake": "inprocess",
    "agent": {"forwarder_storage_max_size_in_bytes": 50000000 FLUSH},
    "workloads": [{"type": "dogstatsd", "transport": "inproc", "contexts": 1, "names": ["ddsim.t.requests"],
      "tags_per_metric": 0, "metric_weights": {"count": 1}, "value_range": 1, "float_probability": 0, "rate": 10}],
    "faults": [{"kind": "intake", "at": "30s", "until": "90s", "route": "*", "rule": {"status": 503}},
               {"kind": "restart", "at": "65s", "downtime": 0}],
    "expect": [{"kind": "metric", "name": "ddsim.t.requests", "aggregate": "sum", "times_interval": true,
                "value": 1200, "tolerance": 0}]})";
  auto with = [&](const std::string& flush) {
    std::string text = base;
    text.replace(text.find(" FLUSH"), 6, flush);
    return run(load(text));
  };
  RunResult lossy = with("");
  EXPECT_TRUE(lossy.accounting_holds) << lossy.report["accounting"].dump(2);
  EXPECT_FALSE(lossy.expectations_passed);
  const auto* agg = stage(lossy.report, "aggregator_input");
  ASSERT_NE(agg, nullptr);
  // 65 s is 5 s into the [60, 70) bucket: 50 samples at 10 a second.
  EXPECT_EQ((*agg)["dropped"]["open_bucket_at_stop"], 50) << agg->dump();
  EXPECT_EQ(lossy.report["summary"]["loss"], 50);

  RunResult whole = with(R"(, "dogstatsd_flush_incomplete_buckets": true)");
  EXPECT_TRUE(whole.passed()) << whole.report["failures"].dump(2);
  EXPECT_EQ(whole.report["summary"]["loss"], 0);
}

// Issue 11: a step that runs long (a flush of 50,000 contexts takes milliseconds even on the
// fastest machine; the watchdog threshold here is 2 ms) is reported while it runs, from the
// watchdog thread, and progress calls never overlap.
TEST(SimulationTest, ALongStepIsReportedWhileItRuns) {
  auto s = load(R"({"name": "t", "duration": "30s", "drain": "30s", "intake": "inprocess",
    "workloads": [{"type": "dogstatsd", "transport": "inproc", "contexts": 50000, "rate": 50000,
                   "metric_weights": {"gauge": 1}}]})");
  RunOptions o;
  o.progress_interval_seconds = 0.001;
  std::atomic<int> in_call{0};
  std::atomic<bool> overlapped{false};
  std::vector<std::string> busy;
  o.on_progress = [&](const Progress& p) {
    if (in_call.fetch_add(1) != 0) overlapped = true;
    if (p.busy_seconds > 0) busy.push_back(p.busy_in);
    in_call.fetch_sub(1);
  };
  auto r = runScenario(s, o);
  ASSERT_TRUE(r.isOk()) << r.status().message();
  EXPECT_FALSE(overlapped.load());
  ASSERT_FALSE(busy.empty());
  EXPECT_FALSE(busy.front().empty());
}

}  // namespace
}  // namespace ddsim::runner
