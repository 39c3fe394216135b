#pragma once
// Tracer traffic for the simulated trace agent (docs/scenarios.md "traces"): traces of spans
// with a parent tree of bounded depth, services, operations and resources from fixed pools,
// errors, tags and numeric tags, and each trace's sampling decision, as a TraceWorkload
// describes. Deterministic for a seed: the same seed and the same rates give the same traces
// and the same bytes. Not thread-safe.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/random.h"
#include "core/common/status.h"
#include "core/trace/span.h"
#include "simulator/scenario/scenario.h"

namespace ddsim::workload {

// What a tracer knows of the agent's sampling rates: the last rate_by_service answer, and its
// version (sent back as Datadog-Rates-Payload-Version so the agent answers "{}" when unchanged).
// The version starts at "0", as libdatadog's trace exporter does (AgentResponsePayloadVersion):
// the agent only names its version to a tracer that sent one.
class TracerRates {
 public:
  // Reads a /v0.4|5/traces answer body; "{}" keeps the rates. A body that is not the expected
  // JSON is an error and changes nothing.
  // Returns whether the rates changed hands: false for "{}" (unchanged).
  common::Result<bool> update(std::string_view body, std::string version);
  // The rate for a root service in env: "service:<s>,env:<e>", else the default "service:,env:",
  // else 1 (a tracer keeps everything before the agent's first answer).
  double rate(const std::string& service, const std::string& env) const;
  const std::string& version() const { return version_; }
  size_t size() const { return rates_.size(); }

 private:
  std::map<std::string, double> rates_;
  std::string version_ = "0";
};

// The sampling decision a generated trace carries (TraceWorkload's weights).
enum class TraceDecision { kAuto, kNone, kUserReject, kAutoReject, kAutoKeep, kUserKeep };

class TraceGenerator {
 public:
  TraceGenerator(const scenario::TraceWorkload& workload, uint64_t seed);

  // One trace whose root ends at `end_ns` (Unix nanoseconds). An automatic decision samples
  // with rates.rate(root service, env): priority 1 with that probability, else 0, and records
  // the rate on the root (_dd.agent_psr) as tracers do. With invalid_ratio, the last span's id
  // is 0 (a malformed trace the agent refuses).
  trace::Trace next(int64_t end_ns, const TracerRates& rates);
  // How many traces the next request carries (traces_per_payload).
  int64_t nextPayloadSize();
  // The request body and its receiver path.
  std::string encode(const trace::Traces& traces) const;
  std::string_view path() const;

  const std::vector<std::string>& services() const { return services_; }
  // Traces generated so far by decision.
  const std::map<TraceDecision, int64_t>& decisions() const { return decisions_; }

 private:
  TraceDecision drawDecision();
  uint64_t newId();

  scenario::TraceWorkload w_;
  common::Random rng_;
  std::vector<std::string> services_, operations_, resources_;
  std::vector<double> decision_weights_;
  double decision_total_ = 0;
  std::map<TraceDecision, int64_t> decisions_;
};

std::string_view traceDecisionName(TraceDecision d);

}  // namespace ddsim::workload
