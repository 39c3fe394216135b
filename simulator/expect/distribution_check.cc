#include "simulator/expect/distribution_check.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "core/metrics/go_compat.h"

namespace ddsim::expect {

namespace {

using Kind = scenario::DistributionStatistic::Kind;

constexpr const char* kSketchRoute = "/api/beta/sketches";

std::string tagSet(const std::vector<std::string>& tags) {
  std::string out;
  for (const auto& t : tags) out += (out.empty() ? "" : ",") + t;
  return "{" + out + "}";
}

// One sketch point as a DDSketch: its bins (key, count) and its summary.
metrics::DDSketch toSketch(const std::vector<int32_t>& keys, const std::vector<uint32_t>& n,
                           const metrics::SketchSummary& summary, const metrics::SketchConfig& c) {
  std::vector<metrics::KeyCount> counts;
  const size_t size = std::min(keys.size(), n.size());
  counts.reserve(size);
  for (size_t i = 0; i < size; ++i) {
    const int32_t k = std::clamp<int32_t>(keys[i], -metrics::kSketchInfKey, metrics::kSketchInfKey);
    counts.push_back({static_cast<int16_t>(k), n[i]});
  }
  metrics::DDSketch s;
  s.insertCounts(c, counts);
  s.mutableBasic() = summary;
  return s;
}

}  // namespace

bool mergeIfMatching(const scenario::DistributionExpectation& e, const fakeintake::DecodedSketch& s,
                     MergedDistribution& into) {
  if (s.metric != e.name) return false;
  for (const auto& t : e.tags) {
    if (std::find(s.tags.begin(), s.tags.end(), t) == s.tags.end()) return false;
  }
  const auto& c = metrics::SketchConfig::agentDefault();
  ++into.sketches;
  for (const auto& d : s.dogsketches) {
    into.sketch.merge(c, toSketch(d.k, d.n, metrics::SketchSummary{d.min, d.max, d.sum, d.avg, d.cnt}, c));
    ++into.dogsketches;
  }
  return true;
}

QuantileBounds quantileBounds(const metrics::DDSketch& s, double q, const metrics::SketchConfig& c) {
  QuantileBounds b;
  b.agent_estimate = s.quantile(c, q);
  if (s.count() == 0) return b;
  b.rank = static_cast<int64_t>(metrics::roundHalfToEven(q * static_cast<double>(s.count() - 1)));
  int16_t key = s.bins().empty() ? 0 : s.bins().back().k;
  int64_t seen = 0;
  for (const auto& bin : s.bins()) {
    seen += bin.n;
    if (seen > b.rank) {
      key = bin.k;
      break;
    }
  }
  // Spec §4.2: key k holds the values whose log_gamma rounds to k - bias, i.e. a factor of
  // sqrt(gamma) either side of binLow(k); key 0 holds |v| < normMin.
  const int16_t magnitude = static_cast<int16_t>(std::abs(int{key}));
  double low = 0, high = 0, rep = 0;
  if (magnitude == 0) {
    low = -c.normMin();
    high = c.normMin();
  } else if (magnitude == metrics::kSketchInfKey) {
    low = c.normMax();
    high = rep = std::numeric_limits<double>::infinity();
  } else {
    const double root = std::sqrt(c.gamma());
    low = c.binLow(magnitude) / root;
    high = c.binLow(magnitude) * root;
    rep = 2 * high / (c.gamma() + 1);  // within relativeAccuracy() of every value in [low, high]
  }
  if (key < 0) {
    std::swap(low, high);
    low = -low;
    high = -high;
    rep = -rep;
  }
  // The rank's value is also within the exact [min, max] the summary keeps.
  const auto& basic = s.basic();
  if (basic.min <= basic.max) {
    low = std::clamp(low, basic.min, basic.max);
    high = std::clamp(high, basic.min, basic.max);
    rep = std::clamp(rep, basic.min, basic.max);
  }
  b.low = low;
  b.high = high;
  b.value = rep;
  return b;
}

ExpectationResult judgeDistribution(const scenario::DistributionExpectation& e, const MergedDistribution& m) {
  const auto& c = metrics::SketchConfig::agentDefault();
  const bool quantile = e.statistic.kind == Kind::kQuantile;
  const double allowed_relative = quantile ? std::max(c.relativeAccuracy(), e.tolerance) : e.tolerance;
  ExpectationResult r;
  r.description = "distribution " + e.name + (e.tags.empty() ? "" : tagSet(e.tags)) + " " + e.statistic.name + " = " +
                  fmt::format("{:.10g}", e.value);
  if (quantile && e.tolerance <= c.relativeAccuracy()) {
    r.description += fmt::format(" ±{:.3g}% (the sketch's accuracy)", 100 * c.relativeAccuracy());
  } else if (e.tolerance > 0) {
    r.description += fmt::format(" ±{:.10g}%", 100 * e.tolerance);
  }
  if (m.sketches == 0) {
    r.detail = "no sketch named " + e.name + (e.tags.empty() ? "" : " with tags " + tagSet(e.tags)) + " was decoded";
    return r;
  }
  const auto& basic = m.sketch.basic();
  double actual = 0;
  std::string how;
  switch (e.statistic.kind) {
    case Kind::kCount: actual = static_cast<double>(basic.cnt); break;
    case Kind::kSum: actual = basic.sum; break;
    case Kind::kMin: actual = basic.min; break;
    case Kind::kMax: actual = basic.max; break;
    case Kind::kAvg: actual = basic.avg; break;
    case Kind::kQuantile: {
      const auto b = quantileBounds(m.sketch, e.statistic.quantile, c);
      actual = b.value;
      how = fmt::format("; value {} of {} lies in [{:.6g}, {:.6g}], the agent's interpolated estimate is {:.6g}",
                        b.rank, m.sketch.count(), b.low, b.high, b.agent_estimate);
      break;
    }
  }
  const double allowed = allowed_relative * std::fabs(e.value);
  const double diff = actual - e.value;
  r.passed = std::fabs(diff) <= allowed + 1e-9 * std::max(1.0, std::fabs(e.value));
  r.detail = fmt::format("got {:.10g} from {} sketch(es), {} point(s) merged (off by {:.6g}", actual, m.sketches,
                         m.dogsketches, diff);
  if (e.value != 0) r.detail += fmt::format(", {:.3g}%", diff / std::fabs(e.value) * 100);
  r.detail += fmt::format("; allowed ±{:.6g}{})", allowed, how);
  return r;
}

void mergeEntry(const store::SketchPointRow& row, MergedDistribution& into) {
  const auto& c = metrics::SketchConfig::agentDefault();
  into.sketch.merge(c, toSketch(row.keys, row.counts, metrics::SketchSummary{row.min, row.max, row.sum, row.avg, row.count}, c));
  ++into.dogsketches;
}

ExpectationResult checkDistribution(const scenario::DistributionExpectation& e, const IntakeData& data) {
  if (auto gap = incompleteness(data, {kSketchRoute}); !gap.empty()) {
    ExpectationResult r = judgeDistribution(e, MergedDistribution{});
    r.passed = false;
    r.detail = "incomplete: " + gap + "; a value computed from what is left would be wrong";
    return r;
  }
  store::PointQuery q;
  q.intake = data.main_intake;
  q.name = e.name;
  q.tags = e.tags;
  auto rows = data.store.sketchPoints(q);
  if (!rows.isOk()) {
    ExpectationResult r = judgeDistribution(e, MergedDistribution{});
    r.passed = false;
    r.detail = "the run store could not be read: " + rows.status().message();
    return r;
  }
  MergedDistribution merged;
  std::set<int64_t> contexts;
  for (const auto& row : *rows) {
    contexts.insert(row.context_id);
    mergeEntry(row, merged);
  }
  merged.sketches = static_cast<int64_t>(contexts.size());
  return judgeDistribution(e, merged);
}

}  // namespace ddsim::expect
