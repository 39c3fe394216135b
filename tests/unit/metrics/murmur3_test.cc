#include "core/metrics/murmur3.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace ddsim::metrics {
namespace {

// Spec §2.2: per-tag hash = h1 of MurmurHash3 x64_128 with seed 0 (murmur3.StringSum64).
struct Sum64Case {
  std::string input;
  uint64_t h1;
};

// A plain transcription of MurmurHash3_x64_128 that assembles the tail byte by byte, kept here
// to pin the optimised tail loads of murmur3.cc to the reference arithmetic.
Hash128 referenceMurmur3(std::string_view data, uint64_t h1, uint64_t h2) {
  constexpr uint64_t c1 = 0x87c37b91114253d5ULL;
  constexpr uint64_t c2 = 0x4cf5ad432745937fULL;
  auto rotl = [](uint64_t x, int r) { return (x << r) | (x >> (64 - r)); };
  auto fmix = [](uint64_t k) {
    for (uint64_t m : {0xff51afd7ed558ccdULL, 0xc4ceb9fe1a85ec53ULL}) k = (k ^ (k >> 33)) * m;
    return k ^ (k >> 33);
  };
  auto byteAt = [&](size_t i) { return uint64_t{static_cast<unsigned char>(data[i])}; };
  const size_t len = data.size();
  size_t i = 0;
  for (; i + 16 <= len; i += 16) {
    uint64_t k1 = 0;
    uint64_t k2 = 0;
    for (size_t b = 0; b < 8; ++b) k1 |= byteAt(i + b) << (8 * b);
    for (size_t b = 0; b < 8; ++b) k2 |= byteAt(i + 8 + b) << (8 * b);
    k1 *= c1; k1 = rotl(k1, 31); k1 *= c2; h1 ^= k1;
    h1 = rotl(h1, 27); h1 += h2; h1 = h1 * 5 + 0x52dce729;
    k2 *= c2; k2 = rotl(k2, 33); k2 *= c1; h2 ^= k2;
    h2 = rotl(h2, 31); h2 += h1; h2 = h2 * 5 + 0x38495ab5;
  }
  uint64_t k1 = 0;
  uint64_t k2 = 0;
  for (size_t b = 0; i + b < len; ++b) {
    if (b < 8) k1 |= byteAt(i + b) << (8 * b);
    else k2 |= byteAt(i + b) << (8 * (b - 8));
  }
  const size_t rest = len - i;
  if (rest > 8) { k2 *= c2; k2 = rotl(k2, 33); k2 *= c1; h2 ^= k2; }
  if (rest > 0) { k1 *= c1; k1 = rotl(k1, 31); k1 *= c2; h1 ^= k1; }
  h1 ^= len; h2 ^= len;
  h1 += h2; h2 += h1;
  h1 = fmix(h1); h2 = fmix(h2);
  h1 += h2; h2 += h1;
  return {h1, h2};
}

TEST(Murmur3Test, MatchesByteWiseReferenceOnRandomInput) {
  // Every length 0..80 (all tail sizes, several blocks), random bytes (high bit set too),
  // random seeds, and data that does not start on an aligned address.
  std::mt19937_64 rng(15);
  for (int round = 0; round < 50; ++round) {
    std::string buf(96, '\0');
    for (auto& c : buf) c = static_cast<char>(rng());
    const uint64_t s1 = rng();
    const uint64_t s2 = round % 2 ? s1 : rng();
    for (size_t off = 0; off < 3; ++off) {
      for (size_t n = 0; n + off <= 83; ++n) {
        const std::string_view v = std::string_view(buf).substr(off, n);
        ASSERT_EQ(murmur3x64_128(v, s1, s2), referenceMurmur3(v, s1, s2)) << n << " at " << off;
      }
    }
  }
}

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
