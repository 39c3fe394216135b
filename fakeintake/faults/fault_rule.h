#pragma once
// Scripted faults: a rule says which requests it matches (route, method), when it applies
// (time window, skip the first N, at most `count` times, with a probability) and what happens
// (status + body, Retry-After, latency fixed or from a distribution, connection reset, never
// answering). The JSON form is documented in docs/fakeintake-api.md ("Faults").
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/common/clock.h"
#include "core/common/status.h"

namespace ddsim::fakeintake {

enum class LatencyDistribution { kFixed, kUniform, kExponential, kNormal };

struct LatencySpec {
  LatencyDistribution distribution = LatencyDistribution::kFixed;
  double ms = 0;         // fixed: the latency; exponential, normal: the mean
  double min_ms = 0;     // uniform: lower bound; every distribution: clamp below
  double max_ms = 0;     // uniform: upper bound; others: clamp above when > 0
  double stddev_ms = 0;  // normal
};

struct FaultRule {
  std::string id;               // optional name, shown in state and headers
  std::string route = "*";      // exact path, "*" for every route, or "prefix*"
  std::string method = "POST";  // upper case, or "*"

  // Effect. A rule with only a latency delays the normal answer.
  std::optional<int> status;
  std::string body;                           // response body for `status`
  std::string content_type = "application/json";
  std::optional<int64_t> retry_after_s;       // adds Retry-After: <seconds>
  std::optional<LatencySpec> latency;
  bool reset = false;                         // reset the connection, no answer
  bool never_answer = false;                  // hold the connection, never answer
  // Whether the body is still stored; default: only when the answer is a success (< 400) and
  // the connection is answered.
  std::optional<bool> store;

  // When it applies (all must hold; rules are tried in order and the first that applies wins).
  double probability = 1.0;                  // rolled with the engine's seeded Random
  std::optional<int64_t> count;              // apply at most this many times
  int64_t skip = 0;                          // let the first N matching requests through
  std::optional<common::SystemTime> window_start;  // absolute window [start, end)
  std::optional<common::SystemTime> window_end;
  // Relative window, resolved against the engine clock when the rule is installed.
  std::optional<common::Duration> start_after;
  std::optional<common::Duration> duration;

  bool storesPayload() const;
  bool matches(std::string_view method, std::string_view path) const;
};

// Parses {"rules":[...]} or a bare array of rules, or a single rule object. Errors name the
// offending field, e.g. "rules[2].latency.distribution: unknown \"foo\"".
common::Result<std::vector<FaultRule>> parseFaultRules(std::string_view json_text);
common::Result<FaultRule> faultRuleFromJson(const nlohmann::json& j, const std::string& where);
nlohmann::json faultRuleToJson(const FaultRule& rule);

}  // namespace ddsim::fakeintake
