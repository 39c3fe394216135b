#include "core/aggregator/check_sampler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "tests/unit/aggregator/test_util.h"

namespace ddsim::aggregator {
namespace {

using testutil::findSerie;
using testutil::gauge;
using testutil::SampleSpec;

struct Fixture {
  TagStore store;
  StringInterner interner;
  CheckSamplerCounters counters;
  CheckSamplerOptions opts;
  std::unique_ptr<CheckSampler> cs;
  Fixture() { reset(); }
  void reset() { cs = std::make_unique<CheckSampler>("check:1", opts, &store, &interner, &metrics::HistogramConfig::defaults(), &counters); }
  void add(SampleSpec s, double ts) {
    s.timestamp = ts;
    cs->addSample(s.view());
  }
  std::pair<std::vector<metrics::Serie>, std::vector<metrics::SketchSeries>> take() {
    std::vector<metrics::Serie> series;
    std::vector<metrics::SketchSeries> sketches;
    cs->flush(series, sketches);
    return {series, sketches};
  }
};

SampleSpec typed(std::string name, double v, metrics::MetricType t) {
  SampleSpec s = gauge(std::move(name), v, {"a", "b"});
  s.mtype = t;
  return s;
}

// Spec §3.3: commit flushes with interval 1 at the commit time; series carry
// SourceTypeName "System", no interval; series append across commits.
TEST(CheckSamplerTest, CommitFlushesAtCommitTime) {
  Fixture f;
  f.add(typed("g", 3, metrics::MetricType::kGauge), 1000.25);
  f.add(typed("c", 4, metrics::MetricType::kCounter), 1000.25);
  f.cs->commit(1000.5);
  f.add(typed("g", 5, metrics::MetricType::kGauge), 1015.25);
  f.cs->commit(1015.5);
  auto [series, sketches] = f.take();
  ASSERT_EQ(series.size(), 3u);
  EXPECT_EQ(series[0].points[0].ts, 1000.5);
  for (const auto& s : series) {
    EXPECT_EQ(s.source_type_name, "System");
    EXPECT_EQ(s.interval, 0);
  }
  const auto& c = testutil::serie(series, "c");
  EXPECT_EQ(c.points[0].value, 4);  // counter over interval 1
  EXPECT_EQ(c.mtype, metrics::ApiMetricType::kRate);
  EXPECT_TRUE(f.take().first.empty());  // handed over once
}

// Spec §1.3 Rate in a check: two runs before the first point; point at the latest sample time.
TEST(CheckSamplerTest, RateNeedsTwoRuns) {
  Fixture f;
  f.add(typed("r", 10, metrics::MetricType::kRate), 1000);
  f.cs->commit(1000);
  f.add(typed("r", 40, metrics::MetricType::kRate), 1015);
  f.cs->commit(1015);
  auto series = f.take().first;
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(series[0].points[0].ts, 1015);
  EXPECT_EQ(series[0].points[0].value, 2);
  EXPECT_EQ(series[0].mtype, metrics::ApiMetricType::kGauge);
}

// Spec §1.6 / §3.3: expired contexts drop stateless metrics at once; stateful ones survive
// until expiry + check_sampler_stateful_metric_expiration_time unless a sample arrives.
TEST(CheckSamplerTest, MetricExpiry) {
  Fixture f;
  f.add(typed("g", 1, metrics::MetricType::kGauge), 1000);
  f.add(typed("mc", 10, metrics::MetricType::kMonotonicCount), 1000);
  f.cs->commit(1000);  // count 0
  f.cs->commit(1015);  // count 1: not seen once
  EXPECT_EQ(f.cs->metricCount(), 2u);
  f.cs->commit(1030);  // count 2: not seen twice -> contexts expire
  EXPECT_EQ(f.cs->contextCount(), 0u);
  EXPECT_EQ(f.cs->metricCount(), 1u);  // the monotonic count waits
  EXPECT_EQ(f.cs->waitingMetricCount(), 1u);
  // Back before the deadline: the carried previous value (10) makes 15 a delta of 5.
  f.take();
  f.add(typed("mc", 15, metrics::MetricType::kMonotonicCount), 2000);
  f.cs->commit(2000);
  auto series = f.take().first;
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(series[0].points[0].value, 5);
  EXPECT_EQ(f.cs->waitingMetricCount(), 0u);

  // Never back: removed once the deadline passes.
  Fixture g;
  g.add(typed("mc", 10, metrics::MetricType::kMonotonicCount), 1000);
  for (double t : {1000.0, 1015.0, 1030.0}) g.cs->commit(t);
  EXPECT_EQ(g.cs->metricCount(), 1u);
  g.cs->commit(1030 + 25 * 3600);  // deadline == ts: kept (strictly less removes)
  EXPECT_EQ(g.cs->metricCount(), 1u);
  g.cs->commit(1031 + 25 * 3600);
  EXPECT_EQ(g.cs->metricCount(), 0u);
}

TEST(CheckSamplerTest, ExpireMetricsDisabledKeepsEverything) {
  Fixture f;
  f.opts.expire_metrics = false;
  f.reset();
  f.add(typed("g", 1, metrics::MetricType::kGauge), 1000);
  for (double t : {1000.0, 1015.0, 1030.0, 1045.0}) f.cs->commit(t);
  EXPECT_EQ(f.cs->contextCount(), 0u);
  EXPECT_EQ(f.cs->metricCount(), 1u);
}

// Spec §3.3: check distributions are keyed by int64(sample ts), finished when ts < commit.
TEST(CheckSamplerTest, DistributionsByOwnSecond) {
  Fixture f;
  f.add(typed("d", 1, metrics::MetricType::kDistribution), 1000.7);
  f.add(typed("d", 2, metrics::MetricType::kDistribution), 1000.2);
  f.cs->commit(1000.9);  // int64(1000.9) = 1000: 1000 < 1000 is false, not yet
  EXPECT_TRUE(f.take().second.empty());
  f.cs->commit(1001);
  auto sketches = f.take().second;
  ASSERT_EQ(sketches.size(), 1u);
  EXPECT_EQ(sketches[0].points.size(), 1u);
  EXPECT_EQ(sketches[0].points[0].ts, 1000);
  EXPECT_EQ(sketches[0].points[0].sketch.basic.cnt, 2);
  EXPECT_EQ(sketches[0].interval, 0);  // not set for checks
}

// Spec §3.3 histogram buckets (OpenMetrics).
TEST(CheckSamplerTest, HistogramBuckets) {
  struct Bucket {
    int64_t value;
    double lower, upper;
    bool monotonic, flush_first;
  };
  struct C {
    const char* what;
    std::vector<Bucket> buckets;
    int64_t want_count;  // sketch count at the next commit (0: no sketch)
    const char* want_drop;
  };
  const double inf = std::numeric_limits<double>::infinity();
  const C cases[] = {
      {"plain bucket", {{10, 0, 10, false, false}}, 10, nullptr},
      {"zero is a no-op", {{0, 0, 10, false, false}}, 0, nullptr},
      {"negative value dropped", {{-1, 0, 10, false, false}}, 0, "bucket_negative_value"},
      {"upper < lower dropped", {{5, 10, 0, false, false}}, 0, "bucket_negative_range"},
      {"monotonic first sight suppressed", {{7, 0, 10, true, false}}, 0, nullptr},
      {"monotonic first sight with flush_first_value", {{7, 0, 10, true, true}}, 7, nullptr},
      {"monotonic sends the delta", {{7, 0, 10, true, false}, {10, 0, 10, true, false}}, 3, nullptr},
      {"monotonic decrease dropped", {{7, 0, 10, true, false}, {5, 0, 10, true, false}}, 0, "bucket_negative_delta"},
      {"+Inf upper bound -> [lower, lower]", {{4, 100, inf, false, false}}, 4, nullptr},
      {"NaN lower bound rejected", {{4, std::nan(""), 10, false, false}}, 0, "bucket_non_finite_bound"},
  };
  for (const auto& c : cases) {
    Fixture f;
    for (const auto& b : c.buckets) {
      HistogramBucket hb;
      hb.name = "h";
      hb.value = b.value;
      hb.lower_bound = b.lower;
      hb.upper_bound = b.upper;
      hb.monotonic = b.monotonic;
      hb.flush_first_value = b.flush_first;
      hb.timestamp = 1000;
      hb.tags = {"x"};
      f.cs->addBucket(hb);
    }
    f.cs->commit(1001);
    auto sketches = f.take().second;
    if (c.want_count == 0) {
      EXPECT_TRUE(sketches.empty()) << c.what;
    } else {
      ASSERT_EQ(sketches.size(), 1u) << c.what;
      EXPECT_EQ(sketches[0].points[0].sketch.basic.cnt, c.want_count) << c.what;
    }
    if (c.want_drop) {
      EXPECT_EQ(f.counters.drops.get(c.want_drop), 1) << c.what;
    }
  }
  // The +Inf bucket lands on its lower bound's key.
  Fixture f;
  HistogramBucket hb;
  hb.name = "h";
  hb.value = 4;
  hb.lower_bound = 100;
  hb.upper_bound = inf;
  hb.timestamp = 1000;
  f.cs->addBucket(hb);
  f.cs->commit(1001);
  auto sk = f.take().second;
  ASSERT_EQ(sk.size(), 1u);
  ASSERT_EQ(sk[0].points[0].sketch.bins.size(), 1u);
  EXPECT_EQ(sk[0].points[0].sketch.bins[0].k, metrics::SketchConfig::agentDefault().key(100));
}

TEST(CheckSamplerTest, RateErrorsAreCounted) {
  Fixture f;
  f.add(typed("r", 10, metrics::MetricType::kRate), 1000);
  f.add(typed("r", 20, metrics::MetricType::kRate), 1000);
  f.cs->commit(1000);
  EXPECT_TRUE(f.take().first.empty());
  EXPECT_EQ(f.counters.flush_errors.get("rate_same_timestamp"), 1);
}

}  // namespace
}  // namespace ddsim::aggregator
