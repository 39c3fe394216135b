#include "core/aggregator/tag_store.h"

#include <gtest/gtest.h>

#include "core/metrics/tag_hashing.h"
#include "tests/unit/aggregator/test_util.h"

namespace ddsim::aggregator {
namespace {

metrics::HashedTags hashed(std::vector<std::string>& storage) {
  metrics::HashedTags h;
  h.appendAll(storage);
  return h;
}

// Spec §2.4: one ref-counted entry per tag-set hash; Shrink frees zero-ref entries.
TEST(TagStoreTest, SharesAndRefCounts) {
  TagStore store(true);
  std::vector<std::string> t1{"a", "b"};
  auto h1 = hashed(t1);
  auto s1 = store.insert(h1.xorHash(), h1);
  auto s2 = store.insert(h1.xorHash(), h1);
  EXPECT_EQ(s1.get(), s2.get());
  EXPECT_EQ(s1->hash, h1.xorHash());
  EXPECT_EQ(store.stats().hits, 1);
  EXPECT_EQ(store.stats().misses, 1);
  store.release(s1);
  store.shrink();
  EXPECT_EQ(store.entries(), 1u);  // one reference left
  store.release(s2);
  store.shrink();
  EXPECT_EQ(store.entries(), 0u);
  // Series that still hold the set keep it alive after the store forgot it.
  EXPECT_EQ(s1->tags, (std::vector<std::string>{"a", "b"}));
}

TEST(TagStoreTest, DisabledCopiesPerContext) {
  TagStore store(false);
  std::vector<std::string> t{"a"};
  auto h = hashed(t);
  auto s1 = store.insert(h.xorHash(), h);
  auto s2 = store.insert(h.xorHash(), h);
  EXPECT_NE(s1.get(), s2.get());
  EXPECT_EQ(store.entries(), 0u);
}

TEST(TagStoreTest, EmptyTagsAreNull) {
  TagStore store(true);
  metrics::HashedTags empty;
  EXPECT_EQ(store.insert(0, empty), nullptr);
  store.release(nullptr);
}

TEST(TagStoreTest, ShrinkRebuildsAfterChurnAndReportsStats) {
  TagStore store(true);
  std::vector<metrics::TagSetPtr> held;
  for (int i = 0; i < 1000; ++i) {
    std::vector<std::string> t{testutil::cat("k:", i), "x"};
    auto h = hashed(t);
    held.push_back(store.insert(h.xorHash(), h));
  }
  EXPECT_EQ(store.stats().max_entries, 1000);
  for (int i = 0; i < 900; ++i) store.release(held[static_cast<size_t>(i)]);
  store.shrink();
  const auto s = store.stats();
  EXPECT_EQ(s.entries, 100);
  EXPECT_EQ(s.max_entries, 100);  // rebuilt: below half its peak
  EXPECT_EQ(s.tagset_min_tags, 2);
  EXPECT_EQ(s.tagset_sum_tags, 200);
  common::TelemetrySnapshot out;
  store.exportTelemetry("test", out);
  EXPECT_EQ(out["aggregator_tags_store.entries.test"], 100);
}

}  // namespace
}  // namespace ddsim::aggregator
