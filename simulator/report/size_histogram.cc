#include "simulator/report/size_histogram.h"

#include <algorithm>

namespace ddsim::report {

void SizeHistogram::add(int64_t bytes) {
  int b = 0;
  while (b < kBuckets - 1 && bytes > (int64_t{1} << (10 + b))) ++b;
  ++buckets_[static_cast<size_t>(b)];
  if (count_ == 0) {
    min_ = max_ = bytes;
  } else {
    min_ = std::min(min_, bytes);
    max_ = std::max(max_, bytes);
  }
  ++count_;
  sum_ += bytes;
}

nlohmann::json SizeHistogram::toJson() const {
  nlohmann::json buckets = nlohmann::json::array();
  for (int b = 0; b < kBuckets; ++b) {
    if (!buckets_[static_cast<size_t>(b)]) continue;
    nlohmann::json le = b == kBuckets - 1 ? nlohmann::json("+Inf") : nlohmann::json(int64_t{1} << (10 + b));
    buckets.push_back({{"le", le}, {"count", buckets_[static_cast<size_t>(b)]}});
  }
  return {{"count", count_},
          {"sum", sum_},
          {"min", min()},
          {"max", max_},
          {"mean", count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0.0},
          {"buckets", buckets}};
}

}  // namespace ddsim::report
