#include "core/store/context_hash.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace ddsim::store {
namespace {

// The hash as first written, spelled byte by byte (its tail was a variable-length memcpy): ids
// in existing store files were made by it, so the faster tail load must give the same value for
// every string.
uint64_t referenceHashBytes(std::string_view s, uint64_t seed) {
  uint64_t h = (seed + s.size()) * 0x9e3779b97f4a7c15ULL;
  for (size_t at = 0; at < s.size(); at += 8) {
    uint64_t w = 0;
    const size_t take = std::min<size_t>(8, s.size() - at);
    for (size_t b = 0; b < take; ++b) w |= uint64_t{static_cast<unsigned char>(s[at + b])} << (8 * b);
    h = (h ^ (w * 0xbf58476d1ce4e5b9ULL)) * 0x94d049bb133111ebULL;
    if (take == 8) h ^= h >> 29;
  }
  return mix64(h);
}

TEST(ContextHashTest, EveryLengthAndByteValueHashesAsTheReference) {
  std::mt19937_64 rnd(7);
  for (size_t len = 0; len <= 40; ++len) {
    for (int round = 0; round < 200; ++round) {
      std::string s(len, '\0');
      for (auto& c : s) c = static_cast<char>(rnd() & 0xff);  // high bytes too
      for (uint64_t seed : {1, 3, 5}) {
        ASSERT_EQ(hashBytes(s, seed), referenceHashBytes(s, seed)) << "length " << len << " seed " << seed;
      }
    }
  }
}

TEST(ContextHashTest, TheTagSetIsOrderFreeAndKindAndTypeKeepContextsApart) {
  const std::vector<std::string> a = {"env:prod", "service:web", "version:1.2"};
  const std::vector<std::string> b = {"version:1.2", "env:prod", "service:web"};
  EXPECT_EQ(contextHash("series", "m", "h", &a, "gauge"), contextHash("series", "m", "h", &b, "gauge"));
  EXPECT_NE(contextHash("series", "m", "h", &a, "gauge"), contextHash("series", "m", "h", &a, "count"));
  EXPECT_NE(contextHash("series", "m", "h", &a, "distribution"), contextHash("sketch", "m", "h", &a, "distribution"));
  EXPECT_GE(contextHash("series", "m", "h", nullptr, "gauge"), 0);
}

}  // namespace
}  // namespace ddsim::store
