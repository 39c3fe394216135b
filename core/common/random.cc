#include "core/common/random.h"

#include <cmath>
#include <limits>

namespace ddsim::common {
namespace {

uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

Random::Random(uint64_t seed) : seed_(seed) {
  uint64_t x = seed;
  for (auto& w : s_) w = splitmix64(x);
}

uint64_t Random::nextU64() {
  const uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double Random::nextDouble() {
  // 53 random bits -> [0, 1).
  return static_cast<double>(nextU64() >> 11) * 0x1.0p-53;
}

double Random::uniform(double lo, double hi) {
  if (!(hi > lo)) return lo;
  return lo + (hi - lo) * nextDouble();
}

int64_t Random::uniformInt(int64_t lo, int64_t hi) {
  if (hi <= lo) return lo;
  const uint64_t range = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  if (range == std::numeric_limits<uint64_t>::max()) return static_cast<int64_t>(nextU64());
  const uint64_t n = range + 1;
  // Rejection sampling: discard the top partial bucket.
  const uint64_t limit = std::numeric_limits<uint64_t>::max() - (std::numeric_limits<uint64_t>::max() % n);
  uint64_t r;
  do {
    r = nextU64();
  } while (r >= limit);
  return static_cast<int64_t>(static_cast<uint64_t>(lo) + r % n);
}

bool Random::bernoulli(double p) {
  if (p <= 0) return false;
  if (p >= 1) return true;
  return nextDouble() < p;
}

double Random::exponential(double mean) {
  double u = nextDouble();
  return -mean * std::log1p(-u);
}

double Random::normal(double mean, double stddev) {
  if (has_spare_normal_) {
    has_spare_normal_ = false;
    return mean + stddev * spare_normal_;
  }
  double u1;
  do {
    u1 = nextDouble();
  } while (u1 <= 0.0);
  const double u2 = nextDouble();
  const double r = std::sqrt(-2.0 * std::log(u1));
  const double theta = 2.0 * M_PI * u2;
  spare_normal_ = r * std::sin(theta);
  has_spare_normal_ = true;
  return mean + stddev * r * std::cos(theta);
}

Random Random::fork() { return Random(nextU64()); }

}  // namespace ddsim::common
