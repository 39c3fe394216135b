// The dashboard's model (gui/model/dashboard_model.h): every chart's series computed from a
// run's events, the accounting funnel and the bounded memory.
#include "gui/model/dashboard_model.h"

#include <gtest/gtest.h>

namespace ddsim::gui {
namespace {

LiveEvent flush(double t, double agg, double ser) {
  LiveEvent e{LiveEvent::Kind::kFlush, t};
  e.flush.at = t;
  e.flush.aggregate_seconds = agg;
  e.flush.serialize_seconds = ser;
  return e;
}

LiveEvent attempt(double t, int status, double seconds, const std::string& error = "") {
  LiveEvent e{LiveEvent::Kind::kAttempt, t};
  e.attempt = {t, "/api/v2/series", status, error, 1000, seconds};
  return e;
}

LiveEvent telemetry(double t, std::map<std::string, double> m) {
  LiveEvent e{LiveEvent::Kind::kTelemetry, t};
  e.telemetry = std::move(m);
  return e;
}

TEST(DashboardModelTest, FlushStagesAreStackedAndSendIsTheAttemptsSinceThePreviousFlush) {
  DashboardModel m;
  m.apply(flush(15, 0.010, 0.020));
  m.apply(attempt(15.5, 202, 0.004));
  m.apply(attempt(16.0, 202, 0.006));
  m.apply(flush(30, 0.012, 0.018));
  const auto* agg = m.series(ChartId::kFlushStages, "aggregate");
  const auto* ser = m.series(ChartId::kFlushStages, "+ serialize");
  const auto* send = m.series(ChartId::kFlushStages, "+ send");
  ASSERT_TRUE(agg && ser && send);
  ASSERT_EQ(send->size(), 2u);
  EXPECT_DOUBLE_EQ(agg->at(0).v, 10);
  EXPECT_DOUBLE_EQ(ser->at(0).v, 30);
  EXPECT_DOUBLE_EQ(send->at(0).v, 30);       // nothing sent before the first flush
  EXPECT_DOUBLE_EQ(send->at(1).v, 30 + 10);  // 12 + 18 ms, then 4 + 6 ms of sending
  EXPECT_EQ(m.flushes(), 2);
  const auto h = m.flushHistogram(2);
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].count + h[1].count, 2);
}

TEST(DashboardModelTest, AttemptsAreCountedPerSecondByOutcomeWithZerosWhenAnOutcomeStops) {
  DashboardModel m;
  m.apply(attempt(1.1, 202, 0));
  m.apply(attempt(1.5, 503, 0));
  m.apply(attempt(1.9, 503, 0));
  m.apply(attempt(2.2, 202, 0));
  m.apply(attempt(3.0, 0, 0, "timeout"));
  m.apply(telemetry(5, {}));
  const auto* ok = m.series(ChartId::kTransactions, "2xx");
  const auto* err = m.series(ChartId::kTransactions, "5xx");
  const auto* none = m.series(ChartId::kTransactions, "error");
  ASSERT_TRUE(ok && err && none);
  EXPECT_EQ(ok->at(0).t, 1);
  EXPECT_EQ(ok->at(0).v, 1);
  EXPECT_EQ(err->at(0).v, 2);
  EXPECT_EQ(err->at(1).t, 2);
  EXPECT_EQ(err->at(1).v, 0);  // the 503s stopped
  EXPECT_EQ(none->back().t, 4);
  EXPECT_EQ(m.routes().at("/api/v2/series").attempts_by_status.at("503"), 2);
  EXPECT_EQ(m.routes().at("/api/v2/series").attempts_by_status.at("error:timeout"), 1);
}

