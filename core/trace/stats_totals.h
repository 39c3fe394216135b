#pragma once
// Stats totals by (service, resource): what a trace agent put in its stats payloads and what an
// intake decoded of them, summed the same way so the two can be compared (the simulator's
// "stats" expectation, docs/scenarios.md "traces"). Pure data.
#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "core/trace/stats_payload.h"

namespace ddsim::trace {

struct StatsTotals {
  int64_t hits = 0;
  int64_t errors = 0;
  int64_t top_level_hits = 0;
  int64_t duration = 0;  // ns, summed
  int64_t groups = 0;    // grouped stats ("entries") that fed these totals

  void add(int64_t h, int64_t e, int64_t t, int64_t d) {
    hits += h;
    errors += e;
    top_level_hits += t;
    duration += d;
    ++groups;
  }
  StatsTotals& operator+=(const StatsTotals& o) {
    hits += o.hits;
    errors += o.errors;
    top_level_hits += o.top_level_hits;
    duration += o.duration;
    groups += o.groups;
    return *this;
  }
  // Equal in what the backend reads (hits, errors, top-level hits, duration); not the group count.
  bool sameValues(const StatsTotals& o) const {
    return hits == o.hits && errors == o.errors && top_level_hits == o.top_level_hits && duration == o.duration;
  }
};

using StatsTally = std::map<std::pair<std::string, std::string>, StatsTotals>;  // (service, resource)

inline StatsTotals totalOf(const StatsTally& t) {
  StatsTotals all;
  for (const auto& [k, v] : t) all += v;
  return all;
}

// Adds every grouped stats of a payload to the tally.
inline void tallyStatsPayload(StatsTally& t, const StatsPayload& p) {
  for (const auto& c : p.stats) {
    for (const auto& b : c.stats) {
      for (const auto& g : b.stats) {
        t[{g.service, g.resource}].add(static_cast<int64_t>(g.hits), static_cast<int64_t>(g.errors),
                                       static_cast<int64_t>(g.top_level_hits), static_cast<int64_t>(g.duration));
      }
    }
  }
}

}  // namespace ddsim::trace
