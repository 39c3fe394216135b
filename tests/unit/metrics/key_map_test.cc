#include "core/metrics/key_map.h"

#include <gtest/gtest.h>

#include <map>

#include "core/common/random.h"

namespace ddsim::metrics {
namespace {

TEST(KeyMapTest, BehavesLikeAMapUnderRandomOperations) {
  common::Random rng(42);
  KeyMap<int> m;
  std::map<uint64_t, int> ref;
  for (int i = 0; i < 200000; ++i) {
    // Small key space (with 0) so inserts, hits and erases all happen often.
    const uint64_t k = static_cast<uint64_t>(rng.uniformInt(0, 3000)) * 0x100000001ULL;
    const int op = static_cast<int>(rng.uniformInt(0, 2));
    if (op == 0) {
      bool inserted = false;
      int& v = m.findOrInsert(k, &inserted);
      EXPECT_EQ(inserted, ref.count(k) == 0);
      v = i;
      ref[k] = i;
    } else if (op == 1) {
      EXPECT_EQ(m.erase(k), ref.erase(k) == 1);
    } else {
      const int* v = m.find(k);
      auto it = ref.find(k);
      ASSERT_EQ(v != nullptr, it != ref.end());
      if (v) {
        EXPECT_EQ(*v, it->second);
      }
    }
    ASSERT_EQ(m.size(), ref.size());
  }
  size_t n = 0;
  m.forEach([&](uint64_t k, int v) {
    EXPECT_EQ(ref.at(k), v);
    ++n;
  });
  EXPECT_EQ(n, ref.size());
}

TEST(KeyMapTest, EraseIfAndClear) {
  KeyMap<int> m;
  for (uint64_t k = 0; k < 1000; ++k) m.findOrInsert(k) = static_cast<int>(k);
  EXPECT_EQ(m.eraseIf([](uint64_t k, int&) { return k % 2 == 0; }), 500u);
  EXPECT_EQ(m.size(), 500u);
  EXPECT_EQ(m.find(0), nullptr);
  ASSERT_NE(m.find(1), nullptr);
  m.clear();
  EXPECT_TRUE(m.empty());
  EXPECT_EQ(m.find(1), nullptr);
}

}  // namespace
}  // namespace ddsim::metrics

namespace ddsim::metrics {
namespace {

// Keys walked in one map's slot order come sorted by that map's hash. Inserted into a map with
// the same hash they pile up in one run and linear probing goes quadratic (seen: a 500k-counter
// zero-fill took 10 s). A salted map scatters them.
TEST(KeyMapTest, SaltKeepsRunsShortForKeysInAnotherMapsOrder) {
  KeyMap<int> source;
  uint64_t x = 0x12345678;
  for (int i = 0; i < 120'000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    source.findOrInsert(x | 1);
  }
  // Insert the first quarter of the source's slot order: those keys all hash into the first
  // quarter of a same-hash map, far denser than the map can hold there.
  KeyMap<int> same_hash, salted;
  salted.setSalt(0xabcdef);
  size_t n = 0;
  source.forEach([&](uint64_t k, int&) {
    if (n++ >= source.size() / 4) return;
    same_hash.findOrInsert(k);
    salted.findOrInsert(k);
  });
  EXPECT_EQ(salted.size(), same_hash.size());
  EXPECT_LT(salted.longestRun(), 200u);
  // The pathology the salt avoids (this is what made the test above necessary).
  EXPECT_GT(same_hash.longestRun(), 5'000u);
  // The salt can only change while the map is empty.
  salted.setSalt(1);
  EXPECT_EQ(salted.salt(), 0xabcdefu);
  salted.clear();
  salted.setSalt(1);
  EXPECT_EQ(salted.salt(), 1u);
}

}  // namespace
}  // namespace ddsim::metrics
