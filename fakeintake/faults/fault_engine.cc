#include "fakeintake/faults/fault_engine.h"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "fakeintake/core/base64.h"

namespace ddsim::fakeintake {

using nlohmann::json;

void FaultEngine::resolve(FaultRule& r, common::SystemTime now) const {
  using SD = common::SystemTime::duration;
  if (r.start_after && !r.window_start) {
    r.window_start = now + std::chrono::duration_cast<SD>(*r.start_after);
  }
  if (r.duration && !r.window_end) {
    common::SystemTime start = r.window_start.value_or(now);
    r.window_end = start + std::chrono::duration_cast<SD>(*r.duration);
  }
  r.start_after.reset();
  r.duration.reset();
}

void FaultEngine::setRules(std::vector<FaultRule> rules, common::SystemTime now) {
  std::lock_guard lock(mu_);
  rules_.clear();
  for (auto& r : rules) {
    resolve(r, now);
    rules_.push_back(RuleState{std::move(r)});
  }
}

void FaultEngine::appendRules(std::vector<FaultRule> rules, common::SystemTime now) {
  std::lock_guard lock(mu_);
  for (auto& r : rules) {
    resolve(r, now);
    rules_.push_back(RuleState{std::move(r)});
  }
}

bool FaultEngine::setRulesWithin(std::vector<FaultRule> rules, common::SystemTime now, size_t max_rules) {
  if (rules.size() > max_rules) return false;
  setRules(std::move(rules), now);
  return true;
}

bool FaultEngine::appendRulesWithin(std::vector<FaultRule> rules, common::SystemTime now, size_t max_rules) {
  std::lock_guard lock(mu_);
  if (rules_.size() + rules.size() > max_rules) return false;
  for (auto& r : rules) {
    resolve(r, now);
    rules_.push_back(RuleState{std::move(r)});
  }
  return true;
}

size_t FaultEngine::ruleCount() const {
  std::lock_guard lock(mu_);
  return rules_.size();
}

bool FaultEngine::setOverrideWithin(ResponseOverride o, size_t max_overrides) {
  std::lock_guard lock(mu_);
  auto key = std::make_pair(o.method, o.endpoint);
  if (overrides_.count(key) == 0 && overrides_.size() >= max_overrides) return false;
  overrides_[key] = std::move(o);
  return true;
}

void FaultEngine::clearRules() {
  std::lock_guard lock(mu_);
  rules_.clear();
}

void FaultEngine::setOverride(ResponseOverride o) {
  std::lock_guard lock(mu_);
  auto key = std::make_pair(o.method, o.endpoint);
  overrides_[key] = std::move(o);
}

void FaultEngine::clearOverrides() {
  std::lock_guard lock(mu_);
  overrides_.clear();
}

bool FaultEngine::inWindow(const FaultRule& r, common::SystemTime now) const {
  if (r.window_start && now < *r.window_start) return false;
  if (r.window_end && now >= *r.window_end) return false;
  return true;
}

common::Duration FaultEngine::sampleLatency(const LatencySpec& spec) {
  double ms = 0;
  switch (spec.distribution) {
    case LatencyDistribution::kFixed: ms = spec.ms; break;
    case LatencyDistribution::kUniform: ms = random_.uniform(spec.min_ms, spec.max_ms); break;
    case LatencyDistribution::kExponential: ms = random_.exponential(spec.ms); break;
    case LatencyDistribution::kNormal: ms = random_.normal(spec.ms, spec.stddev_ms); break;
  }
  if (spec.distribution != LatencyDistribution::kUniform) {
    ms = std::max(ms, spec.min_ms);
    if (spec.max_ms > 0) ms = std::min(ms, spec.max_ms);
  }
  if (!std::isfinite(ms) || ms < 0) ms = 0;
  return std::chrono::duration_cast<common::Duration>(std::chrono::duration<double, std::milli>(ms));
}

FaultDecision FaultEngine::evaluate(std::string_view method, std::string_view path,
                                    common::SystemTime now) {
  std::lock_guard lock(mu_);
  FaultDecision d;
  for (size_t i = 0; i < rules_.size(); ++i) {
    RuleState& s = rules_[i];
    const FaultRule& r = s.rule;
    if (!r.matches(method, path) || !inWindow(r, now)) continue;
    if (r.count && s.applied >= *r.count) continue;
    ++s.matched;
    if (s.matched <= r.skip) continue;
    if (r.probability < 1.0 && !random_.bernoulli(r.probability)) continue;
    ++s.applied;
    ++applied_total_;
    d.applies = true;
    d.rule_id = r.id.empty() ? std::string("#").append(std::to_string(i)) : r.id;
    d.status = r.status;
    d.body = r.body;
    d.content_type = r.content_type;
    d.retry_after_s = r.retry_after_s;
    if (r.latency) d.latency = sampleLatency(*r.latency);
    d.reset = r.reset;
    d.never_answer = r.never_answer;
    d.store = r.storesPayload();
    return d;
  }
  auto it = overrides_.find(std::make_pair(std::string(method), std::string(path)));
  if (it != overrides_.end()) {
    ++applied_total_;
    d.applies = true;
    d.rule_id = "override";
    d.status = it->second.status_code;
    d.body = it->second.body;
    d.content_type = it->second.content_type;
    d.store = true;  // agent fakeintake behaviour: the payload is stored, then the override answers
  }
  return d;
}

json FaultEngine::stateJson(common::SystemTime now) const {
  std::lock_guard lock(mu_);
  json rules = json::array();
  for (const auto& s : rules_) {
    json j = faultRuleToJson(s.rule);
    json st;
    st["matched"] = s.matched;
    st["applied"] = s.applied;
    st["remaining"] = s.rule.count ? json(std::max<int64_t>(0, *s.rule.count - s.applied)) : json(nullptr);
    st["active"] = inWindow(s.rule, now) && (!s.rule.count || s.applied < *s.rule.count);
    j["state"] = st;
    rules.push_back(std::move(j));
  }
  json overrides = json::array();
  for (const auto& [key, o] : overrides_) {
    overrides.push_back({{"endpoint", o.endpoint},
                         {"method", o.method},
                         {"status_code", o.status_code},
                         {"content_type", o.content_type},
                         {"body", base64Encode(o.body)}});
  }
  return json{{"rules", rules}, {"overrides", overrides}, {"seed", random_.seed()}};
}

uint64_t FaultEngine::appliedTotal() const {
  std::lock_guard lock(mu_);
  return applied_total_;
}

}  // namespace ddsim::fakeintake
