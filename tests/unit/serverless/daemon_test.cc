// The invocation loop on a ManualClock against a scripted Lambda: cold start vs proactive init
// (spec §7.2) and the adaptive strategy switching after 20 invocations (spec §7.3).
#include "core/serverless/daemon.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <atomic>
#include <thread>

#include "core/forwarder/function_transport.h"
#include "tests/support/fake_lambda.h"

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
  // The intake: answers 200; `intake_latency` is how long (on the ManualClock) each send takes.
  std::atomic<int> sends{0};
  std::atomic<int64_t> intake_latency_ms{0};
  forwarder::FunctionTransport transport{[this](const forwarder::TransportRequest&) {
    ++sends;
    clock.advance(std::chrono::milliseconds(intake_latency_ms.load()));
    forwarder::TransportResult r;
    r.status = 200;
    return r;
  }};
  ddsim::testing::FakeLambda lambda;
  ExtensionApiClient api{lambda.hostPort()};
  std::unique_ptr<ServerlessMetricAgent> metrics;
  std::unique_ptr<Daemon> daemon;
  std::thread loop;
  std::string cache = "/tmp/ddsim-daemon-test-" + std::to_string(::getpid()) + ".json";

  explicit LoopFixture(const std::string& strategy) {
    config::PipelineOptions o;
    o.forwarder.api_key = "k";
    o.forwarder.dd_url = "http://intake.test";
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

// §7.3 backoff: a flush longer than the 5 s flush timeout (a slow intake) is a failure; the next
// flushes are refused for 2^1 + U[0,1) whole seconds, then allowed again, and a success resets.
TEST(DaemonLoop, SlowFlushBacksOff) {
  LoopFixture f("end");
  f.start();
  ASSERT_TRUE(pollUntil([&] { return f.lambda.nextCalls() >= 1; }));
  f.intake_latency_ms = 6000;
  f.invocation("slow");
  EXPECT_EQ(f.daemon->counters().flush_failures, 1u);
  f.intake_latency_ms = 0;
  const int sends = f.sends.load();
  f.invocation("refused");  // no time passed: inside the backoff window
  EXPECT_EQ(f.sends.load(), sends) << "no flush while backing off";
  EXPECT_EQ(f.daemon->counters().flushes, 1u);
  f.clock.advance(std::chrono::seconds(3));  // past 2 + U[0,1) s
  f.invocation("allowed");
  EXPECT_GT(f.sends.load(), sends);
  EXPECT_EQ(f.daemon->counters().flushes, 2u);
  EXPECT_EQ(f.daemon->counters().flush_failures, 1u);
}

}  // namespace
}  // namespace ddsim::serverless
