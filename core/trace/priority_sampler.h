#pragma once
// The trace agent's priority sampler and the rate computation under it (docs/trace-agent.md
// §7.2, from pkg/trace/sampler/coresampler.go, prioritysampler.go, catalog.go): chunks whose
// tracer decided automatically (priority 0 or 1) are counted by signature (root service, env)
// in six 5-second buckets; on every bucket change each signature gets the rate that spreads the
// target TPS over the signatures' busiest bucket, rising at most 20 % a step; the rates by
// "service:<s>,env:<e>" (plus the default "service:,env:") are what the receiver answers
// tracers. Time is an argument (Unix seconds). Not thread-safe: the processor's lock guards it.
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/trace/trace_chunk.h"

namespace ddsim::trace {

// The per-signature rate engine (coresampler.go Sampler).
class CoreSampler {
 public:
  static constexpr int64_t kBucketSeconds = 5;
  static constexpr size_t kBuckets = 6;
  static constexpr double kMaxRateIncrease = 1.2;

  explicit CoreSampler(double target_tps, double extra_rate = 1.0)
      : target_tps_(target_tps), extra_rate_(extra_rate) {}

  // Counts `weight` chunks of `signature` at `now_s`; returns true when the bucket changed and
  // the rates were recomputed.
  bool countWeighted(int64_t now_s, const std::string& signature, float weight);
  // The rate of a signature (the default rate when it has none yet), times the extra rate.
  double signatureRate(const std::string& signature) const;
  // The rate for signatures not seen: the target over the busiest bucket of all signatures,
  // capped by the lowest signature rate.
  double defaultRate() const;
  const std::map<std::string, double>& rates() const { return rates_; }
  double extraRate() const { return extra_rate_; }
  double targetTps() const { return target_tps_; }
  size_t signatures() const { return seen_.size(); }

 private:
  using Buckets = std::array<float, kBuckets>;
  void updateRates(int64_t previous_bucket, int64_t new_bucket);

  double target_tps_;
  double extra_rate_;
  std::map<std::string, Buckets> seen_;
  Buckets all_seen_{};
  int64_t last_bucket_ = 0;
  std::map<std::string, double> rates_;
  double lowest_rate_ = 0;
};

// How many chunks a root stands for: 1 / (its client _sample_rate x the legacy pre-sampler
// _dd1.sr.rapre), each 1 when absent or outside (0, 1] (sampler/metrics.go weightRoot).
float rootWeight(const Span& root);

// The TPS each signature gets: the target spread evenly, where signatures below their share
// leave the rest to the others (coresampler.go computeTPSPerSig).
double tpsPerSignature(double target_tps, std::vector<double> seen_tps);

class PrioritySampler {
 public:
  // `agent_env`: the agent's default env (a tracer env left empty counts under it).
  PrioritySampler(double target_tps, std::string agent_env);

  // prioritysampler.go Sample: keeps priority > 0 (the tracer's choice); counts chunks of
  // priority 0 and 1 under their root's signature, weighted by the root's _sample_rate and the
  // client-dropped P0 weight; on a kept root without a rate metric sets _sampling_priority_rate_v1.
  bool sample(int64_t now_s, TraceChunk& chunk, size_t root, const std::string& tracer_env,
              double client_dropped_p0_weight);

  // "service:<s>,env:<e>" -> rate, plus "service:,env:" (the default rate); for a signature of
  // the agent's env also "service:<s>,env:" (catalog.go ratesByService).
  std::map<std::string, double> ratesByService() const;
  // Increments when the rates answered to tracers change (the receiver's rates version).
  uint64_t ratesVersion() const { return version_; }
  double targetTps() const { return core_.targetTps(); }

 private:
  CoreSampler core_;
  std::string agent_env_;
  std::map<std::string, std::pair<std::string, std::string>> catalog_;  // signature -> (service, env)
  std::map<std::string, double> published_;
  uint64_t version_ = 0;
  std::string signature_;  // the current chunk's signature, a buffer kept to spare an allocation

};

}  // namespace ddsim::trace
