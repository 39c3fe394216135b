#include "core/aggregator/buffered_aggregator.h"

#include <gtest/gtest.h>

#include "tests/support/recording_serializer.h"

namespace ddsim::aggregator {
namespace {

using testing::RecordingSerializer;

struct Fixture {
  RecordingSerializer ser;
  AggregatorTelemetry tel;
  BufferedAggregatorOptions opts;
  std::unique_ptr<BufferedAggregator> agg;
  Fixture() {
    opts.hostname = "h";
    agg = std::make_unique<BufferedAggregator>(opts, &ser, &metrics::HistogramConfig::defaults(), &tel);
  }
};

// Spec §3.4: service checks and events with ts 0 get the handling time; tags sorted+uniq'ed.
TEST(BufferedAggregatorTest, StampsAndSortsServiceChecksAndEvents) {
  Fixture f;
  metrics::ServiceCheck sc;
  sc.check_name = "a";
  sc.tags = {"b", "a", "b"};
  metrics::ServiceCheck sc2 = sc;
  sc2.ts = 42;
  f.agg->enqueue(ServiceCheckItem{{sc, sc2}});
  metrics::Event e;
  e.tags = {"z", "z"};
  f.agg->enqueue(EventItem{{e}});
  EXPECT_EQ(f.agg->pendingCount(), 2u);
  f.agg->processPending(1234.9);
  EXPECT_EQ(f.agg->pendingCount(), 0u);
  f.agg->flushServiceChecksEventsManifests(1240, true);
  const auto checks = f.ser.allServiceChecks();
  ASSERT_EQ(checks.size(), 3u);
  EXPECT_EQ(checks[0].ts, 1234);
  EXPECT_EQ(checks[0].tags, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(checks[1].ts, 42);
  EXPECT_EQ(checks[2].check_name, "datadog.agent.up");
  EXPECT_EQ(f.ser.allEvents()[0].tags, (std::vector<std::string>{"z"}));
  EXPECT_EQ(f.tel.service_check, 2);
  EXPECT_EQ(f.tel.event, 1);
  EXPECT_EQ(f.tel.inbox_max_depth, 2);
}

// Items for a check id with no registered sampler are dropped (the agent logs at debug).
TEST(BufferedAggregatorTest, UnknownSamplerItemsAreCounted) {
  Fixture f;
  CheckSampleItem s;
  s.id = "nope";
  s.sample.name = "m";
  f.agg->enqueue(std::move(s));
  f.agg->enqueue(CommitItem{"nope", 1});
  f.agg->enqueue(CheckBucketItem{"nope", HistogramBucket{}});
  f.agg->processPending(1);
  EXPECT_EQ(f.tel.dropped.get("unknown_check_sampler"), 3);
  EXPECT_EQ(f.tel.checks_metric_sample, 2);
  EXPECT_EQ(f.tel.checks_histogram_bucket_metric_sample, 1);
}

// Register after deregister (before the flush) keeps the sampler (the agent clears the flag).
TEST(BufferedAggregatorTest, RegisterClearsDeregistered) {
  Fixture f;
  f.agg->enqueue(RegisterSamplerItem{"c"});
  f.agg->enqueue(DeregisterSamplerItem{"c"});
  f.agg->enqueue(RegisterSamplerItem{"c"});
  f.agg->processPending(1);
  std::vector<metrics::Serie> series;
  std::vector<metrics::SketchSeries> sketches;
  f.agg->flushSeriesAndSketches(10, series, sketches);
  EXPECT_EQ(f.agg->checkSamplerCount(), 1u);
  f.agg->enqueue(DeregisterSamplerItem{"c"});
  f.agg->processPending(11);
  f.agg->flushSeriesAndSketches(20, series, sketches);
  EXPECT_EQ(f.agg->checkSamplerCount(), 0u);
}

TEST(BufferedAggregatorTest, RecurrentSeries) {
  Fixture f;
  f.opts.global_tags = {"g:1"};
  f.agg = std::make_unique<BufferedAggregator>(f.opts, &f.ser, &metrics::HistogramConfig::defaults(), &f.tel);
  metrics::Serie r;
  r.name = "my.recurrent";
  r.points = {{0, 4}, {0, 5}};
  r.tags = metrics::CompositeTags::of({"own:1"});
  f.agg->addRecurrentSeries(r);
  std::vector<metrics::Serie> series;
  std::vector<metrics::SketchSeries> sketches;
  f.agg->flushSeriesAndSketches(77.5, series, sketches);
  ASSERT_EQ(series.size(), 3u);
  EXPECT_EQ(series[0].name, "my.recurrent");
  EXPECT_EQ(series[0].host, "h");
  EXPECT_EQ(series[0].source_type_name, "System");
  EXPECT_EQ(series[0].tags.toVector(), (std::vector<std::string>{"own:1", "g:1"}));
  ASSERT_EQ(series[0].points.size(), 2u);
  EXPECT_EQ(series[0].points[1].ts, 77);
  EXPECT_EQ(series[0].points[1].value, 5);
}

}  // namespace
}  // namespace ddsim::aggregator
