// The dashboard's controller (gui/controller): a real scenario run on its own thread in virtual
// time, paused at a virtual time (no sleeps on the real clock: the run stops where asked), a
// fault injected live, the run resumed and stopped; then the recorded run replayed and one of
// its payloads decoded by the inspector.
#include "gui/controller/sim_controller.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "gui/model/dashboard_model.h"
#include "gui/model/fault_form.h"
#include "gui/model/payload_inspector.h"
#include "gui/model/run_replay.h"
#include "gui/model/span_tree.h"
#include "simulator/scenario/scenario_loader.h"
#include "tests/support/poll.h"

namespace ddsim::gui {
namespace {

using testing::pollUntil;

constexpr const char* kScenario = R"({
  "name": "gui-controller", "seed": 3, "duration": "4m", "mode": "virtual", "intake": "http",
  "workloads": [{"type": "dogstatsd", "name": "app", "transport": "udp", "contexts": 300,
                 "tags_per_metric": [1, 3], "rate": 300}]})";

class ControllerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("ddsim_gui_controller_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Drains the feed into the model until `pred` holds (bounded by the hang guard).
  template <typename Pred>
  bool pumpUntil(SimController& c, DashboardModel& m, Pred pred) {
    std::vector<LiveEvent> events;
    return pollUntil([&] {
      events.clear();
      c.feed()->drain(events);
      for (const auto& e : events) m.apply(e);
      return pred();
    });
  }

  std::filesystem::path dir_;
};

TEST_F(ControllerTest, PausesAtAVirtualTimeTakesALiveFaultAndRecordsTheRun) {
  auto scenario = scenario::parseScenarioText(kScenario, "test").value();
  SimController c;
  const std::string store = (dir_ / "run.sqlite").string();
  ASSERT_TRUE(c.start(scenario, {store, 0, 60.0}).isOk());
  DashboardModel m;
  ASSERT_TRUE(pumpUntil(c, m, [&] { return c.control()->paused() && m.now() >= 59; }));
  EXPECT_LT(m.now(), 61);
  EXPECT_GE(m.flushes(), 3);
  ASSERT_NE(m.series(ChartId::kTransactions, "2xx"), nullptr);
  EXPECT_EQ(m.series(ChartId::kTransactions, "5xx"), nullptr);

  // A 503 outage on the series route for 30 s, from the fault panel's form.
  FaultForm f;
  f.effect = FaultForm::Effect::kStatus;
  f.status = 503;
  f.duration_s = 30;
  c.control()->request({runner::LiveCommand::Kind::kFault, f.toRule(), f.label(), 0});
  c.control()->pauseAt(120.0);
  c.control()->resume();
  ASSERT_TRUE(pumpUntil(c, m, [&] { return c.control()->paused() && m.now() >= 119; }));
  ASSERT_NE(m.series(ChartId::kTransactions, "5xx"), nullptr);
  EXPECT_GT(m.routes().at("/api/v2/series").attempts_by_status.at("503"), 0);
  bool starts = false, ends = false;
  for (const auto& mk : m.markers()) {
    if (mk.label == "503 on /api/v2/series (30 s) starts") starts = mk.t >= 59 && mk.t < 61;
    if (mk.label == "503 on /api/v2/series (30 s) ends") ends = mk.t >= 89 && mk.t < 91;
  }
  EXPECT_TRUE(starts && ends);

  // A live rate change: twice the samples per second from here.
  const double before = m.series(ChartId::kThroughput, "samples in/s")->back().v;
  c.control()->request({runner::LiveCommand::Kind::kRateScale, {}, "rate x2", 2.0});
  c.control()->pauseAt(170.0);
  c.control()->resume();
  ASSERT_TRUE(pumpUntil(c, m, [&] { return c.control()->paused() && m.now() >= 169; }));
  EXPECT_NEAR(m.series(ChartId::kThroughput, "samples in/s")->back().v, 2 * before, 0.2 * before);

  c.stopAndWait();
  ASSERT_TRUE(pumpUntil(c, m, [&] { return m.finished(); }));
  EXPECT_FALSE(m.passed());  // stopped early
  EXPECT_NE(m.verdict().find("STOPPED"), std::string::npos) << m.verdict();

  // The recorded run replays into the same charts, and its payloads decode.
  auto s = store::RunStore::open(store, {.read_only = true}).value();
  auto run = RecordedRun::load(*s).value();
  DashboardModel replay;
  run.replayUntil(replay, run.duration);
  EXPECT_EQ(replay.flushes(), m.flushes());
  EXPECT_EQ(replay.routes().at("/api/v2/series").attempts_by_status.at("503"),
            m.routes().at("/api/v2/series").attempts_by_status.at("503"));
  DashboardModel half;
  run.replayUntil(half, 60);
  EXPECT_LT(half.flushes(), replay.flushes());

  auto rows = inspectPayloads(*s, {"/api/v2/series", 202}).value();
  ASSERT_FALSE(rows.empty());
  auto decoded = decodePayload(*s, rows.front()).value();
  EXPECT_EQ(decoded["route"], "/api/v2/series");
  ASSERT_FALSE(decoded["items"].empty());
  EXPECT_TRUE(decoded["items"][0].contains("metric"));
  const auto hits = searchJson(decoded, decoded["items"][0]["metric"].get<std::string>());
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits.front(), "/items/0/metric");
  EXPECT_TRUE(inspectPayloads(*s, {"/api/v2/series", 503}).value().empty());  // not stored: refused
}

