#pragma once
// Decides, per request, which fault (if any) applies: first the ordered rule schedule, then the
// agent fakeintake's static overrides (POST /fakeintake/configure/override). Rules read time
// from the caller (the handler's injected clock) so outages run in virtual time; randomness
// comes from a seeded common::Random, so a seed reproduces which requests fail.
// Thread-safe (one mutex; the Random is only touched under it).
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/common/clock.h"
#include "core/common/random.h"
#include "fakeintake/faults/fault_rule.h"

namespace ddsim::fakeintake {

// The agent fakeintake's ResponseOverride (api.ResponseOverride).
struct ResponseOverride {
  std::string endpoint;
  std::string method = "POST";
  int status_code = 200;
  std::string content_type;
  std::string body;  // decoded bytes (base64 on the wire)
};

struct FaultDecision {
  bool applies = false;
  std::string rule_id;             // the rule's id, "#<index>", or "override"
  std::optional<int> status;       // answer with this instead of the normal answer
  std::string body;
  std::string content_type;
  std::optional<int64_t> retry_after_s;
  common::Duration latency{0};
  bool reset = false;
  bool never_answer = false;
  bool store = true;               // whether the body is still stored
};

class FaultEngine {
 public:
  explicit FaultEngine(uint64_t seed) : random_(seed) {}

  // Replaces the schedule. Relative windows resolve against `now`.
  void setRules(std::vector<FaultRule> rules, common::SystemTime now);
  // Appends to the schedule.
  void appendRules(std::vector<FaultRule> rules, common::SystemTime now);
  // The same, refused (false, nothing changed) when the schedule would then hold more than
  // `max_rules` rules: the control API's bound on what a client can make it keep.
  bool setRulesWithin(std::vector<FaultRule> rules, common::SystemTime now, size_t max_rules);
  bool appendRulesWithin(std::vector<FaultRule> rules, common::SystemTime now, size_t max_rules);
  void clearRules();
  size_t ruleCount() const;
  void setOverride(ResponseOverride o);
  // Refused (false) when it would add an override beyond `max_overrides`.
  bool setOverrideWithin(ResponseOverride o, size_t max_overrides);
  void clearOverrides();

  // The fault for one request at `now` (consumes counts and random draws).
  FaultDecision evaluate(std::string_view method, std::string_view path, common::SystemTime now);

  // {"rules":[{...rule..., "state":{"matched":N,"applied":N,"remaining":N|null,"active":bool}}],
  //  "overrides":[...]}
  nlohmann::json stateJson(common::SystemTime now) const;
  uint64_t appliedTotal() const;

 private:
  struct RuleState {
    FaultRule rule;
    int64_t matched = 0;  // matching requests inside the window
    int64_t applied = 0;
  };
  void resolve(FaultRule& r, common::SystemTime now) const;
  bool inWindow(const FaultRule& r, common::SystemTime now) const;
  common::Duration sampleLatency(const LatencySpec& spec);

  mutable std::mutex mu_;
  common::Random random_;
  std::vector<RuleState> rules_;
  std::map<std::pair<std::string, std::string>, ResponseOverride> overrides_;  // (method, path)
  uint64_t applied_total_ = 0;
};

}  // namespace ddsim::fakeintake
