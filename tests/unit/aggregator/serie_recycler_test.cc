#include "core/aggregator/serie_recycler.h"

#include <gtest/gtest.h>

#include "core/aggregator/time_sampler.h"
#include "tests/unit/aggregator/test_util.h"

namespace ddsim::aggregator {
namespace {

using testutil::gauge;
using testutil::SampleSpec;

metrics::Serie stale(std::string name, size_t points) {
  metrics::Serie s;
  s.name = std::move(name);
  s.points.assign(points, metrics::Point{1, 2});
  return s;
}

TEST(SerieRecyclerTest, ReclaimKeepsBuffersUpToTheFlushSize) {
  SerieRecycler r;
  std::vector<metrics::Serie> series;
  series.push_back(stale("a.name.longer.than.the.inline.buffer", 3));
  series.push_back(stale("short", 0));  // nothing on the heap: nothing to keep
  r.reclaim(series);
  EXPECT_EQ(r.pooledNames(), 1u);
  EXPECT_EQ(r.pooledPoints(), 1u);
  const std::string name = r.takeName();
  EXPECT_TRUE(name.empty());
  EXPECT_GE(name.capacity(), 36u);
  const auto points = r.takePoints();
  EXPECT_TRUE(points.empty());
  EXPECT_GE(points.capacity(), 3u);
  EXPECT_EQ(r.pooledNames(), 0u);
  EXPECT_TRUE(r.takeName().empty());  // an empty pool gives fresh ones

  // The pool follows the flush size down.
  std::vector<metrics::Serie> many;
  for (int i = 0; i < 4; ++i) many.push_back(stale("another.long.metric.name." + std::to_string(i), 2));
  r.reclaim(many);
  EXPECT_EQ(r.pooledNames(), 4u);
  std::vector<metrics::Serie> one;
  one.push_back(stale("one.more.long.metric.name", 1));
  r.reclaim(one);
  EXPECT_EQ(r.pooledNames(), 1u);
  EXPECT_EQ(r.pooledPoints(), 1u);
}

// Series built from recycled buffers equal those built from fresh ones, field by field.
TEST(SerieRecyclerTest, RecycledFlushEqualsFreshFlush) {
  TagStore store_a, store_b;
  TimeSampler fresh{0, TimeSamplerOptions{}, &store_a};
  TimeSampler reused{0, TimeSamplerOptions{}, &store_b};
  SerieRecycler r;
  std::vector<metrics::Serie> old;
  for (int i = 0; i < 8; ++i) old.push_back(stale("stale.serie.with.a.long.name.number." + std::to_string(i), 5));
  r.reclaim(old);
  for (int i = 0; i < 6; ++i) {
    SampleSpec s = gauge("m" + std::to_string(i), i + 0.5, {"t:" + std::to_string(i)});
    if (i % 2 == 0) s.mtype = metrics::MetricType::kHistogram;
    fresh.sample(s.view(), 1001);
    fresh.sample(s.view(), 1011);
    reused.sample(s.view(), 1001);
    reused.sample(s.view(), 1011);
  }
  std::vector<metrics::Serie> a, b;
  std::vector<metrics::SketchSeries> sa, sb;
  fresh.flush(1025, a, sa);
  reused.flush(1025, b, sb, false, &r);
  ASSERT_EQ(a.size(), b.size());
  ASSERT_GT(a.size(), 6u);
  for (size_t i = 0; i < a.size(); ++i) {
    SCOPED_TRACE(a[i].name);
    EXPECT_EQ(a[i].name, b[i].name);
    ASSERT_EQ(a[i].points.size(), b[i].points.size());
    for (size_t j = 0; j < a[i].points.size(); ++j) {
      EXPECT_EQ(a[i].points[j].ts, b[i].points[j].ts);
      EXPECT_EQ(a[i].points[j].value, b[i].points[j].value);
    }
    EXPECT_EQ(a[i].tags.toVector(), b[i].tags.toVector());
    EXPECT_EQ(a[i].host, b[i].host);
    EXPECT_EQ(a[i].mtype, b[i].mtype);
    EXPECT_EQ(a[i].interval, b[i].interval);
    EXPECT_EQ(a[i].context_key, b[i].context_key);
    EXPECT_TRUE(b[i].device.empty());
    EXPECT_TRUE(b[i].source_type_name.empty());
    EXPECT_TRUE(b[i].resources.empty());
  }
}

}  // namespace
}  // namespace ddsim::aggregator
