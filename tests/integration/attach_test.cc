// The dashboard attached to a live pipeline (issue 12): a real `ddsim agent` (child process,
// telemetry.enabled) sending to a real fakeintake over loopback; the attach source polls the
// agent's /telemetry.json and the fakeintake's payloads, and a fault injected through it shows
// up as 503s in the route statistics and as a marker. Every wait is a bounded poll.
#include <gtest/gtest.h>

#include <regex>

#include "gui/controller/attach_source.h"
#include "gui/model/dashboard_model.h"
#include "gui/model/fault_form.h"
#include "tests/integration/agent_fixture.h"
#include "tests/support/child_process.h"
#include "tests/support/poll.h"

namespace ddsim {
namespace {

using namespace std::chrono_literals;
using testing::ChildProcess;

class AttachTest : public testing::AgentIntakeTest {};

TEST_F(AttachTest, TheDashboardFollowsALiveAgentAndItsFakeintake) {
  ChildProcess agent({DDSIM_BINARY, "agent", "--config", writeConfig("telemetry:\n  enabled: true\nexpvar_port: 0\n")},
                     {std::string("DD_API_KEY=") + testing::kAgentApiKey});
  ASSERT_TRUE(agent.waitForOutput(
      [](const std::string& o) { return o.find("telemetry listening on") != std::string::npos && udpPort(o) != 0; }, 20s))
      << agent.out() << agent.err();
  std::smatch m;
  const std::string out = agent.out();
  ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(telemetry listening on (http://127\.0\.0\.1:\d+)/telemetry)")));
  const int port = udpPort(out);

  gui::LiveFeed feed;
  gui::AttachSource attach({m[1].str(), server_->url(), 100ms}, feed);
  attach.start();
  gui::DashboardModel model;
  std::vector<gui::LiveEvent> events;
  auto pump = [&] {
    events.clear();
    feed.drain(events);
    for (const auto& e : events) model.apply(e);
  };
  // Load: the agent aggregates it, flushes and sends; the dashboard sees both sides.
  ASSERT_TRUE(testing::pollUntil(
      [&] {
        sendUdp(port, "ddsim.attach.requests:1|c|#env:test");
        pump();
        const auto it = model.routes().find("/api/v2/series");
        // The payload-size series comes from a separate poll of the fakeintake's payloads: wait
        // for it too (under load it can trail the route counts).
        const auto* sizes = model.series(gui::ChartId::kPayloadSizes, "/api/v2/series compressed");
        return it != model.routes().end() && it->second.attempts_by_status.count("202") &&
               model.funnel().stages.front().value > 0 && sizes != nullptr && !sizes->empty();
      },
      [] { std::this_thread::sleep_for(20ms); }))
      << "routes seen: " << model.routes().size() << ", samples in: " << model.funnel().stages.front().value
      << ", polls: " << attach.polls() << ", errors: " << attach.errors() << " " << attach.lastError();
  const auto* sizes = model.series(gui::ChartId::kPayloadSizes, "/api/v2/series compressed");
  ASSERT_NE(sizes, nullptr);
  EXPECT_GT(sizes->size(), 0u);
  EXPECT_EQ(attach.errors(), 0) << attach.lastError();

  // A fault from the dashboard's panel, sent to the fakeintake's control API.
  gui::FaultForm f;
  f.status = 503;
  f.duration_s = 0;
  ASSERT_TRUE(attach.injectFault(f.toRule(), f.label()).isOk());
  ASSERT_TRUE(testing::pollUntil(
      [&] {
        sendUdp(port, "ddsim.attach.requests:1|c|#env:test");
        pump();
        const auto& st = model.routes().at("/api/v2/series").attempts_by_status;
        return st.count("503") && st.at("503") > 0;
      },
      [] { std::this_thread::sleep_for(20ms); }));
  ASSERT_FALSE(model.markers().empty());
  EXPECT_EQ(model.markers().back().label, "503 on /api/v2/series starts");
  // A rule the fakeintake refuses is an error that says why.
  auto bad = attach.injectFault({{"route", "*"}, {"latency", {{"distribution", "pareto"}}}}, "bad");
  ASSERT_FALSE(bad.isOk());
  EXPECT_NE(bad.message().find("pareto"), std::string::npos) << bad.message();

  attach.stop();
  agent.signal(SIGTERM);
  ASSERT_TRUE(agent.wait(30s).has_value());
}

}  // namespace
}  // namespace ddsim
