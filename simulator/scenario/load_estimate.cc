#include "simulator/scenario/load_estimate.h"

#include <algorithm>
#include <cstdio>

namespace ddsim::scenario {

namespace {

// Above these, a run is unusual enough to say what it will cost before it starts.
constexpr double kWarnLines = 2e9;             // ~20 min of generation at the usual ~2M lines/s
constexpr double kWarnDurationSeconds = 7 * 86400.0;
constexpr double kWarnRate = 20e6;             // lines/s, ten times what one core sustains
constexpr double kBytesPerLine = 64;
constexpr double kUsualLinesPerSecond = 2e6;   // end-to-end simulation speed, bench/RESULTS.md

double itemsOver(const RateProfile& rate, double start, std::optional<double> stop, double duration) {
  const double end = std::min(stop.value_or(duration), duration);
  return end > start ? rate.cumulative(end - start) : 0;
}

double peakOver(const RateProfile& rate) {
  double peak = std::max({rate.rate, rate.from, rate.to, rate.base + rate.burst});
  for (const auto& st : rate.steps) peak = std::max(peak, st.rate);
  return peak;
}

std::string human(double n) {
  char out[32];
  if (n >= 1e12) std::snprintf(out, sizeof out, "%.3g T", n / 1e12);
  else if (n >= 1e9) std::snprintf(out, sizeof out, "%.3g G", n / 1e9);
  else if (n >= 1e6) std::snprintf(out, sizeof out, "%.3g M", n / 1e6);
  else std::snprintf(out, sizeof out, "%.0f", n);
  return out;
}

}  // namespace

LoadEstimate estimateLoad(const Scenario& s) {
  LoadEstimate e;
  for (const auto& w : s.workloads) {
    if (const auto* d = std::get_if<DogStatsDWorkload>(&w)) {
      e.dogstatsd_lines += itemsOver(d->rate, d->start, d->stop, s.duration);
      e.peak_rate = std::max(e.peak_rate, peakOver(d->rate));
    } else if (const auto* ev = std::get_if<EventWorkload>(&w)) {
      e.other_items += itemsOver(ev->rate, ev->start, ev->stop, s.duration);
    } else if (const auto* sc = std::get_if<ServiceCheckWorkload>(&w)) {
      e.other_items += itemsOver(sc->rate, sc->start, sc->stop, s.duration);
    } else if (const auto* t = std::get_if<TraceWorkload>(&w)) {
      e.other_items += itemsOver(t->rate, t->start, t->stop, s.duration) *
                       (t->spans_per_trace.first + t->spans_per_trace.second) / 2;
    } else if (const auto* c = std::get_if<CheckWorkload>(&w)) {
      if (c->interval > 0) {
        e.other_items += static_cast<double>(c->checks * c->metrics_per_check) * (s.duration / c->interval);
      }
    }
  }
  e.bytes = e.dogstatsd_lines * kBytesPerLine;
  return e;
}

std::vector<std::string> loadWarnings(const Scenario& s) {
  std::vector<std::string> out;
  const LoadEstimate e = estimateLoad(s);
  const double items = e.dogstatsd_lines + e.other_items;
  if (items >= kWarnLines || s.duration >= kWarnDurationSeconds || e.peak_rate >= kWarnRate) {
    char line[320];
    std::snprintf(line, sizeof line,
                  "this scenario generates about %s items (%s bytes of DogStatsD), peak %s lines/s, over %.3g h "
                  "simulated; at ~%s items/s that is about %.3g h of real time. Ctrl-C stops it and still reports.",
                  human(items).c_str(), human(e.bytes).c_str(), human(e.peak_rate).c_str(), s.duration / 3600,
                  human(kUsualLinesPerSecond).c_str(), items / kUsualLinesPerSecond / 3600);
    out.emplace_back(line);
  }
  return out;
}

}  // namespace ddsim::scenario