// The inspector's span trees on a simulated run's trace payloads, read back from its run store:
// every span decoded is shown once, under the span its parent id names.
TEST_F(ControllerTest, TracePayloadsOfARecordedRunShowAsSpanTrees) {
  constexpr const char* kTraces = R"({
    "name": "gui-traces", "seed": 5, "duration": "30s", "mode": "virtual", "intake": "http",
    "workloads": [{"type": "traces", "name": "web", "protocol": "v0.5", "rate": 40,
                   "spans_per_trace": [3, 9], "depth": 3, "services": 3, "error_ratio": 0.1,
                   "sampling_weights": {"user_keep": 1}}]})";
  auto scenario = scenario::parseScenarioText(kTraces, "test");
  ASSERT_TRUE(scenario.isOk()) << scenario.status().toString();
  SimController c;
  const std::string store = (dir_ / "traces.sqlite").string();
  ASSERT_TRUE(c.start(*scenario, {store}).isOk());
  DashboardModel m;
  ASSERT_TRUE(pumpUntil(c, m, [&] { return m.finished(); }));

  auto s = store::RunStore::open(store, {.read_only = true}).value();
  auto rows = inspectPayloads(*s, {"/api/v0.2/traces", 200}).value();
  ASSERT_FALSE(rows.empty());
  size_t spans = 0, shown = 0, nested = 0, errors = 0;
  for (const auto& row : rows) {
    auto decoded = decodePayload(*s, row).value();
    for (const auto& item : decoded["items"]) {
      for (const auto& tp : item["tracerPayloads"]) {
        for (const auto& chunk : tp["chunks"]) spans += chunk["spans"].size();
      }
    }
    auto trees = spanTreesFromDecoded(decoded);
    ASSERT_TRUE(trees.isOk()) << trees.status().toString();
    for (const TraceTree& t : *trees) {
      EXPECT_TRUE(t.problems.empty()) << t.problems.front();
      ASSERT_FALSE(t.rows.empty());
      EXPECT_EQ(t.rows.front().depth, 0);
      EXPECT_EQ(t.rows.front().span.parent_id, 0u);
      std::vector<uint64_t> path;  // span ids from the root down to the previous row
      for (const SpanRow& r : t.rows) {
        ASSERT_LE(static_cast<size_t>(r.depth), path.size());
        path.resize(static_cast<size_t>(r.depth));
        if (r.depth > 0) {
          EXPECT_EQ(r.span.parent_id, path.back());
          ++nested;
        }
        path.push_back(r.span.span_id);
        EXPECT_GE(r.from, 0.0);
        EXPECT_LE(r.to, 1.0);
      }
      shown += t.rows.size();
      errors += t.errors;
    }
  }
  EXPECT_EQ(shown, spans);
  EXPECT_GT(nested, 0u);
  EXPECT_GT(errors, 0u);
}

}  // namespace
}  // namespace ddsim::gui

namespace ddsim::runner {
namespace {

// LiveControl on its own (simulator/runner/live.h): bounded commands, pause-at, pacing.
TEST(LiveControlTest, CommandsAreBoundedAndTakenInOrder) {
  LiveControl c;
  for (size_t i = 0; i < LiveControl::kMaxPending; ++i) {
    ASSERT_TRUE(c.request({LiveCommand::Kind::kRateScale, {}, std::to_string(i), 1.0}));
  }
  EXPECT_FALSE(c.request({LiveCommand::Kind::kRateScale, {}, "one too many", 1.0}));
  EXPECT_EQ(c.refused(), 1u);
  const auto taken = c.take();
  ASSERT_EQ(taken.size(), LiveControl::kMaxPending);
  EXPECT_EQ(taken.front().label, "0");
  EXPECT_EQ(taken.back().label, std::to_string(LiveControl::kMaxPending - 1));
  EXPECT_TRUE(c.take().empty());
}

TEST(LiveControlTest, PauseAtStopsAtThatVirtualTimeUntilResumed) {
  LiveControl c;
  c.pauseAt(60.0);
  EXPECT_FALSE(c.waitWhilePaused(59.5));
  EXPECT_TRUE(c.waitWhilePaused(60.0));  // reached: paused (waits at most one short step)
  EXPECT_TRUE(c.paused());
  c.resume();
  EXPECT_FALSE(c.waitWhilePaused(60.5));
  c.pause();
  c.stop();
  EXPECT_FALSE(c.waitWhilePaused(61));  // a stop ends every wait
}

TEST(LiveControlTest, PacingKeepsVirtualTimeAtTheSpeed) {
  LiveControl c;
  EXPECT_EQ(c.paceDelay(100, 0), 0);  // as fast as possible
  c.setSpeed(10);
  EXPECT_EQ(c.paceDelay(100, 5.0), 0);      // anchors here
  EXPECT_NEAR(c.paceDelay(120, 5.0), 2.0, 1e-9);  // 20 virtual s at 10x: 2 real s later
  EXPECT_EQ(c.paceDelay(120, 7.5), 0);      // already late: no wait
  c.setSpeed(100);
  EXPECT_EQ(c.paceDelay(120, 8.0), 0);      // a new speed re-anchors
  EXPECT_NEAR(c.paceDelay(130, 8.0), 0.1, 1e-9);
}

}  // namespace
}  // namespace ddsim::runner
