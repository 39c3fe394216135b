// A DogStatsD workload whose ticks are planned (planTicks) generates and parses them ahead on a
// thread of its own; the agent must get exactly what the tick-by-tick driver gives it: the
// same calls, samples, receive times and counts, tick by tick.
#include "simulator/runner/dogstatsd_driver.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/common/clock.h"
#include "simulator/runner/sample_feed.h"
#include "simulator/runner/switchable_sink.h"
#include "tests/scenarios/sink_transcript.h"

namespace ddsim::runner {
namespace {

scenario::DogStatsDWorkload workload() {
  scenario::DogStatsDWorkload w;
  w.name = "app";
  w.contexts = 3000;
  w.tags_per_metric = {1, 5};
  w.timestamp_probability = 0.1;  // some samples take the no-aggregation path
  w.rate.rate = 6000;  // lines per second: 3,000 per tick, enough for the generator thread
  return w;
}

struct Delivered {
  std::vector<std::string> calls;
  std::vector<std::string> ticks;  // per tick: lines so far, packets, samples
  int64_t packets_sent = 0;
};

Delivered drive(bool planned, double duration, int ticks_to_run) {
  common::ManualClock clock;
  const auto start = clock.systemNow();
  SinkTranscript sink;
  SwitchableSink switchable;
  switchable.setTarget(&sink);
  SampleFeed feed(dogstatsd::ServerOptions{}, clock, switchable, true);
  EXPECT_TRUE(feed.open({scenario::SampleTransport::kInProcess}).isOk());
  auto driver = makeDogStatsDDriver(workload(), 7, duration);
  const double tick = 0.5;
  if (planned) driver->planTicks({tick, duration, start});
  Delivered r;
  for (int k = 0; k < ticks_to_run; ++k) {
    const double a = k * tick;
    clock.advanceTo(start + common::fromSeconds(a));
    TickContext ctx{feed, nullptr, a, std::min(duration, a + tick), common::toUnixSeconds(start) + a};
    driver->tick(ctx);
    const auto& g = driver->generated();
    r.ticks.push_back(driver->details().dump() + " " + std::to_string(g.packets) + " " +
                      std::to_string(g.metric_samples) + " " + std::to_string(g.timestamped_samples));
  }
  r.calls = std::move(sink.lines);
  r.packets_sent = feed.packetsSent();
  return r;
}

TEST(DogStatsDDriverTest, PlannedTicksDeliverWhatTickByTickDelivers) {
  const Delivered want = drive(false, 5, 10);
  const Delivered got = drive(true, 5, 10);
  ASSERT_GT(want.calls.size(), 10'000u);
  EXPECT_EQ(got.calls, want.calls);
  EXPECT_EQ(got.ticks, want.ticks);
  EXPECT_EQ(got.packets_sent, want.packets_sent);
}

TEST(DogStatsDDriverTest, ARunStoppedEarlyEndsTheGeneratorThreadAndCountsOnlyWhatWasDelivered) {
  const Delivered want = drive(false, 60, 3);
  const Delivered got = drive(true, 60, 3);  // the thread is ahead of tick 3 when the driver goes
  EXPECT_EQ(got.calls, want.calls);
  EXPECT_EQ(got.ticks, want.ticks);
}

// The generator's lead grows with the contexts (the flush it must cover grows with them), within
// a memory bound (simulator/runner/dogstatsd_driver.h).
TEST(DogStatsDDriver, TheGeneratorsLeadGrowsWithTheContextsWithinItsBound) {
  const struct {
    int64_t contexts;
    size_t batches;
  } cases[] = {{0, 192}, {1000, 192}, {10000, 192}, {24000, 192}, {30000, 240},
               {50000, 400}, {64000, 512}, {1000000, 512}};
  for (const auto& c : cases) EXPECT_EQ(dogstatsdBatchesAhead(c.contexts), c.batches) << c.contexts;
}

}  // namespace
}  // namespace ddsim::runner
