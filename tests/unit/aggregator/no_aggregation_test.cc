#include "core/aggregator/no_aggregation.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/aggregator/demultiplexer.h"
#include "tests/support/recording_serializer.h"
#include "tests/unit/aggregator/test_util.h"

namespace ddsim::aggregator {
namespace {

using testing::RecordingSerializer;
using testutil::gauge;
using testutil::SampleSpec;

// Spec §3.6: gauge -> gauge, counter and rate -> rate / 10, others dropped; tags = metric tags
// then tagger tags, not de-duplicated; no NaN check; interval 10; the sample's own ts.
TEST(NoAggregationTest, Conversion) {
  RecordingSerializer ser;
  AggregatorTelemetry tel;
  NoAggregationWorker w(2048, &ser, &tel);
  w.start(1000);
  struct C {
    metrics::MetricType type;
    double value;
    bool kept;
    metrics::ApiMetricType want_type;
    double want_value;
  };
  const C cases[] = {
      {metrics::MetricType::kGauge, 5, true, metrics::ApiMetricType::kGauge, 5},
      {metrics::MetricType::kCounter, 5, true, metrics::ApiMetricType::kRate, 0.5},
      {metrics::MetricType::kRate, 5, true, metrics::ApiMetricType::kRate, 0.5},
      {metrics::MetricType::kHistogram, 5, false, {}, 0},
      {metrics::MetricType::kDistribution, 5, false, {}, 0},
      {metrics::MetricType::kSet, 5, false, {}, 0},
  };
  for (const auto& c : cases) {
    SampleSpec s = gauge("m", c.value, {"b", "a"});
    s.tagger_tags = {"a", "pod:x"};
    s.mtype = c.type;
    s.timestamp = 1700000000;
    const auto v = s.view();
    w.addSamples(std::span<const metrics::MetricSample>(&v, 1), 1000);
  }
  SampleSpec nan = gauge("nan", std::nan(""), {});
  nan.timestamp = 1700000000;
  const auto nv = nan.view();
  w.addSamples(std::span<const metrics::MetricSample>(&nv, 1), 1000);
  w.stop();
  const auto series = ser.allSeries();
  ASSERT_EQ(series.size(), 4u);
  size_t i = 0;
  for (const auto& c : cases) {
    if (!c.kept) continue;
    EXPECT_EQ(series[i].mtype, c.want_type);
    EXPECT_EQ(series[i].points[0].value, c.want_value);
    EXPECT_EQ(series[i].points[0].ts, 1700000000);
    EXPECT_EQ(series[i].interval, 10);
    EXPECT_EQ(series[i].tags.toVector(), (std::vector<std::string>{"b", "a", "a", "pod:x"}));
    ++i;
  }
  EXPECT_TRUE(std::isnan(series[3].points[0].value));  // agent behaviour: no NaN check here
  EXPECT_EQ(tel.no_agg_processed_ok, 4);
  EXPECT_EQ(tel.no_agg_processed_unsupported_type, 3);
}

// Spec §3.6: sent after more than batch_size samples, or when the 2 s check finds no traffic
// for more than 1 s.
TEST(NoAggregationTest, StreamCuts) {
  RecordingSerializer ser;
  AggregatorTelemetry tel;
  NoAggregationWorker w(3, &ser, &tel);
  w.start(1000);  // checks at 1002, 1004, ...
  SampleSpec s = gauge("m", 1, {});
  s.timestamp = 999;
  const auto v = s.view();
  for (int i = 0; i < 3; ++i) w.addSamples(std::span<const metrics::MetricSample>(&v, 1), 1000.5);
  EXPECT_TRUE(ser.calls().empty());  // 3 is not more than 3
  w.addSamples(std::span<const metrics::MetricSample>(&v, 1), 1000.5);
  EXPECT_EQ(ser.seriesBatches().size(), 1u);
  EXPECT_EQ(ser.seriesBatches()[0].size(), 4u);

  w.addSamples(std::span<const metrics::MetricSample>(&v, 1), 1001.5);
  w.tick(1002);  // last traffic 0.5 s before the check: keep streaming
  EXPECT_EQ(ser.seriesBatches().size(), 1u);
  EXPECT_EQ(w.nextDeadline(), 1004);
  w.tick(1004);  // idle for 2.5 s: cut
  EXPECT_EQ(ser.seriesBatches().size(), 2u);
  w.tick(1006);  // nothing pending: nothing sent
  EXPECT_EQ(ser.seriesBatches().size(), 2u);
  EXPECT_EQ(tel.no_agg_flush, 2);
}

TEST(NoAggregationTest, DemultiplexerRouting) {
  RecordingSerializer ser, noagg_ser;
  DemultiplexerOptions o;
  Demultiplexer d(o, &ser, &noagg_ser);
  d.start(1000);
  SampleSpec s = gauge("late", 3, {});
  s.timestamp = 900;
  const auto v = s.view();
  d.addSamplesWithoutAggregation(std::span<const metrics::MetricSample>(&v, 1));
  EXPECT_EQ(d.nextDeadline(), 1002);
  d.tick(1002);
  d.tick(1004);
  ASSERT_EQ(noagg_ser.allSeries().size(), 1u);
  EXPECT_EQ(noagg_ser.allSeries()[0].name, "late");

  // Pipeline disabled: the samples go to the first time sampler at their own timestamp.
  RecordingSerializer ser2;
  o.no_aggregation_pipeline = false;
  Demultiplexer d2(o, &ser2);
  d2.addSamplesWithoutAggregation(std::span<const metrics::MetricSample>(&v, 1));
  d2.flush(1000);
  EXPECT_EQ(testutil::serie(ser2.allSeries(), "late").points[0].ts, 900);
}

}  // namespace
}  // namespace ddsim::aggregator
