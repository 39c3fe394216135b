#pragma once
// The regression rule SMP applies to A/B runs (anchors.md §2.5): a change is flagged only when
// |Δ mean %| >= the effect-size tolerance (5 %) AND the 90 % confidence interval of Δ mean %
// excludes zero. The interval comes from a seeded percentile bootstrap, so a comparison is
// repeatable.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ddsim::compare {

struct RuleOptions {
  double effect_pct = 5.0;    // |Δ mean %| needed to call a change
  double confidence = 0.90;   // two-sided interval
  int resamples = 10'000;     // bootstrap resamples
  uint64_t seed = 1;
};

enum class Verdict {
  kNoChange,      // within tolerance or the interval straddles zero
  kImprovement,
  kRegression,
  kInsufficient,  // fewer than 2 samples on a side, or a zero baseline mean
};

const char* verdictName(Verdict v);

struct FigureResult {
  std::string name;
  bool lower_is_better = true;
  size_t base_n = 0, candidate_n = 0;
  double base_mean = 0, candidate_mean = 0;
  double delta_pct = 0;           // (candidate - base) / |base| * 100
  double ci_low = 0, ci_high = 0; // interval of delta_pct
  Verdict verdict = Verdict::kInsufficient;
};

// Compares two samples of one figure (e.g. per-flush durations, or one value per replicate).
FigureResult compareFigure(const std::string& name, bool lower_is_better, const std::vector<double>& base,
                           const std::vector<double>& candidate, const RuleOptions& options = {});

// The percentile-bootstrap interval (options.confidence, .resamples, .seed) of
// mean(candidate) - mean(base), in the samples' own units: for a zero baseline, where Δ mean %
// is undefined. Both sides need at least one sample; returns {0, 0} otherwise.
std::pair<double, double> meanDifferenceInterval(const std::vector<double>& base, const std::vector<double>& candidate,
                                                 const RuleOptions& options = {});

}  // namespace ddsim::compare
