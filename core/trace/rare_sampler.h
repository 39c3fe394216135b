#pragma once
// The trace agent's rare sampler (docs/trace-agent.md §7.6, from pkg/trace/sampler/
// rare_sampler.go and pkg/trace/config/config.go): off by default (apm_config.
// enable_rare_sampler). For a chunk with a sampling priority it looks at every top-level or
// measured span; the first whose signature (service, name, resource, error, http.status_code,
// error.type), in its (env, service) shard, was not seen within the cooldown is kept, if the
// token bucket (5 per second, burst 50) allows, and marked with the metric _dd.rare = 1. A kept
// chunk records every one of its top-level or measured spans for the cooldown (5 minutes); a
// record is renewed only when it would gain a minute or more. A shard holding more than the
// cardinality (200) signatures folds them modulo the cardinality from then on. Time is an
// argument (Unix ns); not thread-safe (the processor's lock guards it).
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>

#include "core/trace/trace_chunk.h"

namespace ddsim::trace {

inline constexpr std::string_view kRareKey = "_dd.rare";  // metrics, on the span that made the chunk rare

struct RareSamplerOptions {
  double tps = 5;                              // RareSamplerTPS
  int burst = 50;                              // rareSamplerBurst
  int64_t cooldown_ns = 5 * 60 * 1'000'000'000LL;  // RareSamplerCooldownPeriod
  size_t cardinality = 200;                    // RareSamplerCardinality
  int64_t renewal_ns = 60 * 1'000'000'000LL;   // ttlRenewalPeriod
};

struct RareSamplerCounters {
  uint64_t hits = 0;     // chunks kept as rare
  uint64_t misses = 0;   // unseen signatures the token bucket refused
  uint64_t shrinks = 0;  // shards that folded their signatures
};

class RareSampler {
 public:
  explicit RareSampler(RareSamplerOptions options = {});

  // True when the chunk is kept as rare (one of its spans gets _dd.rare = 1).
  bool sample(int64_t now_ns, TraceChunk& chunk, const std::string& env);
  const RareSamplerCounters& counters() const { return counters_; }

 private:
  struct Shard {
    std::unordered_map<uint32_t, int64_t> expires;  // signature -> expiry (Unix ns)
    bool shrunk = false;
  };
  Shard& shard(const std::string& env, const std::string& service);
  uint32_t sign(const Shard& sh, const Span& s) const;
  void record(Shard& sh, const Span& s, int64_t expire);
  bool allow(int64_t now_ns);

  RareSamplerOptions options_;
  std::map<std::pair<std::string, std::string>, Shard> shards_;
  double tokens_;
  int64_t last_ns_ = 0;
  bool started_ = false;
  RareSamplerCounters counters_;
};

// traceutil.HasTopLevel || traceutil.IsMeasured.
bool isTopLevelOrMeasured(const Span& s);

}  // namespace ddsim::trace
