// The invocation loop on a ManualClock against a scripted Lambda: cold start vs proactive init
// (spec §7.2) and the adaptive strategy switching after 20 invocations (spec §7.3).
#include "core/serverless/daemon.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "core/forwarder/http_transport.h"
#include "tests/support/fake_lambda.h"
#include "tests/unit/forwarder/scripted_server.h"

namespace ddsim::serverless {
namespace {

using ddsim::testing::pollUntil;

std::string invoke(const std::string& id) {
  return nlohmann::json{{"eventType", "INVOKE"}, {"deadlineMs", 0}, {"requestId", id}}.dump();
}

std::string runtimeDone(const std::string& id) {
  return nlohmann::json::array({{{"type", "platform.runtimeDone"}, {"record", {{"requestId", id}}}}}).dump();
}

struct LoopFixture {
  common::ManualClock clock;
  forwarder::fwdtest::ScriptedServer intake;
  forwarder::HttpTransport transport{clock};
  ddsim::testing::FakeLambda lambda;
  ExtensionApiClient api{lambda.hostPort()};
  std::unique_ptr<ServerlessMetricAgent> metrics;
  std::unique_ptr<Daemon> daemon;
  std::thread loop;
  std::string cache = "/tmp/ddsim-daemon-test-" + std::to_string(::getpid()) + ".json";

  explicit LoopFixture(const std::string& strategy) {
    config::PipelineOptions o;
    o.forwarder.api_key = "k";
    o.forwarder.dd_url = intake.url();
    o.dogstatsd.port = 0;
    metrics = std::move(ServerlessMetricAgent::create(o, transport, clock)).value();
    DaemonOptions d;
    d.cache_path = cache;
    daemon = std::make_unique<Daemon>(d, api, metrics.get(), nullptr, FlushPolicy({strategy, 1}), clock);
    daemon->setRegistration(std::move(api.registerExtension()).value());
  }
  void start() {
    loop = std::thread([this] { (void)daemon->run(); });
  }
  // One invocation: INVOKE, its runtime-done, and the loop back at event/next.
  void invocation(const std::string& id) {
    const int calls = lambda.nextCalls();
    lambda.push(invoke(id));
    ASSERT_TRUE(daemon->onTelemetry(runtimeDone(id)).isOk());
    ASSERT_TRUE(pollUntil([&] { return lambda.nextCalls() > calls; }));
  }
  ~LoopFixture() {
    lambda.push(R"({"eventType":"SHUTDOWN","shutdownReason":"spindown"})");
    if (loop.joinable()) loop.join();
    std::remove(cache.c_str());
  }
};

TEST(DaemonLoop, ColdStartThenWarm) {
  LoopFixture f("end");
  f.start();
  ASSERT_TRUE(pollUntil([&] { return f.lambda.nextCalls() >= 1; }));
  f.invocation("a");
  f.clock.advance(std::chrono::seconds(30));
  f.invocation("b");
  const auto c = f.daemon->counters();
  EXPECT_EQ(c.invocations, 2u);
  EXPECT_EQ(c.cold_starts, 1u);
  EXPECT_EQ(c.proactive_inits, 0u);
  EXPECT_EQ(c.flushes, 2u) << "flush at the end of each invocation";
  EXPECT_EQ(f.daemon->state().coldstart_request_id, "a");
}

TEST(DaemonLoop, FirstInvocationLongAfterInitIsAProactiveInit) {
  LoopFixture f("end");
  f.clock.advance(std::chrono::seconds(11));  // §7.2: init >= 10 s before the first INVOKE
  f.start();
  ASSERT_TRUE(pollUntil([&] { return f.lambda.nextCalls() >= 1; }));
  f.invocation("a");
  EXPECT_EQ(f.daemon->counters().proactive_inits, 1u);
  EXPECT_EQ(f.daemon->counters().cold_starts, 0u);
}

// §7.3: adaptive starts at the end; after the 20th invocation one second apart it flushes
// periodically (20 s).
TEST(DaemonLoop, AdaptiveSwitchesToPeriodicAfterTwentyInvocations) {
  LoopFixture f("");
  f.start();
  ASSERT_TRUE(pollUntil([&] { return f.lambda.nextCalls() >= 1; }));
  for (int i = 1; i <= 20; ++i) {
    f.clock.advance(std::chrono::seconds(1));
    const std::string id = std::to_string(i);
    f.invocation(id);
    EXPECT_EQ(f.daemon->currentStrategy(), i < 20 ? "end" : "periodically,20000") << "after invocation " << i;
  }
  EXPECT_EQ(f.daemon->counters().flushes, 20u);
}

}  // namespace
}  // namespace ddsim::serverless
