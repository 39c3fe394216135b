#pragma once
// What a scenario will generate, estimated before it runs, so a scenario whose load is absurd
// (a duration of a million hours, a rate of 1e12 lines/s) is named with its volume before the
// run starts instead of running for days or exhausting memory.
#include <string>
#include <vector>

#include "simulator/scenario/scenario.h"

namespace ddsim::scenario {

struct LoadEstimate {
  double dogstatsd_lines = 0;  // lines the DogStatsD workloads emit over the scenario
  double other_items = 0;      // events, service checks, check samples, trace spans
  double bytes = 0;            // DogStatsD bytes on the wire, at ~64 B per line
  double peak_rate = 0;        // highest DogStatsD lines/s of any workload
};

LoadEstimate estimateLoad(const Scenario& s);

// Warnings worth printing before the run (empty when the load is ordinary): the estimated
// volume and how long it would take at the simulator's usual speed.
std::vector<std::string> loadWarnings(const Scenario& s);

}  // namespace ddsim::scenario
