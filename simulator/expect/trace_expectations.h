#pragma once
// Expectations on the trace path (docs/scenarios.md "traces"): spans delivered, traces sampled
// out by reason, the kept-trace rate the priority sampler converges on, and the stats totals
// (what the intake decoded of /api/v0.2/stats against what the trace agent built). What the
// intake received is decoded from the run store.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/trace/stats_totals.h"
#include "simulator/scenario/scenario.h"

namespace ddsim::expect {

struct IntakeData;
struct ExpectationResult;

// What the main intake holds on /api/v0.2/traces, decoded.
struct DeliveredTraces {
  int64_t payloads = 0;
  int64_t chunks = 0;
  int64_t spans = 0;
  int64_t undecodable = 0;           // accepted payloads stored without trace totals (did not decode)
  std::vector<int64_t> chunk_ends;    // when each chunk's trace finished: its latest span end (Unix ns)
  std::string incomplete;            // what the run store evicted of the route ("" = nothing)
  // /api/v0.2/stats, summed by (service, resource).
  int64_t stats_payloads = 0;
  int64_t stats_undecodable = 0;
  trace::StatsTally stats;
  std::string stats_incomplete;      // what the run store evicted of the stats route
};
common::Result<DeliveredTraces> deliveredTraces(const IntakeData& data);

// What the run measured of the trace path.
struct TraceFacts {
  bool present = false;                       // the scenario has a traces workload
  int64_t spans_written = 0;                  // spans the writer handed to the forwarder
  std::map<std::string, int64_t> sampled_out;  // traces the samplers dropped, by reason
  double load_start_unix = 0;
  double load_end_unix = 0;
  const DeliveredTraces* delivered = nullptr;
  // The stats totals the trace agents built (concentrator and client stats), by service and
  // resource; null when there was no trace agent.
  const trace::StatsTally* stats_built = nullptr;
  // Client-side stats: what tracers computed and sent to /v0.6/stats, and the part
  // of stats_built the agent's client stats aggregator built from them (equal by service and
  // resource when nothing was lost between the two).
  bool tracer_stats_present = false;
  trace::StatsTally tracer_stats;
  const trace::StatsTally* client_stats_built = nullptr;
  // Stats payloads that never reached the intake, by reason (the stats writer's and the
  // forwarder's): a comparison is then incomplete.
  std::map<std::string, int64_t> stats_lost;
};

ExpectationResult checkTraces(const scenario::TraceExpectation& e, const TraceFacts& facts);

}  // namespace ddsim::expect
