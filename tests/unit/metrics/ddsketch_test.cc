#include "core/metrics/ddsketch.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "core/common/random.h"

namespace ddsim::metrics {
namespace {

const SketchConfig& cfg() { return SketchConfig::agentDefault(); }

// Spec §4.1 parameters.
TEST(DDSketchTest, AgentParameters) {
  EXPECT_DOUBLE_EQ(cfg().gamma(), 1.015625);
  EXPECT_EQ(cfg().bias(), 1338);
  EXPECT_NEAR(cfg().normMin(), 9.9419e-10, 1e-13);
  EXPECT_NEAR(cfg().normMax() / 4.14e211, 1.0, 0.01);
  EXPECT_EQ(cfg().binLimit(), 4096);
}

// Spec §4.2 key mapping examples.
TEST(DDSketchTest, KeyMapping) {
  struct C {
    double v;
    int16_t k;
  };
  const C cases[] = {{1, 1338},   {2, 1383},       {10, 1487},     {100, 1635},  {0.5, 1293},
                     {1e-9, 1},   {0, 0},          {1e-10, 0},     {-1, -1338},  {-10, -1487},
                     {1e300, 32767}, {-1e300, -32767}, {-1e-10, 0}};
  for (const auto& c : cases) EXPECT_EQ(cfg().key(c.v), c.k) << c.v;
  // Round half to even keeps key(binLow(k)) == k.
  for (int k = 1; k <= 32766; k += 97) {
    EXPECT_EQ(cfg().key(cfg().binLow(static_cast<int16_t>(k))), k) << k;
  }
  EXPECT_DOUBLE_EQ(cfg().binLow(1338), 1.0);
  EXPECT_TRUE(std::isinf(cfg().binLow(32767)));
  EXPECT_LT(cfg().binLow(-32767), 0);
}

// Spec §4.3: keys are buffered 512 at a time before reaching the store.
TEST(DDSketchTest, InsertBuffer512) {
  AgentSketch a;
  for (int i = 0; i < 511; ++i) a.insert(1, 1);
  EXPECT_TRUE(a.sketch().bins().empty());
  EXPECT_EQ(a.sketch().basic().cnt, 511);
  a.insert(1, 1);
  ASSERT_EQ(a.sketch().bins().size(), 1u);
  EXPECT_EQ(a.sketch().bins()[0].n, 512);
}

// Spec §4.1/4.3: uint16 counts; overflow makes several bins with one key, remainder first.
TEST(DDSketchTest, BinCountOverflow) {
  AgentSketch a;
  for (int i = 0; i < 70000; ++i) a.insert(1, 1);
  const auto s = a.finish();
  ASSERT_TRUE(s.has_value());
  ASSERT_EQ(s->bins.size(), 2u);
  EXPECT_EQ(s->bins[0].k, 1338);
  EXPECT_EQ(s->bins[0].n, 70000 - 65535);
  EXPECT_EQ(s->bins[1].n, 65535);
  EXPECT_EQ(s->basic.cnt, 70000);
}

// Spec §4.3: more than 4096 bins fold the lowest ones into the bin at len-4096.
TEST(DDSketchTest, TrimLeftTo4096Bins) {
  AgentSketch a;
  const int n = 5000;
  for (int i = 0; i < n; ++i) a.insert(std::pow(cfg().gamma(), i - 2000), 1);  // one key each
  const auto s = a.finish();
  ASSERT_TRUE(s.has_value());
  ASSERT_EQ(s->bins.size(), 4096u);
  EXPECT_EQ(s->bins[0].n, n - 4096 + 1);
  EXPECT_EQ(s->bins[0].k, cfg().key(std::pow(cfg().gamma(), (n - 4096) - 2000)));
  int64_t total = 0;
  for (const auto& b : s->bins) total += b.n;
  EXPECT_EQ(total, n);
  for (size_t i = 1; i < s->bins.size(); ++i) EXPECT_LT(s->bins[i - 1].k, s->bins[i].k);
}

// Spec §4.3: rate outside (0,1] is 1; otherwise Cnt += int64(1/rate), Sum += v/rate.
TEST(DDSketchTest, SampleRateInsertion) {
  struct C {
    double rate;
    int64_t cnt;
    double sum;
    uint16_t n;
  };
  const C cases[] = {{1, 1, 10, 1}, {0.5, 2, 20, 2}, {0.3, 3, 10 / 0.3, 3}, {0, 1, 10, 1}, {-2, 1, 10, 1}, {1.5, 1, 10, 1}};
  for (const auto& c : cases) {
    AgentSketch a;
    a.insert(10, c.rate);
    const auto s = a.finish();
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->basic.cnt, c.cnt) << c.rate;
    EXPECT_DOUBLE_EQ(s->basic.sum, c.sum) << c.rate;
    ASSERT_EQ(s->bins.size(), 1u);
    EXPECT_EQ(s->bins[0].n, c.n) << c.rate;
    EXPECT_EQ(s->basic.min, 10);
    EXPECT_EQ(s->basic.max, 10);
  }
}

TEST(DDSketchTest, BasicSummary) {
  AgentSketch a;
  for (double v : {3.0, -1.0, 8.0, 2.0}) a.insert(v, 1);
  const auto s = a.finish();
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->basic.min, -1);
  EXPECT_EQ(s->basic.max, 8);
  EXPECT_EQ(s->basic.sum, 12);
  EXPECT_DOUBLE_EQ(s->basic.avg, 3);
  EXPECT_EQ(s->basic.cnt, 4);
  EXPECT_FALSE(AgentSketch().finish().has_value());  // empty sketches are skipped
}

