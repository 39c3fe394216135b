#include "simulator/compare/smp_rule.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <tuple>

#include "core/common/random.h"
#include "simulator/compare/student_t.h"

namespace ddsim::compare {
namespace {

double mean(const std::vector<double>& v) {
  return v.empty() ? 0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double resampledMean(const std::vector<double>& v, common::Random& rng) {
  double s = 0;
  const auto n = static_cast<int64_t>(v.size());
  for (int64_t i = 0; i < n; ++i) s += v[static_cast<size_t>(rng.uniformInt(0, n - 1))];
  return s / static_cast<double>(n);
}

double percentile(std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(pos));
  const auto hi = static_cast<size_t>(std::ceil(pos));
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - static_cast<double>(lo));
}

// The two-sided percentile interval of `values` (sorted in place).
std::pair<double, double> percentileInterval(std::vector<double>& values, double confidence) {
  std::sort(values.begin(), values.end());
  const double tail = (1.0 - confidence) / 2.0;
  return {percentile(values, tail), percentile(values, 1.0 - tail)};
}

// The percentile-bootstrap interval of Δ mean % (many samples on both sides).
std::pair<double, double> bootstrapDeltaPct(const std::vector<double>& base, const std::vector<double>& candidate,
                                            const RuleOptions& options) {
  common::Random rng(options.seed);
  std::vector<double> deltas;
  deltas.reserve(static_cast<size_t>(options.resamples));
  for (int i = 0; i < options.resamples; ++i) {
    const double b = resampledMean(base, rng);
    const double c = resampledMean(candidate, rng);
    if (b == 0) continue;
    deltas.push_back((c - b) / std::fabs(b) * 100.0);
  }
  return percentileInterval(deltas, options.confidence);
}

double sampleVariance(const std::vector<double>& v, double m) {
  double ss = 0;
  for (double x : v) ss += (x - m) * (x - m);
  return ss / static_cast<double>(v.size() - 1);
}

// The Welch interval of mean(candidate) - mean(base): Student t with the Welch-Satterthwaite
// degrees of freedom. Both sides need 2 or more samples.
std::pair<double, double> welchInterval(const std::vector<double>& base, const std::vector<double>& candidate,
                                        double confidence) {
  const double mb = mean(base), mc = mean(candidate);
  const double nb = static_cast<double>(base.size()), nc = static_cast<double>(candidate.size());
  const double wb = sampleVariance(base, mb) / nb, wc = sampleVariance(candidate, mc) / nc;
  const double d = mc - mb;
  const double se2 = wb + wc;
  if (se2 <= 0) return {d, d};  // both sides constant: no noise to allow for
  const double df = se2 * se2 / (wb * wb / (nb - 1) + wc * wc / (nc - 1));
  const double half = studentTQuantile(0.5 + confidence / 2.0, df) * std::sqrt(se2);
  return {d - half, d + half};
}

bool fewSamples(const std::vector<double>& base, const std::vector<double>& candidate, const RuleOptions& options) {
  return std::min(base.size(), candidate.size()) < static_cast<size_t>(options.bootstrap_min_samples);
}

}  // namespace

const char* verdictName(Verdict v) {
  switch (v) {
    case Verdict::kNoChange: return "no change";
    case Verdict::kImprovement: return "improvement";
    case Verdict::kRegression: return "REGRESSION";
    case Verdict::kInsufficient: return "insufficient data";
  }
  return "?";
}

FigureResult compareFigure(const std::string& name, bool lower_is_better, const std::vector<double>& base,
                           const std::vector<double>& candidate, const RuleOptions& options) {
  FigureResult r;
  r.name = name;
  r.lower_is_better = lower_is_better;
  r.base_n = base.size();
  r.candidate_n = candidate.size();
  r.base_mean = mean(base);
  r.candidate_mean = mean(candidate);
  if (base.size() < 2 || candidate.size() < 2 || r.base_mean == 0) {
    r.verdict = Verdict::kInsufficient;
    if (r.base_mean != 0) r.delta_pct = (r.candidate_mean - r.base_mean) / std::fabs(r.base_mean) * 100.0;
    return r;
  }
  r.delta_pct = (r.candidate_mean - r.base_mean) / std::fabs(r.base_mean) * 100.0;

  if (fewSamples(base, candidate, options)) {
    const auto [lo, hi] = welchInterval(base, candidate, options.confidence);
    r.ci_low = lo / std::fabs(r.base_mean) * 100.0;
    r.ci_high = hi / std::fabs(r.base_mean) * 100.0;
  } else {
    std::tie(r.ci_low, r.ci_high) = bootstrapDeltaPct(base, candidate, options);
  }

  const bool big = std::fabs(r.delta_pct) >= options.effect_pct;
  const bool excludes_zero = r.ci_low > 0 || r.ci_high < 0;
  if (!big || !excludes_zero) {
    r.verdict = Verdict::kNoChange;
  } else {
    const bool went_up = r.delta_pct > 0;
    r.verdict = (went_up == lower_is_better) ? Verdict::kRegression : Verdict::kImprovement;
  }
  return r;
}

std::pair<double, double> meanDifferenceInterval(const std::vector<double>& base, const std::vector<double>& candidate,
                                                 const RuleOptions& options) {
  if (base.empty() || candidate.empty()) return {0, 0};
  if (base.size() >= 2 && candidate.size() >= 2 && fewSamples(base, candidate, options)) {
    return welchInterval(base, candidate, options.confidence);
  }
  common::Random rng(options.seed);
  std::vector<double> diffs;
  diffs.reserve(static_cast<size_t>(options.resamples));
  for (int i = 0; i < options.resamples; ++i) {
    const double b = resampledMean(base, rng);
    diffs.push_back(resampledMean(candidate, rng) - b);
  }
  return percentileInterval(diffs, options.confidence);
}

}  // namespace ddsim::compare
