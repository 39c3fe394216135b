// `ddsim agent` as a child process (issue 10): what its stop does is on its exit line in both
// stop modes, drops are logged while it runs, and with telemetry.enabled it serves Prometheus
// text on a loopback port that `ddsim agent status` reads. Real sockets on 127.0.0.1; every
// wait is a bounded poll.
#include <gtest/gtest.h>
#include <httplib.h>

#include <regex>

#include "tests/integration/agent_fixture.h"
#include "tests/support/child_process.h"
#include "tests/support/poll.h"

namespace ddsim {
namespace {

using namespace std::chrono_literals;
using testing::ChildProcess;

constexpr const char* kApiKey = testing::kAgentApiKey;

int firstInt(const std::string& text, const std::string& pattern) {
  std::smatch m;
  return std::regex_search(text, m, std::regex(pattern)) ? std::stoi(m[1]) : -1;
}

class AgentLiveTest : public testing::AgentIntakeTest {
 protected:
  // Starts the agent and waits (bounded) for its DogStatsD port.
  int startAgent(ChildProcess& agent) {
    EXPECT_TRUE(agent.started());
    EXPECT_TRUE(agent.waitForOutput([](const std::string& o) { return udpPort(o) != 0; }, 20s))
        << agent.out() << agent.err();
    return udpPort(agent.out());
  }
  bool waitStored(const std::string& metric, double n) {
    for (int i = 0; i < 300 && storedCount(metric) < n; ++i) std::this_thread::sleep_for(100ms);
    return storedCount(metric) >= n;
  }
};

// Agent mode (the default): every answer takes 3 s, so the single worker always has a send in
// flight. SIGTERM cancels it (comp/forwarder/defaultforwarder worker.go callProcess) and the exit
// line says so, with what was lost.
TEST_F(AgentLiveTest, AgentModeExitLineNamesTheCancelledAndLostTransactions) {
  fakeintake::FaultRule slow;
  slow.latency = fakeintake::LatencySpec{};
  slow.latency->ms = 3000;
  addFault(slow);
  ChildProcess agent({DDSIM_BINARY, "agent", "--config", writeConfig()}, {std::string("DD_API_KEY=") + kApiKey});
  const int port = startAgent(agent);
  ASSERT_GT(port, 0);
  sendUdp(port, "ddsim.live.requests:1|c");
  // Once the first payload has been answered (after 3 s), three flushes wait behind it: from
  // then on the worker always has a send in flight.
  const auto series_stored = [&] { return handler_->store().countsByRoute()["/api/v2/series"]; };
  for (int i = 0; i < 300 && series_stored() == 0; ++i) std::this_thread::sleep_for(50ms);
  ASSERT_GT(series_stored(), 0u);
  agent.signal(SIGTERM);
  auto code = agent.wait(30s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << agent.err();
  const std::string& out = agent.out();
  ASSERT_NE(out.find("stop (agent mode):"), std::string::npos) << out;
  // The worker's send, and the purge's own send when the 2 s stop budget runs out first.
  EXPECT_GE(firstInt(out, R"((\d+) cancelled in flight)"), 1) << out;
  EXPECT_GE(firstInt(out, R"((\d+) lost\n)"), 1) << out;
  EXPECT_NE(agent.err().find("forwarder: stopped (agent mode"), std::string::npos) << agent.err();
}

// Drain mode through its environment variable: the sends in flight and queued at SIGTERM
// finish first; nothing is cancelled or lost. Samples sent just before the stop sit in the open
// 10 s bucket: the shutdown flush leaves it out, as the agent does, and the exit line counts them.
TEST_F(AgentLiveTest, DrainModeFinishesTheSendsAndCountsTheOpenBucket) {
  fakeintake::FaultRule slow;
  slow.latency = fakeintake::LatencySpec{};
  slow.latency->ms = 300;
  addFault(slow);
  ChildProcess agent({DDSIM_BINARY, "agent", "--config", writeConfig("forwarder_stop_timeout: 30\n")},
                     {std::string("DD_API_KEY=") + kApiKey, "DD_DDSIM_FORWARDER_STOP_MODE=drain"});
  const int port = startAgent(agent);
  ASSERT_GT(port, 0);
  for (int i = 0; i < 50; ++i) sendUdp(port, "ddsim.live.early:1|c");
  ASSERT_TRUE(waitStored("ddsim.live.early", 50));
  for (int i = 0; i < 20; ++i) sendUdp(port, "ddsim.live.late:1|c");
  agent.signal(SIGTERM);
  auto code = agent.wait(60s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << agent.err();
  const std::string& out = agent.out();
  ASSERT_NE(out.find("stop (drain mode): 0 cancelled in flight, 0 purged,"), std::string::npos) << out;
  EXPECT_NE(out.find("0 written to disk, 0 lost"), std::string::npos) << out;
  EXPECT_EQ(storedCount("ddsim.live.early"), 50.0);
  // Each late sample is either in the open bucket (counted) or, if a bucket boundary passed
  // before the stop, delivered.
  const int open = std::max(0, firstInt(out, R"(open_bucket_at_stop=(\d+) samples)"));
  EXPECT_EQ(open + static_cast<int>(storedCount("ddsim.live.late")), 20) << out;
}

// Retry-queue-full drops are logged as they happen, not only at exit.
TEST_F(AgentLiveTest, RetryQueueFullDropsAreLoggedWhileRunning) {
  fakeintake::FaultRule down;
  down.status = 503;
  addFault(down);
  ChildProcess agent({DDSIM_BINARY, "agent", "--config",
                      writeConfig("forwarder_retry_queue_payloads_max_size: 1\ntelemetry:\n  enabled: true\nexpvar_port: 0\n")},
                     {std::string("DD_API_KEY=") + kApiKey});
  const int port = startAgent(agent);
  ASSERT_GT(port, 0);
  sendUdp(port, "ddsim.live.requests:1|c");
  const bool logged = agent.waitForOutput(
      [&](const std::string&) { return agent.err().find("retry_queue_full") != std::string::npos; }, 60s);
  EXPECT_TRUE(logged) << agent.err();
  EXPECT_NE(agent.err().find("forwarder: dropped"), std::string::npos) << agent.err();
  // The telemetry names the drop by endpoint and reason (the endpoint refreshes every second).
  ASSERT_TRUE(agent.waitForOutput(
      [](const std::string& o) { return o.find("telemetry listening on") != std::string::npos; }, 20s));
  const int tport = firstInt(agent.out(), R"(telemetry listening on http://127\.0\.0\.1:(\d+)/telemetry)");
  ASSERT_GT(tport, 0);
  httplib::Client c("127.0.0.1", tport);
  const std::regex by_endpoint(R"(ddsim__transactions__dropped_by_endpoint_reason\{endpoint="[a-z0-9_]+",reason="retry_queue_full"\} [1-9])");
  std::string body;
  EXPECT_TRUE(testing::pollUntil([&] {
    auto res = c.Get("/telemetry");
    body = res ? res->body : "";
    return std::regex_search(body, by_endpoint);
  })) << body;
  agent.signal(SIGTERM);
  ASSERT_TRUE(agent.wait(30s).has_value());
  EXPECT_NE(agent.out().find("retry_queue_full="), std::string::npos) << agent.out();
}

// telemetry.enabled: Prometheus text on expvar_port (0 = any free port), the agent's metric
// names (transactions__success, dogstatsd__processed), and `ddsim agent status` reading it.
TEST_F(AgentLiveTest, TelemetryEndpointAndStatusCommand) {
  ChildProcess agent({DDSIM_BINARY, "agent", "--config", writeConfig("telemetry:\n  enabled: true\nexpvar_port: 0\n")},
                     {std::string("DD_API_KEY=") + kApiKey});
  ASSERT_TRUE(agent.waitForOutput(
      [](const std::string& o) { return o.find("telemetry listening on") != std::string::npos && o.find("udp") != std::string::npos; },
      20s))
      << agent.out() << agent.err();
  const int port = udpPort(agent.out());
  const int tport = firstInt(agent.out(), R"(telemetry listening on http://127\.0\.0\.1:(\d+)/telemetry)");
  ASSERT_GT(port, 0);
  ASSERT_GT(tport, 0);
  for (int i = 0; i < 30; ++i) sendUdp(port, "ddsim.live.requests:1|c");
  ASSERT_TRUE(waitStored("ddsim.live.requests", 30));
  httplib::Client c("127.0.0.1", tport);
  std::string body;
  for (int i = 0; i < 100; ++i) {  // the endpoint refreshes every second
    auto res = c.Get("/telemetry");
    ASSERT_TRUE(res) << "no answer from the telemetry endpoint";
    EXPECT_EQ(res->status, 200);
    body = res->body;
    if (firstInt(body, R"(dogstatsd__processed\{message_type="metrics",state="ok"\} (\d+))") >= 30 &&
        firstInt(body, R"(\ntransactions__success (\d+))") >= 1) {
      break;
    }
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_NE(body.find("# TYPE transactions__success untyped"), std::string::npos) << body;
  EXPECT_GE(firstInt(body, R"(\ntransactions__success (\d+))"), 1) << body;
  EXPECT_GE(firstInt(body, R"(dogstatsd__processed\{message_type="metrics",state="ok"\} (\d+))"), 30) << body;
  EXPECT_NE(body.find("transactions__input_count{endpoint=\"series_v2\"}"), std::string::npos) << body;

  ChildProcess status({DDSIM_BINARY, "agent", "status", "--port", std::to_string(tport)}, {});
  auto scode = status.wait(20s);
  ASSERT_TRUE(scode.has_value());
  EXPECT_EQ(*scode, 0) << status.err();
  EXPECT_NE(status.out().find("Forwarder"), std::string::npos) << status.out();
  EXPECT_GE(firstInt(status.out(), R"(Success: (\d+))"), 1) << status.out();
  EXPECT_NE(status.out().find("DogStatsD"), std::string::npos) << status.out();

  agent.signal(SIGTERM);
  ASSERT_TRUE(agent.wait(30s).has_value());
  // Once the agent is gone, status says it cannot reach it.
  ChildProcess gone({DDSIM_BINARY, "agent", "status", "--port", std::to_string(tport)}, {});
  auto gcode = gone.wait(20s);
  ASSERT_TRUE(gcode.has_value());
  EXPECT_NE(*gcode, 0);
  EXPECT_NE(gone.err().find("Could not reach"), std::string::npos) << gone.err();
}

}  // namespace
}  // namespace ddsim