TEST(DDSketchTest, MergeEqualsInsertingEverything) {
  common::Random rng(7);
  AgentSketch a, b, all;
  for (int i = 0; i < 3000; ++i) {
    const double v = rng.exponential(50);
    (i % 2 ? a : b).insert(v, 1);
    all.insert(v, 1);
  }
  DDSketch m(*a.finish());
  m.merge(cfg(), DDSketch(*b.finish()));
  const Sketch want = *all.finish();
  ASSERT_EQ(m.bins().size(), want.bins.size());
  for (size_t i = 0; i < want.bins.size(); ++i) {
    EXPECT_EQ(m.bins()[i].k, want.bins[i].k);
    EXPECT_EQ(m.bins()[i].n, want.bins[i].n);
  }
  EXPECT_EQ(m.basic().cnt, want.basic.cnt);
  EXPECT_DOUBLE_EQ(m.basic().min, want.basic.min);
  EXPECT_DOUBLE_EQ(m.basic().max, want.basic.max);
  EXPECT_NEAR(m.basic().sum, want.basic.sum, 1e-6 * want.basic.sum);
}

// Issue 2: quantiles within the sketch's relative accuracy over 100k values from several
// distributions. The agent's estimate lies in [binLow(k), binLow(k)*gamma] for the bin holding
// the rank-th value, which itself lies within gamma^+-0.5 of binLow(k): bound gamma^1.5 - 1.
TEST(DDSketchTest, QuantilesWithinRelativeAccuracy) {
  const double bound = std::pow(cfg().gamma(), 1.5) - 1;  // ~2.36%
  struct Dist {
    const char* name;
    std::function<double(common::Random&)> draw;
  };
  const Dist dists[] = {
      {"uniform(1,1000)", [](common::Random& r) { return r.uniform(1, 1000); }},
      {"exponential(100)", [](common::Random& r) { return r.exponential(100); }},
      {"lognormal(0,2)", [](common::Random& r) { return std::exp(r.normal(0, 2)); }},
      {"normal(1000,100)", [](common::Random& r) { return std::abs(r.normal(1000, 100)); }},
  };
  for (const auto& d : dists) {
    common::Random rng(1234);
    AgentSketch a;
    std::vector<double> vals;
    for (int i = 0; i < 100000; ++i) {
      const double v = d.draw(rng);
      vals.push_back(v);
      a.insert(v, 1);
    }
    std::sort(vals.begin(), vals.end());
    const Sketch s = *a.finish();
    double worst = 0, total = 0;
    int n = 0;
    for (double q : {0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999}) {
      const size_t rank = static_cast<size_t>(std::nearbyint(q * (vals.size() - 1)));
      const double want = vals[rank];
      const double got = sketchQuantile(s, q);
      const double rel = std::abs(got - want) / want;
      worst = std::max(worst, rel);
      total += rel;
      ++n;
      EXPECT_LE(rel, bound) << d.name << " q=" << q << " want " << want << " got " << got;
    }
    EXPECT_LT(total / n, 0.01) << d.name;  // on average well inside 1%
    EXPECT_EQ(sketchQuantile(s, 0), vals.front());
    EXPECT_EQ(sketchQuantile(s, 1), vals.back());
  }
  EXPECT_EQ(sketchQuantile(Sketch{}, 0.5), 0);
}

// Spec §4.3 InsertInterpolate: proportional split with a carried remainder, leftovers to the
// last start key.
TEST(DDSketchTest, InsertInterpolate) {
  {
    AgentSketch a;
    a.insertInterpolate(1, 1, 5);  // +Inf upper bound is interpolated as [lower, lower]
    const Sketch s = *a.finish();
    ASSERT_EQ(s.bins.size(), 1u);
    EXPECT_EQ(s.bins[0].k, 1338);
    EXPECT_EQ(s.bins[0].n, 5);
    EXPECT_EQ(s.basic.cnt, 5);
    EXPECT_EQ(s.basic.sum, 5);
  }
  {
    // keys 1487..1490; widths 0.157, 0.160, 0.162 over distance 0.5 -> 3.14, 3.19, 3.24.
    AgentSketch a;
    a.insertInterpolate(10, 10.5, 10);
    const Sketch s = *a.finish();
    ASSERT_EQ(s.bins.size(), 4u);
    const int16_t wk[] = {1487, 1488, 1489, 1490};
    const uint16_t wn[] = {3, 3, 3, 1};
    for (int i = 0; i < 4; ++i) {
      EXPECT_EQ(s.bins[i].k, wk[i]);
      EXPECT_EQ(s.bins[i].n, wn[i]);
    }
    EXPECT_EQ(s.basic.cnt, 10);
    EXPECT_DOUBLE_EQ(s.basic.min, cfg().binLow(1487));
  }
  {
    AgentSketch a;
    a.insertInterpolate(0, 1000, 100000);
    const Sketch s = *a.finish();
    int64_t total = 0;
    for (const auto& b : s.bins) {
      total += b.n;
      EXPECT_GE(b.k, 0);
      EXPECT_LE(b.k, cfg().key(1000));
    }
    EXPECT_EQ(total, 100000);
    EXPECT_EQ(s.basic.cnt, 100000);
  }
  {
    AgentSketch a;
    a.insertInterpolate(5, 1, 10);  // lower > upper: nothing (the agent panics; callers reject it)
    EXPECT_FALSE(a.finish().has_value());
    a.insertInterpolate(1, 2, 0);
    EXPECT_FALSE(a.finish().has_value());
  }
}

}  // namespace
}  // namespace ddsim::metrics
