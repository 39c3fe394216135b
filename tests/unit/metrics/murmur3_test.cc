#include "core/metrics/murmur3.h"

#include <gtest/gtest.h>

#include <string>

namespace ddsim::metrics {
namespace {

// Spec §2.2: per-tag hash = h1 of MurmurHash3 x64_128 with seed 0 (murmur3.StringSum64).
struct Sum64Case {
  std::string input;
  uint64_t h1;
};

TEST(Murmur3Test, StringSum64Vectors) {
  const Sum64Case cases[] = {
      {"", 0},                              // spec §2.2: StringSum64("") = 0
      {"hello", 0xcbd8a7b341bd9b02ULL},     // spec §2.2
  };
  for (const auto& c : cases) EXPECT_EQ(murmur3Sum64(c.input), c.h1) << c.input;
}

TEST(Murmur3Test, FullHashOfHelloMatchesReference) {
  // Reference MurmurHash3_x64_128("hello", seed 0): cbd8a7b341bd9b02 5b1e906a48ae1d19.
  const Hash128 h = murmur3x64_128("hello");
  EXPECT_EQ(h.h1, 0xcbd8a7b341bd9b02ULL);
  EXPECT_EQ(h.h2, 0x5b1e906a48ae1d19ULL);
}

TEST(Murmur3Test, TwoSeedsDifferFromOne) {
  // twmb SeedSum128(s1, s2): h1 and h2 start from separate seeds (spec §2.2).
  const Hash128 same = murmur3x64_128("abc", 7, 7);
  const Hash128 split = murmur3x64_128("abc", 7, 8);
  EXPECT_NE(same, split);
  EXPECT_EQ(same, murmur3x64_128("abc", 7, 7));
}

TEST(Murmur3Test, EveryTailLengthIsDistinctAndStable) {
  // Exercises every tail branch (0..15) and one full block; no two prefixes collide.
  const std::string s = "0123456789abcdefghijklmnopqrstuv";
  std::vector<Hash128> seen;
  for (size_t n = 0; n <= s.size(); ++n) {
    const Hash128 h = murmur3x64_128(std::string_view(s).substr(0, n));
    for (const auto& o : seen) EXPECT_NE(h, o) << n;
    seen.push_back(h);
  }
}

}  // namespace
}  // namespace ddsim::metrics
