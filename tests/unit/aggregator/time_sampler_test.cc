#include "core/aggregator/time_sampler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>

#include "core/metrics/context_key.h"
#include "tests/unit/aggregator/test_util.h"

namespace ddsim::aggregator {
namespace {

using testutil::counter;
using testutil::findSerie;
using testutil::gauge;
using testutil::pointsOf;
using testutil::SampleSpec;

struct Fixture {
  TagStore store;
  TimeSampler sampler{0, TimeSamplerOptions{}, &store};
  std::vector<metrics::Serie> flush(double ts) {
    std::vector<metrics::Serie> series;
    std::vector<metrics::SketchSeries> sketches;
    sampler.flush(ts, series, sketches);
    return series;
  }
  std::vector<metrics::SketchSeries> flushSketches(double ts) {
    std::vector<metrics::Serie> series;
    std::vector<metrics::SketchSeries> sketches;
    sampler.flush(ts, series, sketches);
    return sketches;
  }
  void add(SampleSpec s, double now) { sampler.sample(s.view(), now); }
};

// Spec §3.2 bucket boundaries: start = int64(ts) - int64(ts) % 10; a bucket is flushed once
// start + 10 <= bucketStart(flush time). Agent TestCalculateBucketStart / TestBucketSampling.
TEST(TimeSamplerTest, BucketBoundaries) {
  struct C {
    const char* what;
    std::vector<double> sample_times;
    double flush_at;
    std::vector<double> want_points;  // bucket starts flushed
    size_t want_open_buckets;
  };
  const C cases[] = {
      {"agent TestBucketSampling", {12345, 12355, 12365}, 12360, {12340, 12350}, 1},
      {"fraction truncated", {123456.5}, 123460, {123450}, 0},
      {"sample on a boundary opens the next bucket", {123460.5}, 123469.9, {}, 1},
      {"flush inside the bucket keeps it open", {1000}, 1009.99, {}, 1},
      {"flush exactly at the end closes it", {1000}, 1010, {1000}, 0},
      {"both buckets closed, points ascending", {1001, 1011}, 1020, {1000, 1010}, 0},
  };
  for (const auto& c : cases) {
    Fixture f;
    for (double t : c.sample_times) f.add(gauge("my.metric.name", 1), t);
    const auto series = f.flush(c.flush_at);
    std::vector<double> got;
    if (!series.empty()) {
      ASSERT_EQ(series.size(), 1u) << c.what;
      for (auto& p : series[0].points) got.push_back(p.ts);
      EXPECT_EQ(series[0].interval, 10) << c.what;
      EXPECT_EQ(series[0].mtype, metrics::ApiMetricType::kGauge);
    }
    EXPECT_EQ(got, c.want_points) << c.what;
    EXPECT_EQ(f.sampler.bucketCount(), c.want_open_buckets) << c.what;
  }
}

// Spec §3.2: with the 15 s ticker flushes alternately emit one or two buckets.
TEST(TimeSamplerTest, FifteenSecondTickerAlternates) {
  Fixture f;
  for (int t = 0; t < 60; ++t) f.add(gauge("g", t), 1000 + t);
  const std::pair<double, std::vector<double>> flushes[] = {
      {1015, {1000}}, {1030, {1010, 1020}}, {1045, {1030}}, {1060, {1040, 1050}}};
  for (const auto& [at, want] : flushes) {
    const auto series = f.flush(at);
    ASSERT_EQ(series.size(), 1u) << at;
    std::vector<double> got;
    for (auto& p : series[0].points) got.push_back(p.ts);
    EXPECT_EQ(got, want) << at;
    EXPECT_EQ(series[0].points.back().value, want.back() - 1000 + 9) << at;  // last gauge value
  }
}

// Agent TestCounterExpirySeconds (spec §3.2): counters report 0 for dogstatsd_expiry_seconds
// after their last sample; a synthetic bucket carries the zeros when there is no bucket at all.
TEST(TimeSamplerTest, CounterZeroFillAndExpiry) {
  Fixture f;
  f.add(counter("my.counter1", 1), 1004);
  f.add(counter("my.counter2", 2), 1002);
  f.add(gauge("my.gauge", 2), 1003);
  auto series = f.flush(1010);
  ASSERT_EQ(series.size(), 3u);
  EXPECT_EQ(pointsOf(testutil::serie(series, "my.counter1")), (std::vector<std::pair<double, double>>{{1000, .1}}));
  EXPECT_EQ(testutil::serie(series, "my.counter1").mtype, metrics::ApiMetricType::kRate);
  EXPECT_EQ(pointsOf(testutil::serie(series, "my.counter2")), (std::vector<std::pair<double, double>>{{1000, .2}}));
  EXPECT_EQ(pointsOf(testutil::serie(series, "my.gauge")), (std::vector<std::pair<double, double>>{{1000, 2}}));

  f.add(counter("my.counter2", 2), 1034);
  f.add(counter("my.counter1", 1), 1010);
  f.add(counter("my.counter2", 2), 1020);
  series = f.flush(1040);
  ASSERT_EQ(series.size(), 2u);
  EXPECT_EQ(pointsOf(testutil::serie(series, "my.counter1")),
            (std::vector<std::pair<double, double>>{{1010, .1}, {1020, 0}, {1030, 0}}));
  EXPECT_EQ(pointsOf(testutil::serie(series, "my.counter2")),
            (std::vector<std::pair<double, double>>{{1010, 0}, {1020, .2}, {1030, .2}}));

  EXPECT_EQ(f.flush(1045).size(), 0u);  // same interval as the last flush: no synthetic bucket
  series = f.flush(1050);                // synthetic bucket 1040 with both zero counters
  ASSERT_EQ(series.size(), 2u);
  EXPECT_EQ(pointsOf(testutil::serie(series, "my.counter1")), (std::vector<std::pair<double, double>>{{1040, 0}}));

  series = f.flush(1329);  // counter1 stopped reporting (1010+300 <= 1310), context kept
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(series[0].name, "my.counter2");
  EXPECT_EQ(f.sampler.contextCount(), 2u);

  EXPECT_EQ(f.flush(1800).size(), 0u);  // all stopped reporting and expired
  EXPECT_EQ(f.sampler.contextCount(), 0u);
}

// Spec §3.2 step 3: non-counter contexts expire when lastSeen + 20 < now, counters after 320.
TEST(TimeSamplerTest, ContextExpiry) {
  struct C {
    metrics::MetricType type;
    double last_seen;
    double flush_at;
    size_t want_contexts;
  };
  const C cases[] = {
      {metrics::MetricType::kGauge, 1000, 1020, 1},  {metrics::MetricType::kGauge, 1000, 1021, 0},
      {metrics::MetricType::kCounter, 1000, 1320, 1}, {metrics::MetricType::kCounter, 1000, 1321, 0},
      {metrics::MetricType::kDistribution, 1000, 1021, 0},
  };
  for (const auto& c : cases) {
    Fixture f;
    SampleSpec s = gauge("m", 1);
    s.mtype = c.type;
    f.add(s, c.last_seen);
    f.flush(c.flush_at);
    EXPECT_EQ(f.sampler.contextCount(), c.want_contexts) << int(c.type) << " " << c.flush_at;
  }
}

TEST(TimeSamplerTest, SeriesCarryContext) {
  Fixture f;
  SampleSpec s = gauge("my.metric", 3, {"foo", "bar", "foo"});
  s.host = "metric-hostname";
  s.tagger_tags = {"pod:a", "foo"};
  f.add(s, 12346);
  const auto series = f.flush(12360);
  ASSERT_EQ(series.size(), 1u);
  const auto& serie = series[0];
  EXPECT_EQ(serie.host, "metric-hostname");
  // Tagger tags then metric tags, duplicates removed across both (spec §2.3).
  EXPECT_EQ(serie.tags.toVector(), (std::vector<std::string>{"pod:a", "foo", "bar"}));
  metrics::KeyGenerator gen;
  const std::vector<std::string> tags{"foo", "bar", "pod:a"};
  metrics::HashedTags all;
  all.appendAll(tags);
  EXPECT_EQ(serie.context_key, gen.generate("my.metric", "metric-hostname", all));
  EXPECT_TRUE(serie.source_type_name.empty());
}

// Spec §1.4 through the sampler: DogStatsD histograms use interval 10.
TEST(TimeSamplerTest, HistogramAndSetSeries) {
  Fixture f;
  for (int i = 1; i <= 100; ++i) {
    SampleSpec h = gauge("lat", i, {});
    h.mtype = metrics::MetricType::kHistogram;
    f.add(h, 1000 + (i % 10));
  }
  for (const char* v : {"a", "b", "a"}) {
    SampleSpec st = gauge("users", 0, {});
    st.mtype = metrics::MetricType::kSet;
    st.raw_value = v;
    f.add(st, 1001);
  }
  const auto series = f.flush(1010);
  ASSERT_EQ(series.size(), 6u);
  EXPECT_EQ(testutil::serie(series, "lat.max").points[0].value, 100);
  EXPECT_EQ(testutil::serie(series, "lat.median").points[0].value, 50);
  EXPECT_EQ(testutil::serie(series, "lat.avg").points[0].value, 50.5);
  EXPECT_EQ(testutil::serie(series, "lat.count").points[0].value, 10);
  EXPECT_EQ(testutil::serie(series, "lat.count").mtype, metrics::ApiMetricType::kRate);
  EXPECT_EQ(testutil::serie(series, "lat.95percentile").points[0].value, 95);
  EXPECT_EQ(testutil::serie(series, "users").points[0].value, 2);
}

// Spec §3.2 step 2: sketches with bucketTs < cutoff are finished; points per context.
TEST(TimeSamplerTest, Sketches) {
  Fixture f;
  for (int i = 0; i < 10; ++i) {
    SampleSpec d = gauge("dist", i + 1, {"a"});
    d.mtype = metrics::MetricType::kDistribution;
    f.add(d, 1000 + i * 2);  // buckets 1000 and 1010
  }
  auto sk = f.flushSketches(1015);  // cutoff 1010: only bucket 1000
  ASSERT_EQ(sk.size(), 1u);
  EXPECT_EQ(sk[0].name, "dist");
  EXPECT_EQ(sk[0].interval, 10);
  ASSERT_EQ(sk[0].points.size(), 1u);
  EXPECT_EQ(sk[0].points[0].ts, 1000);
  EXPECT_EQ(sk[0].points[0].sketch.basic.cnt, 5);
  EXPECT_EQ(sk[0].points[0].sketch.basic.sum, 15);
  sk = f.flushSketches(1020);
  ASSERT_EQ(sk.size(), 1u);
  EXPECT_EQ(sk[0].points[0].ts, 1010);
  EXPECT_EQ(sk[0].points[0].sketch.basic.max, 10);
  EXPECT_TRUE(f.flushSketches(1030).empty());
}

// Issue 2 "Bad input": NaN/Inf rejected after the context is tracked (spec §1.2); empty names
// and absurd timestamps rejected and counted; nothing else lost.
TEST(TimeSamplerTest, BadInputIsCountedAndIsolated) {
  Fixture f;
  const double nan = std::nan("");
  const double inf = std::numeric_limits<double>::infinity();
  f.add(gauge("ok", 1), 1001);
  f.add(gauge("nan", nan), 1001);
  f.add(gauge("inf", inf), 1001);
  f.add(gauge("", 1), 1001);
  SampleSpec d = gauge("dist", -inf, {});
  d.mtype = metrics::MetricType::kDistribution;
  f.add(d, 1001);
  SampleSpec future = gauge("future", 1);
  future.timestamp = 1e300;
  f.add(future, 1001);
  SampleSpec negative = gauge("negative_ts_uses_now", 1);
  negative.timestamp = -5;
  f.add(negative, 1001);
  EXPECT_EQ(f.sampler.drops().get("non_finite_value"), 3);
  EXPECT_EQ(f.sampler.drops().get("empty_name"), 1);
  EXPECT_EQ(f.sampler.drops().get("timestamp_out_of_range"), 1);
  // The NaN/Inf samples' contexts exist (agent behaviour) but produce nothing.
  EXPECT_EQ(f.sampler.contextCount(), 5u);
  const auto series = f.flush(1010);
  ASSERT_EQ(series.size(), 2u);
  EXPECT_NE(findSerie(series, "ok"), nullptr);
  EXPECT_NE(findSerie(series, "negative_ts_uses_now"), nullptr);
}

TEST(TimeSamplerTest, SampleTimestampOverridesNow) {
  Fixture f;
  SampleSpec s = gauge("g", 7);
  s.timestamp = 905.5;
  f.add(s, 1000);
  const auto series = f.flush(1000);
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(series[0].points[0].ts, 900);
}

TEST(TimeSamplerTest, TagStoreSharesTagSetsAcrossContexts) {
  Fixture f;
  f.add(gauge("a", 1, {"x", "y"}), 1001);
  f.add(gauge("b", 1, {"y", "x"}), 1001);  // same set, other order: shares the first order
  const auto series = f.flush(1010);
  ASSERT_EQ(series.size(), 2u);
  EXPECT_EQ(series[0].tags.second.get(), series[1].tags.second.get());
  EXPECT_EQ(testutil::serie(series, "b").tags.toVector(), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(f.store.entries(), 1u);
}

TEST(TimeSamplerTest, ThousandsOfTagsAndMegabyteTags) {
  Fixture f;
  std::vector<std::string> many;
  for (int i = 0; i < 5000; ++i) many.push_back(testutil::cat("t", i % 2500));
  f.add(gauge("many", 1, many), 1001);
  f.add(gauge("big", 1, {std::string(1 << 20, 'z'), "k:v"}), 1001);
  const auto series = f.flush(1010);
  ASSERT_EQ(series.size(), 2u);
  EXPECT_EQ(testutil::serie(series, "many").tags.size(), 2500u);
  EXPECT_EQ(testutil::serie(series, "big").tags.size(), 2u);
}

// Issue 2 "Bad input": zero or negative sample rates keep the agent's behaviour per type
// (spec §1.5) and are counted as anomalies.
TEST(TimeSamplerTest, ZeroAndNegativeSampleRates) {
  struct C {
    const char* what;
    metrics::MetricType type;
    double rate;
    const char* serie;  // name of the serie to look at
    double want;        // its value (NaN: expect NaN)
  };
  const double inf = std::numeric_limits<double>::infinity();
  const C cases[] = {
      {"counter @0 -> +Inf (not guarded)", metrics::MetricType::kCounter, 0, "m", inf},
      {"counter @-0.5 -> value / rate", metrics::MetricType::kCounter, -0.5, "m", -0.4},
      {"gauge ignores the rate", metrics::MetricType::kGauge, 0, "m", 2},
      {"histogram @0 counts as 1", metrics::MetricType::kHistogram, 0, "m.count", 0.1},
      {"histogram @-0.5: weight int64(1/rate) = -2", metrics::MetricType::kHistogram, -0.5, "m.count", -0.2},
  };
  for (const auto& c : cases) {
    Fixture f;
    SampleSpec s = gauge("m", 2, {});
    s.mtype = c.type;
    s.sample_rate = c.rate;
    f.add(s, 1001);
    const auto series = f.flush(1010);
    EXPECT_DOUBLE_EQ(testutil::serie(series, c.serie).points.at(0).value, c.want) << c.what;
    EXPECT_EQ(f.sampler.anomalies().get("non_positive_sample_rate"), 1) << c.what;
  }
  Fixture f;
  SampleSpec d = gauge("d", 2, {});
  d.mtype = metrics::MetricType::kDistribution;
  d.sample_rate = 0;  // distributions: outside (0, 1] counts as 1
  f.add(d, 1001);
  const auto sk = f.flushSketches(1010);
  ASSERT_EQ(sk.size(), 1u);
  EXPECT_EQ(sk[0].points[0].sketch.basic.cnt, 1);
}

// telemetry.dogstatsd_origin (spec §3.2 step 4): contexts counted per tagger-tag set.
TEST(TimeSamplerTest, OriginTelemetry) {
  TagStore store;
  TimeSamplerOptions o;
  o.dogstatsd_origin_telemetry = true;
  o.hostname = "h";
  TimeSampler sampler(3, o, &store);
  for (int i = 0; i < 3; ++i) {
    SampleSpec s = gauge(testutil::cat("m", i), 1, {});
    s.tagger_tags = {i < 2 ? "pod:a" : "pod:b"};
    sampler.sample(s.view(), 1001);
  }
  std::vector<metrics::Serie> series;
  std::vector<metrics::SketchSeries> sketches;
  sampler.flush(1010, series, sketches);
  std::map<std::string, double> by_origin;
  for (const auto& s : series) {
    if (s.name != "datadog.agent.aggregator.dogstatsd_contexts_by_origin") continue;
    EXPECT_EQ(s.host, "h");
    const auto tags = s.tags.toVector();
    ASSERT_EQ(tags.size(), 2u);
    EXPECT_EQ(tags[0], "sampler_id:3");
    by_origin[tags[1]] = s.points[0].value;
  }
  EXPECT_EQ(by_origin, (std::map<std::string, double>{{"pod:a", 2}, {"pod:b", 1}}));
}

}  // namespace
}  // namespace ddsim::aggregator
