#pragma once
// Compares decoded traces for the differential checks of the two msgpack decoders (the unit test
// and the trace_decoder fuzz target): metric values by their bits, so a NaN both decoders read
// counts as the same value. Header-only, no dependency beyond the span model.
#include <cstring>
#include <map>
#include <string>

#include "core/trace/span.h"

namespace ddsim::trace::testing {

inline bool sameMetricBits(const std::map<std::string, double>& a, const std::map<std::string, double>& b) {
  if (a.size() != b.size()) return false;
  for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j) {
    if (i->first != j->first || std::memcmp(&i->second, &j->second, sizeof(double)) != 0) return false;
  }
  return true;
}

// "" when equal, else where the first difference is, e.g. "metrics differ at 0/2".
inline std::string traceDifference(const Traces& a, const Traces& b) {
  if (a.size() != b.size()) return "trace counts differ";
  for (size_t t = 0; t < a.size(); ++t) {
    if (a[t].size() != b[t].size()) return "span counts differ in trace " + std::to_string(t);
    for (size_t i = 0; i < a[t].size(); ++i) {
      const std::string at = std::to_string(t) + "/" + std::to_string(i);
      if (!sameMetricBits(a[t][i].metrics, b[t][i].metrics)) return "metrics differ at " + at;
      Span x = a[t][i];
      Span y = b[t][i];
      x.metrics.clear(), y.metrics.clear();
      if (x != y) return "spans differ at " + at;
    }
  }
  return "";
}

}  // namespace ddsim::trace::testing
