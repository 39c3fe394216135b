#pragma once
// A histogram of byte sizes with power-of-two buckets (1 KiB ... 64 MiB, then +Inf), for the
// report's payload-size distributions. Not thread-safe.
#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>

namespace ddsim::report {

class SizeHistogram {
 public:
  static constexpr int kBuckets = 18;  // <= 2^10 ... <= 2^26, then +Inf
  void add(int64_t bytes);
  int64_t count() const { return count_; }
  int64_t sum() const { return sum_; }
  int64_t min() const { return count_ ? min_ : 0; }
  int64_t max() const { return max_; }
  // {"count","sum","min","max","mean","buckets":[{"le":1024,"count":n},...,{"le":"+Inf","count":n}]}
  // (per-bucket counts, not cumulative; empty buckets omitted).
  nlohmann::json toJson() const;

 private:
  std::array<int64_t, kBuckets> buckets_{};
  int64_t count_ = 0, sum_ = 0, min_ = 0, max_ = 0;
};

}  // namespace ddsim::report
