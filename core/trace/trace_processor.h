#pragma once
// The trace agent's per-payload processing (docs/trace-agent.md §7, from pkg/trace/agent/agent.go
// Process and sample): each decoded trace is normalized (or dropped by reason), becomes a chunk
// with its attributes, is truncated, gets its top-level marks unless the tracer computed them,
// is sampled, and the kept chunks go out as one TracerPayload. Thread-safe (one mutex); time
// comes from the clock passed in (the normalizer's "now").
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "core/common/clock.h"
#include "core/common/counters.h"
#include "core/trace/agent_payload.h"
#include "core/trace/normalizer.h"
#include "core/trace/priority_sampler.h"
#include "core/trace/receiver.h"

namespace ddsim::trace {

// Why a chunk was not kept by the sampling step (agent.go sample / runSamplers).
enum class SampleDecision {
  kKeep,
  kDropUserReject,  // priority < 0: the tracer (a user rule) rejected it; no sampler runs
  kDropPriority,    // priority 0 without an error: the priority sampler keeps only priority > 0
};
std::string_view sampleDecisionName(SampleDecision d);

// The sampling decision for one chunk. Built: the branch structure of agent.go (negative
// priority dropped first; with a priority, the priority sampler keeps priority > 0, errors go to
// the error sampler; without a priority, errors go to the error sampler and the rest to the
// no-priority sampler). Not built: the samplers' TPS budgets and the rare sampler — the error and
// no-priority samplers keep everything, as the agent's do below their target TPS.
SampleDecision decideSampling(const TraceChunk& chunk);

struct ProcessorCounters {
  uint64_t traces_in = 0;
  uint64_t spans_in = 0;
  uint64_t traces_kept = 0;
  uint64_t spans_kept = 0;
  std::map<std::string, uint64_t> traces_dropped;       // normalization refusals by reason tag
  std::map<std::string, uint64_t> traces_sampled_out;   // by SampleDecision name
  ReasonCounts spans_fixed;                             // normalization fixes by reason tag
};

class TraceProcessor {
 public:
  using Output = std::function<void(TracerPayload&&)>;
  // `clock` must outlive the processor. `target_tps`: apm_config.max_traces_per_second (10);
  // `agent_env`: the agent's default env ("none").
  TraceProcessor(common::Clock& clock, Output out, double target_tps = 10, std::string agent_env = "none");

  void process(ReceivedPayload&& payload);

  ProcessorCounters counters() const;
  // The priority sampler's rates by service for the receiver's answers, and their version
  // (changes whenever the rates do).
  std::map<std::string, double> rates(uint64_t* version) const;
  // trace.processor.* counters for the telemetry snapshot.
  common::TelemetrySnapshot telemetry() const;

 private:
  common::Clock* clock_;
  Output out_;
  mutable std::mutex mu_;
  PrioritySampler priority_;
  ProcessorCounters counters_;
};

}  // namespace ddsim::trace
