#pragma once
// A seeded, portable random source (xoshiro256** seeded through splitmix64).
// Every place with jitter or generated traffic takes one of these, so a seed reproduces a run.
// The distributions are computed here (not with <random>'s distributions) so the same seed
// gives the same numbers with any standard library. Not thread-safe: one per user.
#include <array>
#include <cstdint>

namespace ddsim::common {

class Random {
 public:
  explicit Random(uint64_t seed = 0);

  uint64_t seed() const { return seed_; }
  uint64_t nextU64();
  // Uniform in [0, 1).
  double nextDouble();
  // Uniform in [lo, hi) (lo <= hi); returns lo when lo == hi.
  double uniform(double lo, double hi);
  // Uniform integer in [lo, hi] inclusive (lo <= hi), without modulo bias.
  int64_t uniformInt(int64_t lo, int64_t hi);
  // True with probability p (clamped to [0, 1]).
  bool bernoulli(double p);
  // Exponential with the given mean (> 0).
  double exponential(double mean);
  // Normal via Box-Muller.
  double normal(double mean, double stddev);
  // A new independent stream derived from this one (for sub-components).
  Random fork();

 private:
  uint64_t seed_;
  std::array<uint64_t, 4> s_{};
  bool has_spare_normal_ = false;
  double spare_normal_ = 0;
};

}  // namespace ddsim::common
