// The forwarder's stop, live over real HTTP on 127.0.0.1 and in virtual time (issue 10): the
// agent's stop reproduced exactly — the attempt in flight is cancelled and requeued, so it
// survives only through disk storage; queued high-priority transactions are purged — and
// ddsim's drain mode, where in-flight and queued sends finish first. Each stop says what it did.
//
// Agent source reproduced: comp/forwarder/defaultforwarder/default_forwarder.go (Stop: domain
// forwarders stopped in parallel with purgeHighPrio, bounded by forwarder_stop_timeout),
// domain_forwarder.go (Stop: retry goroutine, workers, requeued channel into the retry queue,
// FlushToDisk), worker.go (Stop(purgeHighPrio), callProcess: a stop cancels the request in
// flight and requeues the transaction). Spec §6.10.
#include <gtest/gtest.h>

#include <thread>

#include "core/forwarder/default_forwarder.h"
#include "core/forwarder/function_transport.h"
#include "core/forwarder/http_transport.h"
#include "tests/unit/forwarder/forwarder_harness.h"
#include "tests/unit/forwarder/scripted_server.h"
#include "tests/unit/forwarder/temp_dir.h"

namespace ddsim::forwarder {
namespace {

using namespace fwdtest;
using std::chrono::milliseconds;

// The first request is held (never answered until released); the others answer 200.
ScriptedServer::Script holdFirst() {
  auto n = std::make_shared<std::atomic<int>>(0);
  return [n](const Recorded&) { return n->fetch_add(1) == 0 ? Action{Behaviour::kNeverAnswer, 200, "", {}} : Action{}; };
}

std::unique_ptr<DefaultForwarder> startLive(const ForwarderOptions& o, Transport& t, common::Random& r) {
  auto f = DefaultForwarder::create(o, {t, common::SystemClock::instance(), r, &FixedDiskUsage::plenty()});
  EXPECT_TRUE(f.isOk()) << f.status().toString();
  if (!f.isOk()) return nullptr;
  EXPECT_TRUE((*f)->start().isOk());
  return std::move(f).value();
}

ForwarderOptions liveOptions(const std::string& url, StopMode mode) {
  ForwarderOptions o;
  o.api_key = "k";
  o.dd_url = url;
  o.disable_api_key_checking = true;
  o.stop_mode = mode;
  o.forwarder_stop_timeout = std::chrono::seconds(30);  // an upper bound only: nothing here waits for it
  return o;
}

void withDisk(ForwarderOptions& o, const TempDir& dir) {
  o.forwarder_storage_path = dir.path();
  o.forwarder_storage_max_size_in_bytes = 10 * 1024 * 1024;
}

struct LiveStop {
  StopTally tally;
  common::TelemetrySnapshot telemetry;
};

// Three transactions; the first is in flight (held by the intake) when stop() begins.
LiveStop stopWithOneInFlight(ScriptedServer& server, ForwarderOptions o, bool release_during_stop) {
  HttpTransport transport(common::SystemClock::instance());
  common::Random random(1);
  auto f = startLive(o, transport, random);
  if (!f) return {};
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(f->submit(seriesSubmission(fwdtest::numbered("p", i))).isOk());
  EXPECT_TRUE(server.waitFor(1));
  std::thread releaser;
  if (release_during_stop) {
    // Answer the held request once the drain has begun (bounded poll on the forwarder's state).
    DomainForwarder* df = f->domainForwarder(server.url());
    releaser = std::thread([&server, df] {
      for (int i = 0; i < 10000 && !df->draining(); ++i) std::this_thread::sleep_for(milliseconds(1));
      server.release();
    });
  }
  f->stop();
  if (releaser.joinable()) releaser.join();
  return {f->counters().stopTally(), f->telemetry()};
}

TEST(StopModesTest, AgentModeCancelsTheAttemptInFlightAndWithoutDiskLosesIt) {
  ScriptedServer server(holdFirst());
  const LiveStop s = stopWithOneInFlight(server, liveOptions(server.url(), StopMode::kAgent), false);
  EXPECT_EQ(s.tally.cancelled_in_flight, 1);
  EXPECT_EQ(s.tally.purged, 2);  // the two queued high-priority transactions
  EXPECT_EQ(s.tally.drained, 0);
  EXPECT_EQ(s.tally.written_to_disk, 0);
  EXPECT_EQ(s.tally.lost, 1);
  EXPECT_EQ(s.telemetry.at("forwarder.transactions.dropped_by_reason.retry_queue_at_stop"), 1);
  EXPECT_EQ(s.telemetry.at("forwarder.stop.cancelled_in_flight"), 1);
  EXPECT_EQ(s.telemetry.at("forwarder.stop.lost"), 1);
  EXPECT_EQ(s.telemetry.at("forwarder.transactions.success"), 2);
}

TEST(StopModesTest, AgentModeWithDiskStorageWritesTheCancelledTransactionToDisk) {
  TempDir dir;
  ScriptedServer server(holdFirst());
  ForwarderOptions o = liveOptions(server.url(), StopMode::kAgent);
  withDisk(o, dir);
  const LiveStop s = stopWithOneInFlight(server, o, false);
  EXPECT_EQ(s.tally.cancelled_in_flight, 1);
  EXPECT_EQ(s.tally.purged, 2);
  EXPECT_EQ(s.tally.written_to_disk, 1);
  EXPECT_EQ(s.tally.lost, 0);
  EXPECT_EQ(s.telemetry.at("forwarder.disk.transactions_written"), 1);
  EXPECT_FALSE(s.telemetry.count("forwarder.transactions.dropped_by_reason.retry_queue_at_stop"));
}

TEST(StopModesTest, DrainModeLetsTheAttemptInFlightAndTheQueueFinish) {
  ScriptedServer server(holdFirst());
  const LiveStop s = stopWithOneInFlight(server, liveOptions(server.url(), StopMode::kDrain), true);
  EXPECT_EQ(s.tally.cancelled_in_flight, 0);
  EXPECT_EQ(s.tally.purged, 0);
  EXPECT_EQ(s.tally.drained, 3);
  EXPECT_EQ(s.tally.lost, 0);
  EXPECT_EQ(s.telemetry.at("forwarder.transactions.success"), 3);
  EXPECT_EQ(s.telemetry.at("forwarder.stop.lost"), 0);
  EXPECT_EQ(server.count(), 3u);
}

TEST(StopModesTest, DrainModeGivesUpAtTheStopTimeoutAndKeepsTheRestForDisk) {
  TempDir dir;
  ScriptedServer server(holdFirst());  // never released: the drain cannot finish
  ForwarderOptions o = liveOptions(server.url(), StopMode::kDrain);
  o.forwarder_stop_timeout = milliseconds(200);
  withDisk(o, dir);
  const LiveStop s = stopWithOneInFlight(server, o, false);
  // The held attempt is cancelled at the deadline; it and the two still queued go to disk.
  EXPECT_EQ(s.tally.cancelled_in_flight, 1);
  EXPECT_EQ(s.tally.written_to_disk, 3);
  EXPECT_EQ(s.tally.lost, 0);
}

// Virtual time: one worker, every answer takes 500 ms; the stop comes 100 ms after three
// submissions. Agent mode cancels the first attempt and purges the other two (1 s of the 2 s
// budget); drain mode lets all three finish at 0.5, 1.0 and 1.5 s.
TEST(StopModesTest, VirtualStopModes) {
  for (StopMode mode : {StopMode::kAgent, StopMode::kDrain}) {
    SCOPED_TRACE(std::string(stopModeName(mode)));
    common::ManualClock clock;
    int calls = 0;
    FunctionTransport transport(fwdtest::answerAfter("500", &calls));
    common::Random random(1);
    ForwarderOptions o;
    o.api_key = "k";
    o.dd_url = "http://intake.test";
    o.run_mode = RunMode::kVirtual;
    o.disable_api_key_checking = true;
    o.stop_mode = mode;
    auto f = DefaultForwarder::create(o, {transport, clock, random, &FixedDiskUsage::plenty()});
    ASSERT_TRUE(f.isOk());
    ASSERT_TRUE((*f)->start().isOk());
    for (int i = 0; i < 3; ++i) ASSERT_TRUE((*f)->submit(seriesSubmission(fwdtest::numbered("p", i))).isOk());
    (*f)->tick(clock.steadyNow());
    clock.advance(milliseconds(100));
    (*f)->tick(clock.steadyNow());
    (*f)->stop();
    const StopTally t = (*f)->counters().stopTally();
    if (mode == StopMode::kAgent) {
      EXPECT_EQ(t.cancelled_in_flight, 1);
      EXPECT_EQ(t.purged, 2);
      EXPECT_EQ(t.lost, 1);
      EXPECT_EQ((*f)->counters().success(), 2);
    } else {
      EXPECT_EQ(t.cancelled_in_flight, 0);
      EXPECT_EQ(t.drained, 3);
      EXPECT_EQ(t.lost, 0);
      EXPECT_EQ((*f)->counters().success(), 3);
    }
  }
}

}  // namespace
}  // namespace ddsim::forwarder
