#pragma once
// The `distribution` expectation (scenario.h DistributionExpectation): every sketch the main
// intake decoded on /api/beta/sketches that carries the expected name and tags is merged, as
// DDSketch merge does (every interval and host into one sketch, spec §4.3), and one statistic of
// the merged sketch is compared with the expected value.
//
// Quantiles pass within the sketch's relative accuracy, alpha = (gamma - 1) / (gamma + 1)
// (~0.775 % for the agent's gamma 1 + 1/64, spec §4.1), or the expectation's tolerance when
// wider. The value compared is the representative of the bin holding the quantile's rank: any
// value v of that bin is within alpha * v of it, so with the default tolerance an expected value
// passes exactly when it lies in that bin. (The agent's own estimate interpolates across the
// bin and can be ~2.4 % above a value of the bin; the result's detail shows it too.)
#include <cstdint>

#include "core/metrics/ddsketch.h"
#include "fakeintake/decoders/decoded.h"
#include "core/store/records.h"
#include "simulator/expect/expectations.h"
#include "simulator/scenario/scenario.h"

namespace ddsim::expect {

// The matching sketches, merged.
struct MergedDistribution {
  metrics::DDSketch sketch;
  int64_t sketches = 0;     // matching sketch series (one per payload, host and context)
  int64_t dogsketches = 0;  // their points (one per 10 s bucket)
};

// Merges every point of `s` into `into` when `s` carries the expectation's name and all of its
// tags; returns whether it matched.
bool mergeIfMatching(const scenario::DistributionExpectation& e, const fakeintake::DecodedSketch& s,
                     MergedDistribution& into);

// Where the value of rank round-half-even(q * (n - 1)) of a sketch lies (n = its bin count, the
// agent's rank rule), for 0 < q < 1.
struct QuantileBounds {
  int64_t rank = 0;
  double low = 0, high = 0;  // the value range of the rank's bin, clamped to the sketch's [min, max]
  double value = 0;          // the bin's representative, clamped to [min, max]
  double agent_estimate = 0; // DDSketch::quantile: what the agent reports for q
};
QuantileBounds quantileBounds(const metrics::DDSketch& s, double q,
                              const metrics::SketchConfig& c = metrics::SketchConfig::agentDefault());

// The verdict for a merged distribution (no sketch matched when m.sketches == 0).
ExpectationResult judgeDistribution(const scenario::DistributionExpectation& e, const MergedDistribution& m);

// Merges one sketch point the run store found for the expectation (name and tags already match).
void mergeEntry(const store::SketchPointRow& row, MergedDistribution& into);

// Merges the main intake's matching sketches, as the run store holds them, and judges them; fails
// as incomplete when the store lost sketch payloads.
ExpectationResult checkDistribution(const scenario::DistributionExpectation& e, const IntakeData& data);

}  // namespace ddsim::expect
