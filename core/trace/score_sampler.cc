#include "core/trace/score_sampler.h"

#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

namespace ddsim::trace {

namespace {

constexpr uint32_t kFnvOffset = 2166136261u;
constexpr uint32_t kFnvPrime = 16777619u;
// scoresampler.go shrinkCardinality: past half of it, new signatures share 100 buckets.
constexpr size_t kShrinkCardinality = 200;

// Keys as std::string once: a key built per lookup is heap-allocated past 15 bytes.
const std::string kStatusCodeKey = "http.status_code";
const std::string kErrorTypeKey = "error.type";
const std::string kSampleRateKey = "_sample_rate";

void fnv(uint32_t& h, std::string_view data) {
  for (unsigned char c : data) {
    h ^= c;
    h *= kFnvPrime;
  }
}

}  // namespace

uint32_t spanHash(const Span& s, const std::string& env, bool with_resource) {
  uint32_t h = kFnvOffset;
  fnv(h, env);
  fnv(h, s.service);
  fnv(h, s.name);
  h ^= static_cast<uint8_t>(s.error);
  h *= kFnvPrime;
  if (with_resource) fnv(h, s.resource);
  if (auto it = s.meta.find(kStatusCodeKey); it != s.meta.end()) fnv(h, it->second);
  if (auto it = s.meta.find(kErrorTypeKey); it != s.meta.end()) fnv(h, it->second);
  return h;
}

uint32_t traceSignature(const Trace& spans, const Span& root, const std::string& env) {
  std::vector<uint32_t> hashes;
  hashes.reserve(spans.size());
  for (const Span& s : spans) hashes.push_back(spanHash(s, env, false));
  std::sort(hashes.begin(), hashes.end());
  hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
  uint32_t h = spanHash(root, env, true);
  for (uint32_t x : hashes) h ^= x;
  return h;
}

bool sampleByRate(uint64_t trace_id, double rate) {
  constexpr uint64_t kKnuthFactor = 1111111111111111111ULL;
  if (rate >= 1) return true;
  if (!(rate > 0)) return false;  // also NaN
  const double bound = rate * static_cast<double>(std::numeric_limits<uint64_t>::max());
  if (bound >= 18446744073709551616.0) return true;  // defensive: 2^64 is no uint64
  return trace_id * kKnuthFactor < static_cast<uint64_t>(bound);
}

ScoreSampler::ScoreSampler(double target_tps, std::string rate_key)
    : core_(target_tps), rate_key_(std::move(rate_key)), disabled_(target_tps == 0) {}

std::string ScoreSampler::shrink(uint32_t signature) {
  std::string sig = std::to_string(signature);
  if (core_.signatures() < kShrinkCardinality / 2) {
    shrinking_ = false;
    return sig;
  }
  if (!shrinking_) {
    shrinking_ = true;
    allow_ = core_.rates();
  }
  if (allow_.count(sig) != 0) return sig;
  return std::to_string(signature % (kShrinkCardinality / 2));
}

bool ScoreSampler::sample(int64_t now_s, TraceChunk& chunk, size_t root_index, const std::string& env) {
  if (disabled_ || chunk.spans.empty()) return false;
  Span& root = chunk.spans[root_index];
  const std::string sig = shrink(traceSignature(chunk.spans, root, env));
  core_.countWeighted(now_s, sig, rootWeight(root));
  const double rate = core_.signatureRate(sig);
  // applySampleRate: the trace's client rate (GetGlobalRate, 1 when absent) times this one.
  auto client = root.metrics.find(kSampleRateKey);
  const double client_rate = client == root.metrics.end() ? 1.0 : client->second;
  if (!sampleByRate(root.trace_id, client_rate * rate)) return false;
  root.metrics[rate_key_] = rate;
  return true;
}

}  // namespace ddsim::trace
