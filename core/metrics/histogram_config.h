#pragma once
// Which aggregates and percentiles a histogram emits (spec §1.4), parsed once from the agent's
// histogram_aggregates / histogram_percentiles values.
#include <cstdint>
#include <string>
#include <vector>

namespace ddsim::metrics {

struct HistogramOptions {
  // histogram_aggregates: any of max, min, median, avg, sum, count (others are skipped).
  std::vector<std::string> aggregates = {"max", "median", "avg", "count"};
  // histogram_percentiles: floats in [0, 1] as strings (others are skipped).
  std::vector<std::string> percentiles = {"0.95"};
};

enum class HistogramAggregate : uint8_t { kMax, kMin, kMedian, kAvg, kSum, kCount };

class HistogramConfig {
 public:
  struct Aggregate {
    HistogramAggregate kind;
    std::string suffix;  // ".max", ...
  };
  struct Percentile {
    int64_t value;       // 1..100, int(p*100 + 0.5)
    std::string suffix;  // ".95percentile"
  };

  HistogramConfig() : HistogramConfig(HistogramOptions{}) {}
  // Unknown aggregates and unparsable / out-of-range percentiles are skipped and described in
  // `rejected` (the agent logs and skips them).
  explicit HistogramConfig(const HistogramOptions& opts, std::vector<std::string>* rejected = nullptr);

  const std::vector<Aggregate>& aggregates() const { return aggregates_; }
  // Ascending.
  const std::vector<Percentile>& percentiles() const { return percentiles_; }

  // The process-wide default (the agent reads its config once, on the first histogram).
  static const HistogramConfig& defaults();

 private:
  std::vector<Aggregate> aggregates_;
  std::vector<Percentile> percentiles_;
};

}  // namespace ddsim::metrics
