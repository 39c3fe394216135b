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
