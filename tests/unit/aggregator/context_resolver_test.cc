#include "core/aggregator/context_resolver.h"

#include <gtest/gtest.h>

#include "tests/unit/aggregator/test_util.h"

namespace ddsim::aggregator {
namespace {

using testutil::gauge;

TEST(ContextResolverTest, TracksAndReleases) {
  TagStore store;
  StringInterner interner;
  {
    ContextResolver r(&store, &interner);
    auto a = gauge("m", 1, {"a", "b"});
    auto b = gauge("m", 1, {"b", "a", "a"});
    auto c = gauge("other", 1, {"a", "b"});
    const ContextKey ka = r.track(a.view(), 10);
    EXPECT_EQ(r.track(b.view(), 20), ka);  // order/duplicates do not matter (spec §2.1)
    const ContextKey kc = r.track(c.view(), 30);
    EXPECT_NE(kc, ka);
    EXPECT_EQ(r.size(), 2u);
    EXPECT_EQ(r.get(ka)->last_seen, 20);
    EXPECT_EQ(r.get(ka)->nameView(), "m");
    EXPECT_EQ(r.countsByMtype()[0], 2u);
    EXPECT_EQ(store.entries(), 1u);  // both contexts share {a, b}
    EXPECT_EQ(interner.size(), 3u);  // "m", "other", ""
    r.remove(ka);
    EXPECT_EQ(r.get(ka), nullptr);
    EXPECT_EQ(r.size(), 1u);
    EXPECT_EQ(interner.size(), 2u);
  }
  store.shrink();
  EXPECT_EQ(store.entries(), 0u);  // the destructor released every context
  EXPECT_EQ(interner.size(), 0u);
}

// A sample whose key was computed ahead (SampleBatch on the parsing thread) resolves to the
// context the aggregator's own key gives, new or known.
TEST(ContextResolverTest, AKeyComputedAheadFindsTheSameContext) {
  TagStore store;
  StringInterner interner;
  ContextResolver r(&store, &interner);
  auto plain = gauge("m", 1, {"a", "b"});
  const ContextKey k = r.track(plain.view(), 10);
  auto ahead = gauge("m", 2, {"b", "a"});
  auto view = ahead.view();
  ASSERT_TRUE(metrics::KeyGenerator::fastKey(view.name, view.host, view.tagger_tags, view.tags, &view.context_key));
  EXPECT_EQ(view.context_key, k);
  EXPECT_EQ(r.track(view, 20), k);
  EXPECT_EQ(r.size(), 1u);
  EXPECT_EQ(r.get(k)->last_seen, 20);

  auto fresh = gauge("n", 1, {"c"});  // a new context, key given: created as without it
  auto fv = fresh.view();
  ContextResolver r2(&store, &interner);
  const ContextKey want = r2.track(fv, 5);
  ASSERT_TRUE(metrics::KeyGenerator::fastKey(fv.name, fv.host, fv.tagger_tags, fv.tags, &fv.context_key));
  EXPECT_EQ(r.track(fv, 30), want);
  EXPECT_EQ(r.size(), 2u);
  EXPECT_EQ(r.get(want)->nameView(), "n");
}

// Spec §3.3: a context is dropped on the 2nd commit in which it was not seen.
TEST(ContextResolverTest, CountBasedExpiry) {
  TagStore store;
  StringInterner interner;
  CountBasedContextResolver r(&store, &interner, 2);
  auto s = gauge("m", 1);
  r.track(s.view());                 // stamp 0
  EXPECT_TRUE(r.expire().empty());   // commit 0
  EXPECT_TRUE(r.expire().empty());   // commit 1: 0 <= 1-2? no
  EXPECT_EQ(r.expire().size(), 1u);  // commit 2: 0 <= 0
  r.track(s.view());                 // stamp 3
  EXPECT_TRUE(r.expire().empty());
  r.track(s.view());  // seen again at 4: survives
  EXPECT_TRUE(r.expire().empty());
  EXPECT_TRUE(r.expire().empty());
  EXPECT_EQ(r.expire().size(), 1u);
}

TEST(ContextResolverTest, FirstSampleTypeIsKept) {
  TagStore store;
  StringInterner interner;
  ContextResolver r(&store, &interner);
  auto s = gauge("m", 1);
  const ContextKey k = r.track(s.view(), 1);
  s.mtype = metrics::MetricType::kCounter;
  r.track(s.view(), 2);
  EXPECT_EQ(r.get(k)->mtype, metrics::MetricType::kGauge);
}

}  // namespace
}  // namespace ddsim::aggregator
