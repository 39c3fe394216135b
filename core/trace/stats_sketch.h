#pragma once
// The latency distribution the stats concentrator keeps per group (docs/trace-agent.md §8.2,
// from pkg/trace/stats/statsraw.go and DataDog/sketches-go): a DDSketch with a logarithmic index
// mapping of 1 % relative accuracy and a dense store of at most 2048 bins that folds its lowest
// bins together once the range of indexes grows past that (sketches-go's
// LogCollapsingLowestDenseDDSketch). Zero (and what is too small to index) goes to a zero count,
// negative values to a second store. Encoded as sketches-go's protobuf DDSketch, the bytes the
// agent puts in okSummary/errorSummary. Not thread-safe.
#include <cstdint>
#include <vector>

#include "core/serializer/byte_buffer.h"

namespace ddsim::trace {

// Bins from a contiguous index range [offset, offset + counts.size()).
class CollapsingLowestStore {
 public:
  explicit CollapsingLowestStore(int max_bins) : max_bins_(max_bins) {}
  void add(int32_t index, double count);
  bool empty() const { return counts_.empty(); }
  double total() const { return total_; }
  int32_t offset() const { return offset_; }
  const std::vector<double>& counts() const { return counts_; }
  // The Store message: contiguousBinCounts [2] (packed doubles), contiguousBinIndexOffset [3].
  void encode(serializer::ByteBuffer& out) const;

 private:
  int max_bins_;
  int32_t offset_ = 0;
  std::vector<double> counts_;
  bool collapsed_ = false;
  double total_ = 0;
};

class StatsSketch {
 public:
  static constexpr double kRelativeAccuracy = 0.01;  // statsraw.go relativeAccuracy
  static constexpr int kMaxBins = 2048;              // statsraw.go maxNumBins

  void add(double value);
  double count() const { return zero_count_ + positive_.total() + negative_.total(); }
  double zeroCount() const { return zero_count_; }
  const CollapsingLowestStore& positive() const { return positive_; }
  bool empty() const { return count() == 0; }

  // The logarithmic mapping: floor(ln(v) / ln(gamma)), gamma = (1 + a) / (1 - a).
  static int32_t index(double value);
  // The value a bin stands for (its lower bound times 1 + a), as sketches-go answers quantiles.
  static double value(int32_t index);
  static double gamma() { return (1 + kRelativeAccuracy) / (1 - kRelativeAccuracy); }

  // Appends the sketches-go DDSketch message: mapping [1] {gamma [1]}, positiveValues [2],
  // negativeValues [3], zeroCount [4].
  void encode(serializer::ByteBuffer& out) const;

 private:
  CollapsingLowestStore positive_{kMaxBins};
  CollapsingLowestStore negative_{kMaxBins};
  double zero_count_ = 0;
};

// statsraw.go nsTimestampToFloat: a duration in ns as a double with its mantissa cut to 10 bits,
// which is what the agent puts in the sketches.
double truncateDuration(int64_t ns);

}  // namespace ddsim::trace
