#include "core/metrics/histogram_config.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string_view>

#include "core/metrics/go_compat.h"

namespace ddsim::metrics {
namespace {

bool parseAggregate(std::string_view s, HistogramAggregate* out) {
  static constexpr std::pair<std::string_view, HistogramAggregate> kNames[] = {
      {"max", HistogramAggregate::kMax},       {"min", HistogramAggregate::kMin},
      {"median", HistogramAggregate::kMedian}, {"avg", HistogramAggregate::kAvg},
      {"sum", HistogramAggregate::kSum},       {"count", HistogramAggregate::kCount},
  };
  for (const auto& [name, kind] : kNames) {
    if (s == name) {
      *out = kind;
      return true;
    }
  }
  return false;
}

bool parseFloat(std::string_view s, double* out) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  const auto res = std::from_chars(s.data(), s.data() + s.size(), *out);
  return res.ec == std::errc() && res.ptr == s.data() + s.size();
}

}  // namespace

HistogramConfig::HistogramConfig(const HistogramOptions& opts, std::vector<std::string>* rejected) {
  for (const auto& a : opts.aggregates) {
    HistogramAggregate kind;
    if (!parseAggregate(a, &kind)) {
      if (rejected) rejected->push_back("histogram_aggregates: unknown aggregate '" + a + "'");
      continue;
    }
    std::string suffix(".");
    suffix += a;
    aggregates_.push_back({kind, std::move(suffix)});
  }
  for (const auto& p : opts.percentiles) {
    double v = 0;
    if (!parseFloat(p, &v) || std::isnan(v)) {
      if (rejected) rejected->push_back("histogram_percentiles: cannot parse '" + p + "'");
      continue;
    }
    if (v < 0 || v > 1) {
      if (rejected) rejected->push_back("histogram_percentiles: '" + p + "' is not in [0, 1]");
      continue;
    }
    const int64_t n = goInt64(v * 100 + 0.5);  // agent behaviour: +0.5 so 0.29 gives 29, not 28
    std::string suffix(".");
    suffix += std::to_string(n);
    suffix += "percentile";
    percentiles_.push_back({n, std::move(suffix)});
  }
  std::stable_sort(percentiles_.begin(), percentiles_.end(),
                   [](const Percentile& a, const Percentile& b) { return a.value < b.value; });
}

const HistogramConfig& HistogramConfig::defaults() {
  static const HistogramConfig kDefaults;
  return kDefaults;
}

}  // namespace ddsim::metrics
