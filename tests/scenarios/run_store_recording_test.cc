// What a run records into its run store (issue 11): the intake's payloads and points, the
// per-flush timeline, telemetry over time, faults and restarts as markers, the report; the
// expectations read it, and a store that lost data makes them fail as incomplete.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/store/run_store.h"
#include "simulator/expect/expectations.h"
#include "simulator/runner/simulation.h"
#include "simulator/scenario/scenario_loader.h"

namespace ddsim::runner {
namespace {

namespace fs = std::filesystem;

class RunStoreRecording : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ddsim_rec_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  RunResult run(const std::string& text, const std::string& store) {
    auto s = scenario::parseScenarioText(text, "test.json");
    EXPECT_TRUE(s.isOk()) << s.status().message();
    RunOptions o;
    o.store_path = store;
    auto r = runScenario(*s, o);
    EXPECT_TRUE(r.isOk()) << r.status().message();
    return r.isOk() ? *r : RunResult{};
  }
  fs::path dir_;
};

constexpr const char* kScenario = R"({"name": "rec", "duration": "3m", "drain": "1m", "intake": "inprocess",
  "workloads": [{"type": "dogstatsd", "name": "exact", "transport": "inproc", "contexts": 1,
                 "names": ["rec.requests"], "tags_per_metric": 0, "static_tags": ["env:rec"],
                 "metric_weights": {"count": 1}, "value_range": 1, "float_probability": 0, "rate": 10},
                {"type": "dogstatsd", "contexts": 200, "rate": 200,
                 "metric_weights": {"count": 1, "gauge": 1, "distribution": 1}}],
  "faults": [{"kind": "intake", "at": "60s", "until": "90s", "route": "/api/v2/series", "rule": {"status": 503}},
             {"kind": "restart", "at": "120s", "downtime": "10s"}],
  "expect": [{"kind": "metric", "name": "rec.requests", "tags": ["env:rec"], "aggregate": "sum",
              "times_interval": true, "value": 1700}]})";
// 1700 = 10/s for 180 s, less the 10 s the agent is down (samples sent then are counted as
// agent_down, spec: a stopped agent's socket is closed).

TEST_F(RunStoreRecording, TheStoreHoldsTheRunAndTheExpectationsReadIt) {
  const std::string path = (dir_ / "rec.sqlite").string();
  RunResult r = run(kScenario, path);
  ASSERT_TRUE(r.passed()) << r.report["failures"].dump(2);
  EXPECT_EQ(r.report["run"]["run_store"], path);
  EXPECT_GT(r.report["run"]["peak_rss_bytes"].get<int64_t>(), 0);
  EXPECT_EQ(r.report["summary"]["intake_evictions"], 0);

  auto s = store::RunStore::open(path).value();
  EXPECT_EQ(s->meta("status").value_or(""), "complete");
  EXPECT_EQ(s->meta("scenario").value_or(""), "rec");
  EXPECT_FALSE(s->meta("report").value_or("").empty());
  // One flush row per flush the report counted, each payload the intake stored.
  EXPECT_EQ(static_cast<int64_t>(s->flushes().value().size()), r.report["summary"]["flushes"].get<int64_t>());
  const auto stored = s->payloads("main", "", 0, 0).value();
  int64_t stored_ok = 0;
  for (const auto& p : stored) stored_ok += p.row.status >= 200 && p.row.status < 300;
  EXPECT_EQ(stored_ok, r.report["summary"]["transactions_delivered"].get<int64_t>() +
                           r.report["summary"]["late_deliveries"].get<int64_t>());
  // The expectation's points, straight from the store.
  store::PointQuery q;
  q.name = "rec.requests";
  q.tags = {"env:rec"};
  double total = 0;
  for (const auto& p : s->seriesPoints(q).value()) total += p.value * static_cast<double>(p.interval);
  EXPECT_EQ(total, 1700);
  // Distributions arrive as sketches with their bins.
  bool bins = false;
  for (const auto& e : s->payloads("main", "/api/beta/sketches", 0, 0).value()) bins |= e.row.points > 0;
  EXPECT_TRUE(bins);
  // Faults and the restart are markers on the run's time axis.
  std::vector<std::string> labels;
  for (const auto& m : s->markers().value()) labels.push_back(std::to_string(static_cast<int>(m.at)) + " " + m.kind + ": " + m.label);
  ASSERT_EQ(labels.size(), 4u) << ::testing::PrintToString(labels);
  EXPECT_EQ(labels[0], "60 fault: fault#0 on /api/v2/series starts");
  EXPECT_EQ(labels[1], "90 fault: fault#0 on /api/v2/series ends");
  EXPECT_EQ(labels[2].substr(0, 15), "120 restart: ag");
  EXPECT_EQ(labels[3], "130 restart: agent started");
  // Telemetry every 5 s of scenario time: the retry queue filled during the outage.
  const auto depth = s->telemetrySeries("forwarder.retry_queue.items").value();
  ASSERT_GT(depth.size(), 30u);
  double deepest = 0;
  for (const auto& [at, v] : depth) deepest = std::max(deepest, v);
  EXPECT_GT(deepest, 0);
  // The outage's 503s are attempts with their status, inside the fault window.
  int answered_503 = 0;
  for (const auto& a : s->attempts().value()) {
    if (a.status == 503) {
      ++answered_503;
      EXPECT_GE(a.at, 60);
      EXPECT_LE(a.at, 90);
    }
  }
  EXPECT_GT(answered_503, 0);
  EXPECT_TRUE(s->evictions().value().empty());
  EXPECT_EQ(r.report["run"]["run_store_write_errors"], 0);
}

TEST_F(RunStoreRecording, AnEvictionOnTheSeriesRoutesMakesAMetricExpectationIncomplete) {
  // The same run, then a store that lost series payloads (as a disk bound would make it):
  // evaluating again must not compute a value from what is left.
  const std::string path = (dir_ / "rec.sqlite").string();
  RunResult r = run(kScenario, path);
  ASSERT_TRUE(r.passed()) << r.report["failures"].dump(2);
  auto s = store::RunStore::open(path).value();
  ASSERT_TRUE(s->countEviction("main", "/api/v2/series", "disk", 3, 1200).isOk());
  auto sc = scenario::parseScenarioText(kScenario, "test.json").value();
  expect::RunFacts facts;
  expect::IntakeData data{*s, {"main"}};
  auto results = expect::evaluate(sc.expectations, facts, data);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].passed);
  EXPECT_EQ(results[0].detail.rfind("incomplete: 3 /api/v2/series payloads (1200 items) evicted by disk", 0), 0u)
      << results[0].detail;
}

TEST_F(RunStoreRecording, AnExistingStoreFileIsReplacedNotAppendedTo) {
  const std::string path = (dir_ / "rec.sqlite").string();
  RunResult a = run(kScenario, path);
  RunResult b = run(kScenario, path);
  ASSERT_TRUE(b.passed()) << b.report["failures"].dump(2);
  auto s = store::RunStore::open(path).value();
  EXPECT_EQ(static_cast<int64_t>(s->flushes().value().size()), b.report["summary"]["flushes"].get<int64_t>());
  EXPECT_EQ(s->payloads("main", "", 0, 0).value().front().id, 1);
}

}  // namespace
}  // namespace ddsim::runner
