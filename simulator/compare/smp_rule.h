#pragma once
// The regression rule SMP applies to A/B runs (anchors.md §2.5): a change is flagged only when
// |Δ mean %| >= the effect-size tolerance (5 %) AND the 90 % confidence interval of Δ mean %
// excludes zero. With few samples on a side (fewer than bootstrap_min_samples: replicates give
// one observation per run) the interval is Welch's t interval of the difference of means,
// divided by |base mean|: a percentile bootstrap of 5 observations is too narrow (it flagged
// 18-20 % of A/A trials, compare_false_positive_test.cc). With many samples it is a seeded
// percentile bootstrap. Either way a comparison is repeatable.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ddsim::compare {

struct RuleOptions {
  double effect_pct = 5.0;    // |Δ mean %| needed to call a change
  double confidence = 0.90;   // two-sided interval
  int resamples = 10'000;     // bootstrap resamples
  // Below this many samples on either side the interval is Welch's t, not the bootstrap.
  int bootstrap_min_samples = 30;
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

// The interval (options.confidence) of mean(candidate) - mean(base), in the samples' own units:
// for a zero baseline, where Δ mean % is undefined. Welch's t with few samples (as
// compareFigure), else the percentile bootstrap (.resamples, .seed). Both sides need at least
// one sample; returns {0, 0} otherwise.
std::pair<double, double> meanDifferenceInterval(const std::vector<double>& base, const std::vector<double>& candidate,
                                                 const RuleOptions& options = {});

}  // namespace ddsim::compare
