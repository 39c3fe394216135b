#include "core/common/random.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

namespace ddsim::common {
namespace {

// Computed by an independent Python transcription of splitmix64 + xoshiro256**.
constexpr uint64_t kFirst[3] = {11091344671253066420ULL, 13793997310169335082ULL, 1900383378846508768ULL};

TEST(RandomTest, SameSeedSameSequence) {
  Random a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    uint64_t x = a.nextU64();
    EXPECT_EQ(x, b.nextU64());
    if (x != c.nextU64()) differs = true;
  }
  EXPECT_TRUE(differs);
}

TEST(RandomTest, KnownFirstValuesPinTheAlgorithm) {
  // A change of generator would silently change every scenario's output; pin it. These are
  // xoshiro256** outputs for a state seeded by splitmix64(0), splitmix64 continued.
  Random r(0);
  const uint64_t a = r.nextU64(), b = r.nextU64(), c = r.nextU64();
  EXPECT_EQ(a, kFirst[0]);
  EXPECT_EQ(b, kFirst[1]);
  EXPECT_EQ(c, kFirst[2]);
}

TEST(RandomTest, UniformIntStaysInRangeAndCoversIt) {
  Random r(7);
  std::map<int64_t, int> seen;
  for (int i = 0; i < 10'000; ++i) {
    int64_t v = r.uniformInt(-3, 3);
    ASSERT_GE(v, -3);
    ASSERT_LE(v, 3);
    seen[v]++;
  }
  EXPECT_EQ(seen.size(), 7u);
  for (auto& [k, n] : seen) EXPECT_GT(n, 1'000) << k;
  EXPECT_EQ(r.uniformInt(5, 5), 5);
}

TEST(RandomTest, DoubleDistributionsHaveTheRightMoments) {
  Random r(11);
  const int n = 200'000;
  double sum_u = 0, sum_e = 0, sum_n = 0, sum_n2 = 0;
  int heads = 0;
  for (int i = 0; i < n; ++i) {
    double u = r.uniform(2.0, 4.0);
    ASSERT_GE(u, 2.0);
    ASSERT_LT(u, 4.0);
    sum_u += u;
    sum_e += r.exponential(3.0);
    double z = r.normal(10.0, 2.0);
    sum_n += z;
    sum_n2 += (z - 10.0) * (z - 10.0);
    heads += r.bernoulli(0.25) ? 1 : 0;
  }
  EXPECT_NEAR(sum_u / n, 3.0, 0.01);
  EXPECT_NEAR(sum_e / n, 3.0, 0.05);
  EXPECT_NEAR(sum_n / n, 10.0, 0.02);
  EXPECT_NEAR(std::sqrt(sum_n2 / n), 2.0, 0.02);
  EXPECT_NEAR(static_cast<double>(heads) / n, 0.25, 0.005);
}

TEST(RandomTest, ForkGivesAnIndependentReproducibleStream) {
  Random a(5), b(5);
  Random fa = a.fork(), fb = b.fork();
  EXPECT_EQ(fa.nextU64(), fb.nextU64());
  EXPECT_NE(fa.nextU64(), a.nextU64());
}

}  // namespace
}  // namespace ddsim::common
