#include "core/trace/priority_sampler.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace ddsim::trace {

namespace {

// The busiest of the buckets still in the window after a rotation from previous to new, and the
// buckets with the expired ones zeroed (coresampler.go zeroAndGetMax): the bucket being reused
// counts once more before it is zeroed.
template <typename Buckets>
float zeroAndGetMax(Buckets& buckets, int64_t previous, int64_t next) {
  const auto n = static_cast<int64_t>(buckets.size());
  float max = 0;
  for (int64_t i = previous + 1; i <= previous + n; ++i) {
    auto& b = buckets[static_cast<size_t>(i % n)];
    if (i < next) {
      b = 0;
      continue;
    }
    max = std::max(max, b);
    if (i == next) b = 0;
  }
  return max;
}

// sampler/signature.go ServiceSignature.String, written into `out` (a buffer reused per chunk).
void serviceKeyInto(std::string& out, const std::string& service, const std::string& env) {
  out.assign("service:");
  out += service;
  out += ",env:";
  out += env;
}

std::string serviceKey(const std::string& service, const std::string& env) {
  std::string out;
  serviceKeyInto(out, service, env);
  return out;
}

// Metric keys as std::string once: the span maps take std::string keys, and a key built per
// lookup (heap-allocated past 15 bytes) showed in the benchmark.
const std::string kSampleRateKey = "_sample_rate";
const std::string kPreSampleRateKey = "_dd1.sr.rapre";
const std::string kAgentRateKey = "_dd.agent_psr";
const std::string kRuleRateKey = "_dd.rule_psr";
const std::string kPriorityRateKey = "_sampling_priority_rate_v1";

// A root's rate metric when it is in (0, 1], else 1.
double rateMetric(const Span& root, const std::string& key) {
  auto it = root.metrics.find(key);
  return it == root.metrics.end() || it->second <= 0 || it->second > 1 ? 1.0 : it->second;
}

}  // namespace

float rootWeight(const Span& root) {
  return static_cast<float>(1.0 / (rateMetric(root, kSampleRateKey) * rateMetric(root, kPreSampleRateKey)));
}

double tpsPerSignature(double target_tps, std::vector<double> seen_tps) {
  std::sort(seen_tps.begin(), seen_tps.end());
  double target = target_tps / static_cast<double>(seen_tps.size());
  for (size_t i = 0; i < seen_tps.size(); ++i) {
    if (seen_tps[i] >= target || i == seen_tps.size() - 1) break;
    target_tps -= seen_tps[i];
    target = target_tps / static_cast<double>(seen_tps.size() - i - 1);
  }
  return target;
}

bool CoreSampler::countWeighted(int64_t now_s, const std::string& signature, float weight) {
  const int64_t bucket = now_s / kBucketSeconds;
  const int64_t previous = last_bucket_;
  last_bucket_ = bucket;
  const bool update = previous != bucket;
  if (update) updateRates(previous, bucket);
  const size_t slot = static_cast<size_t>(bucket % static_cast<int64_t>(kBuckets));
  all_seen_[slot] += weight;
  seen_[signature][slot] += weight;
  return update;
}

void CoreSampler::updateRates(int64_t previous, int64_t next) {
  if (seen_.empty()) return;
  std::vector<std::pair<std::string, double>> seen_tps;
  for (auto& [sig, buckets] : seen_) {
    seen_tps.emplace_back(sig, zeroAndGetMax(buckets, previous, next) / static_cast<double>(kBucketSeconds));
  }
  zeroAndGetMax(all_seen_, previous, next);
  std::vector<double> values;
  for (const auto& [sig, tps] : seen_tps) values.push_back(tps);
  const double per_sig = tpsPerSignature(target_tps_, values);
  std::map<std::string, double> rates;
  lowest_rate_ = 1;
  for (const auto& [sig, tps] : seen_tps) {
    double rate = per_sig < tps && tps > 0 ? per_sig / tps : 1.0;
    if (auto it = rates_.find(sig); it != rates_.end() && it->second != 0 && rate / it->second > kMaxRateIncrease) {
      rate = it->second * kMaxRateIncrease;
    }
    rate = std::min(rate, 1.0);
    if (rate == 1.0 && tps == 0) {  // no traffic left: forgotten
      seen_.erase(sig);
      continue;
    }
    lowest_rate_ = std::min(lowest_rate_, rate);
    rates[sig] = rate;
  }
  rates_ = std::move(rates);
}

double CoreSampler::signatureRate(const std::string& signature) const {
  auto it = rates_.find(signature);
  return it == rates_.end() ? defaultRate() : it->second * extra_rate_;
}

double CoreSampler::defaultRate() const {
  if (target_tps_ == 0) return 0;
  const float max_seen = *std::max_element(all_seen_.begin(), all_seen_.end());
  const double seen_tps = max_seen / static_cast<double>(kBucketSeconds);
  double rate = target_tps_ < seen_tps && seen_tps > 0 ? target_tps_ / seen_tps : 1.0;
  if (lowest_rate_ < rate && lowest_rate_ != 0) return lowest_rate_;
  return rate;
}

PrioritySampler::PrioritySampler(double target_tps, std::string agent_env)
    : core_(target_tps), agent_env_(std::move(agent_env)) {}

bool PrioritySampler::sample(int64_t now_s, TraceChunk& chunk, size_t root_index, const std::string& tracer_env,
                             double client_dropped_p0_weight) {
  if (chunk.spans.empty()) return false;
  const bool sampled = chunk.priority > 0;
  // Only the tracer's automatic decisions (0, 1) feed the rates it is sent back.
  if (chunk.priority < 0 || chunk.priority > 1) return sampled;
  Span& root = chunk.spans[root_index];
  const std::string& env = tracer_env.empty() ? agent_env_ : tracer_env;
  std::string& sig = signature_;
  serviceKeyInto(sig, root.service, env);
  if (catalog_.find(sig) == catalog_.end()) catalog_.emplace(sig, std::make_pair(root.service, env));
  if (core_.countWeighted(now_s, sig, rootWeight(root) + static_cast<float>(client_dropped_p0_weight))) {
    auto rates = ratesByService();
    if (rates != published_) {
      published_ = std::move(rates);
      ++version_;
    }
  }
  // applyRate: a kept root without any rate metric gets the signature's rate.
  if (sampled && root.parent_id == 0 && !root.metrics.count(kAgentRateKey) && !root.metrics.count(kRuleRateKey) &&
      !root.metrics.count(kPriorityRateKey)) {
    root.metrics.emplace(kPriorityRateKey, core_.signatureRate(sig));
  }
  return sampled;
}

std::map<std::string, double> PrioritySampler::ratesByService() const {
  std::map<std::string, double> out;
  for (const auto& [sig, key] : catalog_) {
    auto it = core_.rates().find(sig);
    if (it == core_.rates().end()) continue;
    const double rate = it->second * core_.extraRate();
    out[sig] = rate;
    if (key.second == agent_env_) out[serviceKey(key.first, "")] = rate;
  }
  out[serviceKey("", "")] = core_.defaultRate();
  return out;
}

}  // namespace ddsim::trace
