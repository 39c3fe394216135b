#include "core/trace/rare_sampler.h"

#include <algorithm>

#include "core/trace/score_sampler.h"

namespace ddsim::trace {

bool isTopLevelOrMeasured(const Span& s) {
  if (isTopLevel(s)) return true;
  auto it = s.metrics.find("_dd.measured");
  return it != s.metrics.end() && it->second == 1;
}

RareSampler::RareSampler(RareSamplerOptions options)
    : options_(options), tokens_(static_cast<double>(options.burst)) {}

RareSampler::Shard& RareSampler::shard(const std::string& env, const std::string& service) {
  return shards_[{env, service}];
}

uint32_t RareSampler::sign(const Shard& sh, const Span& s) const {
  // computeSpanHash(span, "", true): the env is the shard's, not part of the hash.
  const uint32_t h = spanHash(s, "", true);
  return sh.shrunk ? h % static_cast<uint32_t>(options_.cardinality) : h;
}

void RareSampler::record(Shard& sh, const Span& s, int64_t expire) {
  const uint32_t sig = sign(sh, s);
  auto it = sh.expires.find(sig);
  if (it != sh.expires.end() && expire - it->second < options_.renewal_ns) return;
  sh.expires[sig] = expire;
  if (sh.expires.size() > options_.cardinality) {
    // shrink: every signature folded modulo the cardinality, the latest expiry kept per fold
    // (the agent keeps whichever its map iteration writes last).
    std::unordered_map<uint32_t, int64_t> folded;
    for (const auto& [h, e] : sh.expires) {
      int64_t& slot = folded[h % static_cast<uint32_t>(options_.cardinality)];
      slot = std::max(slot, e);
    }
    sh.expires = std::move(folded);
    sh.shrunk = true;
    ++counters_.shrinks;
  }
}

bool RareSampler::allow(int64_t now_ns) {
  // A token bucket (golang.org/x/time/rate): `tps` tokens a second up to `burst`, full at start.
  if (started_ && now_ns > last_ns_) {
    tokens_ = std::min(static_cast<double>(options_.burst),
                       tokens_ + static_cast<double>(now_ns - last_ns_) * 1e-9 * options_.tps);
  }
  if (!started_ || now_ns > last_ns_) last_ns_ = now_ns;
  started_ = true;
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

bool RareSampler::sample(int64_t now_ns, TraceChunk& chunk, const std::string& env) {
  bool sampled = false;
  for (Span& s : chunk.spans) {
    if (!isTopLevelOrMeasured(s)) continue;
    Shard& sh = shard(env, s.service);
    auto it = sh.expires.find(sign(sh, s));
    if (it != sh.expires.end() && now_ns <= it->second) continue;  // seen within the cooldown
    if (allow(now_ns)) {
      record(sh, s, now_ns + options_.cooldown_ns);
      ++counters_.hits;
      s.metrics[std::string(kRareKey)] = 1;
      sampled = true;
      break;
    }
    ++counters_.misses;
  }
  if (sampled) {
    // handlePriorityTrace: the kept chunk's other spans are not rare for the cooldown either.
    for (const Span& s : chunk.spans) {
      if (isTopLevelOrMeasured(s)) record(shard(env, s.service), s, now_ns + options_.cooldown_ns);
    }
  }
  return sampled;
}

}  // namespace ddsim::trace