TEST(DashboardModelTest, TelemetryGivesRatesQueueDepthContextsDropsAndTheFunnel) {
  DashboardModel m;
  m.apply(telemetry(0, {{"aggregator.DogstatsdMetricSample", 0}, {"forwarder.transactions.success_bytes", 0}}));
  m.apply(telemetry(5, {{"aggregator.DogstatsdMetricSample", 1000},
                        {"forwarder.transactions.success_bytes", 50000},
                        {"forwarder.retry_queue.items", 3},
                        {"forwarder.retry_queue.bytes", 3000},
                        {"forwarder.retry_queue_duration.capacity_secs.http://x", 120},
                        {"aggregator.dogstatsd_contexts", 500},
                        {"forwarder.transactions.dropped", 2},
                        {"serializer.series_v2.nonfinite_values", 4},
                        {"forwarder.transactions.input_count", 10},
                        {"forwarder.transactions.success", 8}}));
  EXPECT_DOUBLE_EQ(m.series(ChartId::kThroughput, "samples in/s")->back().v, 200);
  EXPECT_DOUBLE_EQ(m.series(ChartId::kBytes, "bytes delivered/s")->back().v, 10000);
  EXPECT_EQ(m.series(ChartId::kRetryQueue, "items")->back().v, 3);
  EXPECT_EQ(m.series(ChartId::kRetryQueue, "seconds of buffer left")->back().v, 120);
  EXPECT_EQ(m.series(ChartId::kRetryQueueBytes, "bytes")->back().v, 3000);
  EXPECT_EQ(m.series(ChartId::kContexts, "dogstatsd")->back().v, 500);
  ASSERT_NE(m.series(ChartId::kDrops, "forwarder.transactions.dropped"), nullptr);
  EXPECT_EQ(m.series(ChartId::kDrops, "serializer.series_v2.nonfinite_values"), nullptr);  // a skip, not loss
  const Funnel f = m.funnel();
  EXPECT_EQ(f.stages.front().value, 1000);
  EXPECT_EQ(f.stages.back().value, 8);
  EXPECT_EQ(f.drops.at("forwarder.transactions.dropped"), 2);
  EXPECT_EQ(f.skips.at("serializer.series_v2.nonfinite_values"), 4);
}

TEST(DashboardModelTest, ARestartResettingCountersNeverDrawsANegativeRate) {
  DashboardModel m;
  m.apply(telemetry(0, {{"aggregator.DogstatsdMetricSample", 0}}));
  m.apply(telemetry(1, {{"aggregator.DogstatsdMetricSample", 500}}));
  m.apply(telemetry(2, {{"aggregator.DogstatsdMetricSample", 10}}));  // a new agent's counter
  EXPECT_EQ(m.series(ChartId::kThroughput, "samples in/s")->back().v, 0);
}

TEST(DashboardModelTest, MemoryIsBoundedAndOverwrittenPointsAreCounted) {
  DashboardModel m(100);
  for (int i = 0; i < 1000; ++i) m.apply(flush(i, 0.001, 0.001));
  EXPECT_EQ(m.series(ChartId::kFlushStages, "aggregate")->size(), 100u);
  EXPECT_EQ(m.overwrittenPoints(), 3u * 900u);
  EXPECT_EQ(m.memoryBound(), 3u * 100u * sizeof(Point));
}

TEST(DashboardModelTest, DiscardNamesAreLossOrSkip) {
  // Table: telemetry counter -> loss (true), by-design skip (false), not a discard (nullopt).
  const std::vector<std::pair<std::string, std::optional<bool>>> table = {
      {"forwarder.transactions.dropped", true},
      {"forwarder.transactions.high_priority_queue_full", true},
      {"forwarder.retry_queue.points_dropped", true},
      {"serializer.splitter.PayloadDrops", true},
      {"serializer.sketch_series.ItemTooBig", true},
      {"forwarder.stop.lost", true},
      {"serializer.series_v2.nonfinite_values", false},
      {"serializer.serializer.SendEventsErrItemTooBigsFallback", false},
      {"forwarder.transactions.success", std::nullopt},
      {"aggregator.dogstatsd_contexts", std::nullopt},
  };
  for (const auto& [name, want] : table) EXPECT_EQ(discardKind(name), want) << name;
}

}  // namespace
}  // namespace ddsim::gui
