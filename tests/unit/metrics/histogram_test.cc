#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/metrics/histogram_config.h"
#include "core/metrics/metric_types.h"

namespace ddsim::metrics {
namespace {

struct Out {
  std::string suffix;
  ApiMetricType type;
  double value;
};

std::vector<Out> flushHistogram(const std::vector<std::pair<double, double>>& samples,
                                const HistogramConfig& cfg, int64_t interval) {
  AnyMetric h = AnyMetric::create(MetricType::kHistogram);
  for (auto [v, rate] : samples) {
    MetricSample s;
    s.mtype = MetricType::kHistogram;
    s.value = v;
    s.sample_rate = rate;
    h.addSample(s, 50);
  }
  std::vector<Out> out;
  FlushParams p;
  p.interval = interval;
  p.histogram = &cfg;
  h.flush(60, p, [&](std::string_view suffix, ApiMetricType t, std::span<const Point> pts) {
    EXPECT_EQ(pts.size(), 1u);
    EXPECT_EQ(pts[0].ts, 60);
    out.push_back({std::string(suffix), t, pts[0].value});
  });
  return out;
}

// Spec §1.4 (rank formulas, output order, .count typed rate) with the agent's own test numbers
// (pkg/metrics/histogram_test.go) and the spec's worked example.
struct HistCase {
  const char* what;
  std::vector<std::string> aggregates;
  std::vector<std::string> percentiles;
  std::vector<std::pair<double, double>> samples;  // value, sample rate
  int64_t interval;
  std::vector<Out> want;
};

std::vector<std::pair<double, double>> oneToHundred(int times) {
  std::vector<std::pair<double, double>> s;
  for (int i = 100; i >= 1; --i)
    for (int j = 0; j < times; ++j) s.push_back({double(i), 1.0});
  return s;
}

TEST(HistogramTest, AgentNumbers) {
  const auto G = ApiMetricType::kGauge;
  const auto R = ApiMetricType::kRate;
  const HistCase cases[] = {
      {"defaults (TestDefaultHistogramSampling)",
       {"max", "median", "avg", "count"}, {"0.95"},
       {{1, 1}, {10, 1}, {4, 1}, {5, 1}, {2, 1}, {2, 1}}, 10,
       {{".max", G, 10}, {".median", G, 2}, {".avg", G, 4}, {".count", R, 0.6}, {".95percentile", G, 10}}},
      {"custom min/sum, unknown aggregate skipped",
       {"min", "sum", "invalid"}, {},
       {{1, 1}, {10, 1}, {4, 1}, {5, 1}, {2, 1}, {2, 1}}, 10,
       {{".min", G, 1}, {".sum", G, 24}}},
      {"spec worked example: 1..100 once",
       {"max", "median", "avg", "count"}, {"0.95"}, oneToHundred(1), 10,
       {{".max", G, 100}, {".median", G, 50}, {".avg", G, 50.5}, {".count", R, 10}, {".95percentile", G, 95}}},
      {"1..100 x20, percentiles sorted ascending after aggregates",
       {"max", "median", "avg", "count", "min"}, {"0.95", "0.80"}, oneToHundred(20), 10,
       {{".max", G, 100}, {".median", G, 50}, {".avg", G, 50.5}, {".count", R, 200}, {".min", G, 1},
        {".80percentile", G, 80}, {".95percentile", G, 95}}},
      {"sample rates: weight int64(1/rate), float sum (TestHistogramSampleRate)",
       {"max", "min", "median", "avg", "sum", "count"}, {"0.20", "0.95", "0.80"},
       {{1, 1}, {2, 0.5}, {3, 0.2}, {10, 0.5}}, 10,
       {{".max", G, 10}, {".min", G, 1}, {".median", G, 3}, {".avg", G, 4}, {".sum", G, 40}, {".count", R, 1},
        {".20percentile", G, 2}, {".80percentile", G, 3}, {".95percentile", G, 10}}},
      {"check sampler interval 1: count still typed rate", {"count"}, {}, {{1, 1}, {2, 1}}, 1,
       {{".count", R, 2}}},
      {"rate 0 counts as 1; rate 0.3 gives weight 3", {"count", "sum"}, {}, {{2, 0}, {1, 0.3}}, 1,
       {{".count", R, 4}, {".sum", G, 2 + 1 / 0.3}}},
  };
  for (const auto& c : cases) {
    HistogramOptions o;
    o.aggregates = c.aggregates;
    o.percentiles = c.percentiles;
    const HistogramConfig cfg(o);
    const auto got = flushHistogram(c.samples, cfg, c.interval);
    ASSERT_EQ(got.size(), c.want.size()) << c.what;
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].suffix, c.want[i].suffix) << c.what;
      EXPECT_EQ(got[i].type, c.want[i].type) << c.what << " " << got[i].suffix;
      EXPECT_DOUBLE_EQ(got[i].value, c.want[i].value) << c.what << " " << got[i].suffix;
    }
  }
}

