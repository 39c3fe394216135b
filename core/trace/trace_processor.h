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
#include <utility>

#include "core/common/clock.h"
#include "core/common/counters.h"
#include "core/trace/agent_payload.h"
#include "core/trace/normalizer.h"
#include "core/trace/priority_sampler.h"
#include "core/trace/rare_sampler.h"
#include "core/trace/score_sampler.h"
#include "core/trace/stats_concentrator.h"
#include "core/trace/receiver.h"

namespace ddsim::trace {

// Why a chunk was not kept by the sampling step (agent.go sample / runSamplers).
enum class SampleDecision {
  kKeep,
  kDropUserReject,  // priority < 0: the tracer (a user rule) rejected it; no sampler runs
  kDropPriority,    // priority 0 without an error: the priority sampler keeps only priority > 0
  kDropErrors,      // a trace with an error over the error sampler's budget
  kDropNoPriority,  // a trace without priority over the no-priority sampler's budget
};
std::string_view sampleDecisionName(SampleDecision d);

// The agent's samplers (apm_config.max_traces_per_second and errors_per_second, 10 and 10).
struct Samplers {
  explicit Samplers(double target_tps = 10, double error_tps = 10, std::string agent_env = "none")
      : priority(target_tps, std::move(agent_env)), errors(error_tps, "_dd.errors_sr"),
        no_priority(target_tps, "_dd.no_p_sr") {}
  PrioritySampler priority;
  ScoreSampler errors;
  ScoreSampler no_priority;
  RareSampler rare;
  bool rare_enabled = false;  // apm_config.enable_rare_sampler
};

// The sampling decision for one chunk, as agent.go sample/runSamplers take it: a negative
// priority is dropped first; with a priority, the priority sampler (which also counts for the
// rates), then the error sampler for a trace with an error; without a priority, the error
// sampler or the no-priority sampler. `env` is the tracer payload's; `p0_weight` the payload's
// client-dropped P0 traces per chunk. With a priority and the rare sampler enabled, the rare
// sampler runs first (so that every signature is counted) and keeps what the priority and error
// samplers would drop. `now_ns` (the rare sampler's clock): now_s in ns when not given.
SampleDecision runSamplers(int64_t now_s, TraceChunk& chunk, size_t root, const std::string& env, double p0_weight,
                           Samplers& samplers, int64_t now_ns = -1);

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
  // `agent_env`: the agent's default env ("none"); `error_tps`: apm_config.errors_per_second (10).
  TraceProcessor(common::Clock& clock, Output out, double target_tps = 10, std::string agent_env = "none",
                 double error_tps = 10);

  void process(ReceivedPayload&& payload);

  // Optional second output: every chunk that passed normalization, before sampling, with its
  // root and tracer context (agent.go Process computes stats before the samplers run), except
  // for payloads whose tracer computed stats itself (the computed-stats header). Set it before
  // the first process(); called on the processing thread under the processor's lock.
  using StatsSink = std::function<void(const TraceChunk& chunk, size_t root, const StatsChunkContext& ctx)>;
  void setStatsSink(StatsSink sink);
  // apm_config.enable_rare_sampler: set before the first process().
  void enableRareSampler(RareSamplerOptions options = {});

  ProcessorCounters counters() const;
  // The priority sampler's rates by service for the receiver's answers, and their version
  // (changes whenever the rates do).
  std::map<std::string, double> rates(uint64_t* version) const;
  // trace.processor.* counters for the telemetry snapshot.
  common::TelemetrySnapshot telemetry() const;

 private:
  common::Clock* clock_;
  Output out_;
  StatsSink stats_;
  mutable std::mutex mu_;
  Samplers samplers_;
  ProcessorCounters counters_;
};

}  // namespace ddsim::trace
