#pragma once
// The trace agent's score samplers (docs/trace-agent.md §7.3, from pkg/trace/sampler/
// scoresampler.go, signature.go, sampler.go): the error sampler (traces with an error, budget
// apm_config.errors_per_second) and the no-priority sampler (traces without a sampling priority,
// budget apm_config.max_traces_per_second). Each counts a chunk under a signature of its spans
// (FNV-1a of env, service, name, error, http.status_code, error.type; the root's resource too),
// takes that signature's rate from the same engine as the priority sampler, and keeps the chunk
// when its trace id falls under rate x the root's client rate, so that every chunk of one trace
// gets the same decision. Not thread-safe.
#include <cstdint>
#include <string>

#include "core/trace/priority_sampler.h"

namespace ddsim::trace {

// signature.go computeSpanHash: FNV-1a 32 of env, service, name, error, the resource (when
// asked), http.status_code and error.type.
uint32_t spanHash(const Span& s, const std::string& env, bool with_resource);
// signature.go computeSignatureWithRootAndEnv.
uint32_t traceSignature(const Trace& spans, const Span& root, const std::string& env);
// sampler.go SampleByRate: trace_id x Knuth's factor (mod 2^64) under rate x 2^64.
bool sampleByRate(uint64_t trace_id, double rate);

class ScoreSampler {
 public:
  // `rate_key`: the metric set on a kept root (_dd.errors_sr or _dd.no_p_sr). A target of 0
  // disables the sampler (it keeps nothing), as errors_per_second: 0 does.
  ScoreSampler(double target_tps, std::string rate_key);

  bool sample(int64_t now_s, TraceChunk& chunk, size_t root, const std::string& env);
  double targetTps() const { return core_.targetTps(); }

 private:
  std::string shrink(uint32_t signature);

  CoreSampler core_;
  std::string rate_key_;
  bool disabled_;
  bool shrinking_ = false;
  std::map<std::string, double> allow_;  // the signatures kept as they are once shrinking starts
};

}  // namespace ddsim::trace