// Spec §1.4: int(p*100 + 0.5), sorted, invalid ones skipped (TestHistogramConf*).
TEST(HistogramTest, PercentileParsing) {
  struct C {
    std::vector<std::string> in;
    std::vector<int64_t> want;
    std::vector<std::string> want_suffix;
    size_t rejected;
  };
  const C cases[] = {
      {{"0.95", "0.96", "0.28", "0.57", "0.58"}, {28, 57, 58, 95, 96}, {}, 0},
      {{"0.95", "test", "0.12test", "0.22", "200", "-50"}, {22, 95}, {}, 4},
      {{"0.5", "0.05", "1", "0"}, {0, 5, 50, 100}, {".0percentile", ".5percentile", ".50percentile", ".100percentile"}, 0},
      {{"nan", ""}, {}, {}, 2},
  };
  for (const auto& c : cases) {
    HistogramOptions o;
    o.percentiles = c.in;
    std::vector<std::string> rejected;
    const HistogramConfig cfg(o, &rejected);
    std::vector<int64_t> got;
    for (const auto& p : cfg.percentiles()) got.push_back(p.value);
    EXPECT_EQ(got, c.want);
    EXPECT_EQ(rejected.size(), c.rejected);
    for (size_t i = 0; i < c.want_suffix.size(); ++i) EXPECT_EQ(cfg.percentiles()[i].suffix, c.want_suffix[i]);
  }
}

TEST(HistogramTest, ResetAfterFlush) {
  AnyMetric h = AnyMetric::create(MetricType::kHistogram);
  MetricSample s;
  s.mtype = MetricType::kHistogram;
  s.value = 1;
  h.addSample(s, 1);
  FlushParams p;
  int n = 0;
  EXPECT_EQ(h.flush(10, p, [&](std::string_view, ApiMetricType, std::span<const Point>) { ++n; }),
            FlushStatus::kEmitted);
  EXPECT_EQ(n, 5);
  EXPECT_EQ(h.flush(20, p, [&](std::string_view, ApiMetricType, std::span<const Point>) { ++n; }),
            FlushStatus::kNoSerie);
}

// Spec §1.3 historate: rates between consecutive samples go to an inner histogram.
TEST(HistogramTest, HistorateAgentNumbers) {
  AnyMetric h = AnyMetric::create(MetricType::kHistorate);
  MetricSample s;
  s.mtype = MetricType::kHistorate;
  FlushParams p;
  p.interval = 1;
  std::vector<Out> out;
  auto emit = [&](std::string_view suffix, ApiMetricType t, std::span<const Point> pts) {
    out.push_back({std::string(suffix), t, pts[0].value});
  };
  s.value = 1;
  h.addSample(s, 50);
  EXPECT_EQ(h.flush(50, p, emit), FlushStatus::kNoSerie);  // one sample: nothing
  s.value = 2;
  h.addSample(s, 51);
  s.value = 4;
  h.addSample(s, 52);
  ASSERT_EQ(h.flush(52, p, emit), FlushStatus::kEmitted);
  ASSERT_EQ(out.size(), 5u);
  EXPECT_EQ(out[0].value, 2);  // max of rates {1, 2}
  EXPECT_EQ(out[3].value, 2);  // count 2 / interval 1
  // The flush resets the previous value: the next period needs two samples again.
  out.clear();
  s.value = 10;
  h.addSample(s, 60);
  EXPECT_EQ(h.flush(61, p, emit), FlushStatus::kNoSerie);
}

// Bad sample rates (issue 2 "Bad input"): the agent's int64(1/rate) and integer arithmetic are
// reproduced without undefined behaviour (run under the sanitizer build).
TEST(HistogramTest, ExtremeSampleRatesAreDefined) {
  for (double rate : {1e-300, -0.5, -1e-300, 5.0}) {
    const auto got = flushHistogram({{1, rate}, {2, rate}}, HistogramConfig::defaults(), 10);
    // The four aggregates always come out; a percentile whose target the (negative or zero)
    // weights never pass is not emitted, as in the agent.
    EXPECT_GE(got.size(), 4u) << rate;
  }
}

}  // namespace
}  // namespace ddsim::metrics
