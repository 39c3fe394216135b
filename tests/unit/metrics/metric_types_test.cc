#include "core/metrics/metric_types.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "core/metrics/context_metrics.h"

namespace ddsim::metrics {
namespace {

struct Part {
  std::string suffix;
  ApiMetricType type;
  std::vector<Point> points;
};

struct Flushed {
  FlushStatus status;
  std::vector<Part> parts;
};

Flushed flushOf(AnyMetric& m, double ts, int64_t interval = 10) {
  Flushed out;
  FlushParams p;
  p.interval = interval;
  out.status = m.flush(ts, p, [&](std::string_view s, ApiMetricType t, std::span<const Point> pts) {
    out.parts.push_back({std::string(s), t, std::vector<Point>(pts.begin(), pts.end())});
  });
  return out;
}

MetricSample sample(MetricType t, double v, double rate = 1.0) {
  MetricSample s;
  s.name = "m";
  s.mtype = t;
  s.value = v;
  s.sample_rate = rate;
  return s;
}

// One step of a scenario: add samples (value, rate, ts), then flush at flush_ts and expect
// either nothing or one point (value, point ts, API type).
struct Step {
  std::vector<std::tuple<double, double, double>> adds;  // value, sample rate, add ts
  double flush_ts;
  FlushStatus want_status;
  double want_value = 0;
  double want_point_ts = 0;
};

struct TypeCase {
  const char* what;
  MetricType type;
  int64_t interval;
  ApiMetricType want_type;
  std::vector<Step> steps;
};

// Spec §1.3 and §1.5, numbers from the agent's pkg/metrics tests.
TEST(MetricTypesTest, SingleValueTypes) {
  const auto E = FlushStatus::kEmitted;
  const auto N = FlushStatus::kNoSerie;
  const TypeCase cases[] = {
      {"gauge keeps the last value; rate ignored", MetricType::kGauge, 10, ApiMetricType::kGauge,
       {{{{1, 1, 1}, {2, 0.5, 2}, {5, 1, 3}}, 10, E, 5, 10}, {{}, 20, N}}},
      {"count sums; rate ignored (spec §1.5)", MetricType::kCount, 10, ApiMetricType::kCount,
       {{{{1, 1, 1}, {2, 0.5, 2}, {5, 1, 3}}, 10, E, 8, 10}, {{}, 20, N}}},
      {"counter: sum of v/rate over interval 10 (spec §1.3)", MetricType::kCounter, 10, ApiMetricType::kRate,
       {{{{1, 1, 1}, {2, 0.5, 2}, {5, 1, 3}}, 10, E, 1.0, 10}, {{}, 20, N}, {{{0, 1, 21}}, 30, E, 0, 30}}},
      {"counter in a check sampler (interval 1)", MetricType::kCounter, 1, ApiMetricType::kRate,
       {{{{3, 1, 1}, {4, 1, 2}}, 5, E, 7, 5}}},
      {"rate: needs two samples, uses the last two, point at latest sample ts", MetricType::kRate, 1,
       ApiMetricType::kGauge,
       {{{{1, 1, 10}}, 11, N},
        {{{11, 1, 20}}, 21, E, 1.0, 20},
        {{{21, 1, 25}, {41, 1, 30}}, 31, E, 4.0, 30},
        {{}, 32, N}}},
      {"rate: negative is dropped, state advances", MetricType::kRate, 1, ApiMetricType::kGauge,
       {{{{10, 1, 10}, {5, 1, 20}}, 21, FlushStatus::kRateNegative},
        {{{15, 1, 30}}, 31, E, 1.0, 30}}},
      {"rate: same timestamp is an error", MetricType::kRate, 1, ApiMetricType::kGauge,
       {{{{10, 1, 10}, {20, 1, 10}}, 11, FlushStatus::kRateSameTimestamp}}},
      {"monotonic count: 2,3,6,7 -> 5 then 10,11 -> 4 (spec §1.3)", MetricType::kMonotonicCount, 1,
       ApiMetricType::kCount,
       {{{{2, 1, 1}, {3, 1, 1}, {6, 1, 1}, {7, 1, 1}}, 10, E, 5, 10}, {{{10, 1, 11}, {11, 1, 12}}, 20, E, 4, 20}}},
      {"monotonic count: agent test sequence", MetricType::kMonotonicCount, 1, ApiMetricType::kCount,
       {{{}, 40, N},
        {{{2, 1, 45}}, 40, N},
        {{{1, 1, 48}}, 50, E, 0, 50},
        {{{2, 1, 50}, {3, 1, 55}, {6, 1, 55}, {7, 1, 58}}, 60, E, 6, 60},
        {{}, 70, N},
        {{{11, 1, 75}}, 80, E, 4, 80},
        {{{11, 1, 81}}, 82, E, 0, 82},
        {{{9, 1, 83}}, 84, E, 0, 84},
        {{{12, 1, 85}, {10, 1, 85}, {20, 1, 85}, {13, 1, 85}, {17, 1, 85}}, 90, E, 17, 90}}},
  };
  for (const auto& c : cases) {
    AnyMetric m = AnyMetric::create(c.type);
    EXPECT_EQ(m.type(), c.type) << c.what;
    int step = 0;
    for (const auto& st : c.steps) {
      for (const auto& [v, rate, ts] : st.adds) m.addSample(sample(c.type, v, rate), ts);
      const Flushed f = flushOf(m, st.flush_ts, c.interval);
      EXPECT_EQ(f.status, st.want_status) << c.what << " step " << step;
      if (st.want_status == FlushStatus::kEmitted) {
        ASSERT_EQ(f.parts.size(), 1u) << c.what << " step " << step;
        ASSERT_EQ(f.parts[0].points.size(), 1u);
        EXPECT_EQ(f.parts[0].suffix, "");
        EXPECT_EQ(f.parts[0].type, c.want_type) << c.what;
        EXPECT_DOUBLE_EQ(f.parts[0].points[0].value, st.want_value) << c.what << " step " << step;
        EXPECT_DOUBLE_EQ(f.parts[0].points[0].ts, st.want_point_ts) << c.what << " step " << step;
      } else {
        EXPECT_TRUE(f.parts.empty()) << c.what << " step " << step;
      }
      ++step;
    }
  }
}

// Agent test TestMonotonicCount_FlushFirstValue (spec §1.3).
TEST(MetricTypesTest, MonotonicCountFlushFirstValue) {
  struct S {
    double v;
    bool ffv;
    double want;
  };
  const S steps[] = {{10, true, 10}, {8, true, 8}, {10, true, 2}, {10, true, 0}, {6, false, 0}, {10, false, 4}};
  AnyMetric m = AnyMetric::create(MetricType::kMonotonicCount);
  for (const auto& s : steps) {
    MetricSample ms = sample(MetricType::kMonotonicCount, s.v);
    ms.flush_first_value = s.ffv;
    m.addSample(ms, 1);
    const Flushed f = flushOf(m, 1, 1);
    ASSERT_EQ(f.status, FlushStatus::kEmitted) << s.v;
    EXPECT_DOUBLE_EQ(f.parts[0].points[0].value, s.want) << s.v;
  }
}

TEST(MetricTypesTest, SetCountsDistinctRawValues) {
  AnyMetric m = AnyMetric::create(MetricType::kSet);
  for (const char* raw : {"a", "b", "a", "1.0", "1"}) {
    MetricSample s = sample(MetricType::kSet, 0);
    s.raw_value = raw;
    m.addSample(s, 1);
  }
  Flushed f = flushOf(m, 10);
  ASSERT_EQ(f.status, FlushStatus::kEmitted);
  EXPECT_EQ(f.parts[0].type, ApiMetricType::kGauge);
  EXPECT_EQ(f.parts[0].points[0].value, 4);  // "1.0" and "1" are different strings (spec §1.3)
  EXPECT_EQ(flushOf(m, 20).status, FlushStatus::kNoSerie);
}

TEST(MetricTypesTest, WithTimestampKeepsEveryPoint) {
  for (auto [t, api] : {std::pair{MetricType::kGaugeWithTimestamp, ApiMetricType::kGauge},
                        std::pair{MetricType::kCountWithTimestamp, ApiMetricType::kCount}}) {
    AnyMetric m = AnyMetric::create(t);
    m.addSample(sample(t, 1), 100);
    m.addSample(sample(t, 2), 90);
    Flushed f = flushOf(m, 500, 1);
    ASSERT_EQ(f.parts.size(), 1u);
    EXPECT_EQ(f.parts[0].type, api);
    ASSERT_EQ(f.parts[0].points.size(), 2u);
    EXPECT_EQ(f.parts[0].points[0].ts, 100);
    EXPECT_EQ(f.parts[0].points[1].ts, 90);
    EXPECT_EQ(f.parts[0].points[1].value, 2);
    EXPECT_EQ(flushOf(m, 600).status, FlushStatus::kNoSerie);
  }
}

TEST(MetricTypesTest, StatefulTypes) {
  EXPECT_TRUE(AnyMetric::create(MetricType::kRate).isStateful());
  EXPECT_TRUE(AnyMetric::create(MetricType::kMonotonicCount).isStateful());
  EXPECT_TRUE(AnyMetric::create(MetricType::kHistorate).isStateful());
  EXPECT_FALSE(AnyMetric::create(MetricType::kGauge).isStateful());
  EXPECT_FALSE(AnyMetric::create(MetricType::kHistogram).isStateful());
  EXPECT_LE(sizeof(AnyMetric), 24u);  // keeps a bucket of gauges small
}

// Spec §1.2: NaN/Inf samples are rejected and create nothing.
TEST(ContextMetricsTest, RejectsNonFiniteValues) {
  ContextMetrics cm;
  const double bad[] = {std::nan(""), std::numeric_limits<double>::infinity(),
                        -std::numeric_limits<double>::infinity()};
  for (double v : bad) {
    const common::Status st = cm.addSample(1, sample(MetricType::kGauge, v), 1);
    EXPECT_EQ(st.code(), common::StatusCode::kInvalidArgument);
  }
  EXPECT_TRUE(cm.empty());
}

// Spec §1.2: the metric takes the first sample's type; later samples of another type feed it.
TEST(ContextMetricsTest, FirstSampleTypeWins) {
  ContextMetrics cm;
  bool created = false;
  ASSERT_TRUE(cm.addSample(7, sample(MetricType::kCounter, 10), 1, &created).isOk());
  EXPECT_TRUE(created);
  ASSERT_TRUE(cm.addSample(7, sample(MetricType::kGauge, 5), 1, &created).isOk());
  EXPECT_FALSE(created);
  std::vector<Part> parts;
  FlushParams p;
  cm.flush(10, p,
           [&](uint64_t key, std::string_view s, ApiMetricType t, std::span<const Point> pts) {
             EXPECT_EQ(key, 7u);
             parts.push_back({std::string(s), t, {pts.begin(), pts.end()}});
           },
           [](uint64_t, FlushStatus) { FAIL(); });
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].type, ApiMetricType::kRate);
  EXPECT_DOUBLE_EQ(parts[0].points[0].value, 1.5);  // (10 + 5) / 10
}

// Spec §1.5: a counter with @0 is not guarded: +Inf (NaN for 0/0) goes out as is.
TEST(MetricTypesTest, CounterZeroSampleRateIsNotGuarded) {
  AnyMetric m = AnyMetric::create(MetricType::kCounter);
  m.addSample(sample(MetricType::kCounter, 1, 0), 1);
  Flushed f = flushOf(m, 10);
  ASSERT_EQ(f.status, FlushStatus::kEmitted);
  EXPECT_TRUE(std::isinf(f.parts[0].points[0].value));
  m.addSample(sample(MetricType::kCounter, 0, 0), 11);
  f = flushOf(m, 20);
  EXPECT_TRUE(std::isnan(f.parts[0].points[0].value));
}

}  // namespace
}  // namespace ddsim::metrics
