#pragma once
// DDSketch as the agent uses it (spec §4.1-4.3; opentelemetry-mapping-go pkg/quantile v0.17.0):
// key mapping, the sparse bin store with uint16 counts and the 4096-bin limit, the Basic
// summary, the agent's 512-key insert buffer, merge, quantile and interpolated insertion.
// Not thread-safe; values are plain data (copyable).
#include <cstdint>
#include <optional>
#include <vector>

#include "core/metrics/sketch.h"

namespace ddsim::metrics {

inline constexpr int16_t kSketchInfKey = 32767;   // +Inf; -32767 is -Inf
inline constexpr int16_t kSketchMaxKey = 32766;
inline constexpr uint16_t kSketchMaxBinCount = 65535;

// Mapping parameters (quantile.Config). Only the agent's default is used by the pipeline.
class SketchConfig {
 public:
  // eps = 1/128 (gamma = 1 + 1/64), min indexable value 1e-9, 4096 bins.
  static const SketchConfig& agentDefault();
  SketchConfig(double eps, double min_value, int bin_limit);

  // Key of a value (spec §4.2): sign-symmetric, 0 for |v| < normMin, round half to even.
  int16_t key(double v) const;
  // Lower bound of a key's bin: gamma^(k - bias), sign-symmetric, +-Inf for the inf keys.
  double binLow(int16_t k) const;
  double gamma() const { return gamma_; }
  double gammaLn() const { return gamma_ln_; }
  int bias() const { return bias_; }
  double normMin() const { return norm_min_; }
  double normMax() const { return norm_max_; }
  int binLimit() const { return bin_limit_; }
  // The agent's relative accuracy bound for quantiles: (gamma - 1) / (gamma + 1) ~ 0.78%.
  double relativeAccuracy() const { return (gamma_ - 1) / (gamma_ + 1); }

 private:
  double gamma_ = 0;
  double gamma_ln_ = 0;
  int bias_ = 0;
  double norm_min_ = 0;
  double norm_max_ = 0;
  int bin_limit_ = 4096;
};

// Basic summary arithmetic (summary.Summary): Insert, InsertN, Merge.
void summaryInsert(SketchSummary& s, double v);
void summaryInsertN(SketchSummary& s, double v, double n);
void summaryMerge(SketchSummary& s, const SketchSummary& o);

struct KeyCount {
  int16_t k;
  uint64_t n;
};

// The sparse store plus summary (quantile.Sketch).
class DDSketch {
 public:
  DDSketch() = default;
  explicit DDSketch(const Sketch& data);  // count = sum of the bins

  // Inserts values with count 1 each (Sketch.InsertMany).
  void insertValues(const SketchConfig& c, const std::vector<double>& values);
  // Adds keys with count 1 each; `keys` is sorted in place.
  void insertKeys(const SketchConfig& c, std::vector<int16_t>& keys);
  // Adds (key, count) pairs; `kcs` is sorted in place by key.
  void insertCounts(const SketchConfig& c, std::vector<KeyCount>& kcs);
  void merge(const SketchConfig& c, const DDSketch& o);
  // The agent's quantile estimate; q <= 0 gives min, q >= 1 gives max, empty gives 0.
  double quantile(const SketchConfig& c, double q) const;

  const SketchSummary& basic() const { return basic_; }
  SketchSummary& mutableBasic() { return basic_; }
  const std::vector<SketchBin>& bins() const { return bins_; }
  int64_t count() const { return count_; }
  Sketch toSketch() const { return Sketch{basic_, bins_}; }

 private:
  std::vector<SketchBin> bins_;
  int64_t count_ = 0;  // sum of bin counts
  SketchSummary basic_;
};

// Quantile of finished sketch data (for decoders and tests).
double sketchQuantile(const Sketch& s, double q, const SketchConfig& c = SketchConfig::agentDefault());

// The agent's per-context sketch (quantile.Agent): buffers up to 512 keys before merging.
class AgentSketch {
 public:
  // Insert with a sample rate; rate <= 0 or > 1 counts as 1 (spec §4.3). Callers reject
  // NaN/Inf first (the agent's sketch map does).
  void insert(double v, double sample_rate);
  // OpenMetrics histogram bucket: spreads `count` over the keys of [lower, upper] (spec §4.3).
  void insertInterpolate(double lower, double upper, uint64_t count);
  bool isEmpty() const { return sketch_.basic().cnt == 0 && buf_.empty(); }
  // Flushes the buffers and returns a copy of the data; nullopt when empty (skipped points).
  std::optional<Sketch> finish();

  const DDSketch& sketch() const { return sketch_; }

 private:
  static constexpr size_t kBufCap = 512;
  void flushBuffers();

  std::vector<int16_t> buf_;
  std::vector<KeyCount> count_buf_;
  DDSketch sketch_;
};

}  // namespace ddsim::metrics
