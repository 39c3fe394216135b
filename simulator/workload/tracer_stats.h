#pragma once
// The simulated tracer's client-side stats (docs/scenarios.md "traces", client_stats; spec
// §8.6): what a tracer with stats computation on does before it sends (dd-trace-js
// span_stats.js, dd-trace-go's concentrator): every finished trace, kept or not, adds its
// top-level and measured spans to 10 s buckets keyed by the span's end time, grouped by the
// same aggregation key the agent's concentrator uses (service, name, resource, type, HTTP
// status, span.kind, synthetics, peer tags, trace root) with hits, errors, top-level hits,
// summed duration and ok/error DDSketches. The aggregation itself is the agent's
// (core/trace/stats_concentrator.h): a tracer and the agent must agree on the key, so ddsim
// shares one implementation. flush() hands out the buckets a tracer would send on its 10 s
// timer, as /v0.6/stats ClientStatsPayloads carrying the tracer's identity. Not thread-safe.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/trace/span.h"
#include "core/trace/stats_concentrator.h"
#include "core/trace/stats_payload.h"
#include "core/trace/stats_totals.h"

namespace ddsim::workload {

struct TracerStatsOptions {
  std::string env;             // the tracer's DD_ENV (the payload's Env)
  std::string hostname;        // "" unless the tracer reports its hostname
  std::string version;         // DD_VERSION
  std::string lang = "cpp";    // Datadog-Meta-Lang, also in the payload
  std::string tracer_version = "ddsim";
  std::string runtime_id;      // one per simulated process
  std::string service;         // DD_SERVICE
};

class TracerStats {
 public:
  // `now_ns`: Unix time when the tracer starts.
  TracerStats(TracerStatsOptions options, int64_t now_ns);

  // A finished trace, before the tracer's own sampling drops anything. The spans must carry
  // their top-level marks (trace::computeTopLevel) as the tracer sends them.
  void add(const trace::Trace& trace);
  // The buckets due at `now_ns` (every bucket with `force`, at the tracer's shutdown), one
  // payload per flush with a rising Sequence; empty when nothing is due.
  std::vector<trace::ClientStatsPayload> flush(int64_t now_ns, bool force);

  // The totals of every payload handed out by flush(), by service and resource.
  const trace::StatsTally& flushed() const { return flushed_; }
  int64_t spansCounted() const;

 private:
  TracerStatsOptions options_;
  trace::StatsConcentrator concentrator_;
  uint64_t sequence_ = 0;
  trace::StatsTally flushed_;
};

}  // namespace ddsim::workload
