// Content checks of /api/v0.2/stats payloads (docs/trace-agent.md §8.4): what every stats group
// the agent's concentrator writes satisfies — errors and top-level hits within hits, buckets
// aligned on their duration, sketches that decode and hold no more values than the counts they
// go with (hits are weighted by 1/_sample_rate, the sketches take each span once, so with
// weights the counts are larger; without, they are equal).
#include <string>

#include "fakeintake/properties/property_checker.h"

namespace ddsim::fakeintake {

void PropertyChecker::checkStats(const std::vector<DecodedStatsPayload>& payloads, std::vector<Violation>& out) const {
  for (const DecodedStatsPayload& p : payloads) {
    for (size_t c = 0; c < p.stats.size(); ++c) {
      const DecodedClientStats& client = p.stats[c];
      const std::string cwhere = "stats[" + std::to_string(c) + "]";
      if (client.env.empty()) add(out, "DdStatsFields", cwhere + ": env is empty (the agent falls back to its own)");
      for (size_t b = 0; b < client.stats.size(); ++b) {
        const DecodedStatsBucket& bucket = client.stats[b];
        const std::string bwhere = cwhere + ".stats[" + std::to_string(b) + "]";
        if (bucket.duration == 0 || bucket.start % bucket.duration != 0) {
          add(out, "DdStatsBucket", bwhere + ": start " + std::to_string(bucket.start) + ", duration " +
                                        std::to_string(bucket.duration));
        }
        for (size_t g = 0; g < bucket.stats.size(); ++g) {
          const DecodedGroupedStats& s = bucket.stats[g];
          const std::string at = bwhere + ".stats[" + std::to_string(g) + "]";
          if (s.service.empty() || s.name.empty()) {
            add(out, "DdStatsFields", at + ": service \"" + s.service + "\", name \"" + s.name + "\"");
          }
          if (s.errors > s.hits || s.top_level_hits > s.hits) {
            add(out, "DdStatsCounts", at + ": hits " + std::to_string(s.hits) + ", errors " + std::to_string(s.errors) +
                                          ", topLevelHits " + std::to_string(s.top_level_hits));
          }
          if (s.ok_count < 0 || s.error_count < 0) {
            add(out, "DdStatsSketch", at + ": " + (s.ok_count < 0 ? "okSummary" : "errorSummary") +
                                          " is not a DDSketch protobuf");
          } else if (s.ok_count + s.error_count > static_cast<double>(s.hits) ||
                     s.error_count > static_cast<double>(s.errors)) {
            add(out, "DdStatsSketch", at + ": sketches hold " + std::to_string(static_cast<uint64_t>(s.ok_count)) +
                                          " ok and " + std::to_string(static_cast<uint64_t>(s.error_count)) +
                                          " error values for hits " + std::to_string(s.hits) + ", errors " +
                                          std::to_string(s.errors));
          }
        }
      }
    }
  }
}

}  // namespace ddsim::fakeintake
