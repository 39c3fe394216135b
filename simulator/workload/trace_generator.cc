#include "simulator/workload/trace_generator.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>

#include "simulator/workload/trace_encoding.h"

namespace ddsim::workload {

namespace {

constexpr std::array<const char*, 5> kSpanTypes = {"web", "db", "cache", "http", "custom"};
// Tag and numeric-tag keys come from small pools, so payloads repeat keys as real spans do.
constexpr int64_t kTagKeys = 16;
constexpr int64_t kTagValues = 64;
constexpr int64_t kMetricKeys = 8;
// A child span belongs to another service (a downstream call) this often.
constexpr double kDownstreamProbability = 0.3;

int64_t drawIn(common::Random& rng, const scenario::Range& r) {
  return rng.uniformInt(static_cast<int64_t>(std::llround(r.first)), static_cast<int64_t>(std::llround(r.second)));
}

std::vector<std::string> pool(const char* prefix, int64_t n) {
  std::vector<std::string> out;
  out.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

}  // namespace

std::string_view traceDecisionName(TraceDecision d) {
  switch (d) {
    case TraceDecision::kAuto: return "auto";
    case TraceDecision::kNone: return "none";
    case TraceDecision::kUserReject: return "user_reject";
    case TraceDecision::kAutoReject: return "auto_reject";
    case TraceDecision::kAutoKeep: return "auto_keep";
    case TraceDecision::kUserKeep: return "user_keep";
  }
  return "unknown";
}

common::Result<bool> TracerRates::update(std::string_view body, std::string version) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return common::invalidArgument("the trace agent's answer is not a JSON object");
  auto it = j.find("rate_by_service");
  if (it == j.end()) {  // "{}": the rates are unchanged
    if (!version.empty()) version_ = std::move(version);
    return false;
  }
  if (!it->is_object()) return common::invalidArgument("rate_by_service is not an object");
  std::map<std::string, double> rates;
  for (auto r = it->begin(); r != it->end(); ++r) {
    if (!r->is_number()) return common::invalidArgument("rate_by_service." + r.key() + " is not a number");
    rates[r.key()] = r->get<double>();
  }
  rates_ = std::move(rates);
  if (!version.empty()) version_ = std::move(version);
  return true;
}

double TracerRates::rate(const std::string& service, const std::string& env) const {
  if (auto it = rates_.find("service:" + service + ",env:" + env); it != rates_.end()) return it->second;
  if (auto it = rates_.find("service:,env:"); it != rates_.end()) return it->second;
  return 1.0;
}

TraceGenerator::TraceGenerator(const scenario::TraceWorkload& workload, uint64_t seed)
    : w_(workload),
      rng_(seed),
      services_(pool("svc-", std::max<int64_t>(1, w_.services))),
      operations_(pool("op.", std::max<int64_t>(1, w_.operations))),
      resources_(pool("GET /r/", std::max<int64_t>(1, w_.resources))),
      decision_weights_{w_.weight_auto,        w_.weight_none,      w_.weight_user_reject,
                        w_.weight_auto_reject, w_.weight_auto_keep, w_.weight_user_keep} {
  for (double x : decision_weights_) decision_total_ += x;
}

uint64_t TraceGenerator::newId() {
  // Tracers draw 63-bit ids; 0 means "no parent".
  const uint64_t id = rng_.nextU64() >> 1;
  return id == 0 ? 1 : id;
}

TraceDecision TraceGenerator::drawDecision() {
  if (decision_total_ <= 0) return TraceDecision::kNone;
  double x = rng_.uniform(0, decision_total_);
  for (size_t i = 0; i < decision_weights_.size(); ++i) {
    if (x < decision_weights_[i]) return static_cast<TraceDecision>(i);
    x -= decision_weights_[i];
  }
  return TraceDecision::kAuto;
}

int64_t TraceGenerator::nextPayloadSize() { return std::max<int64_t>(1, drawIn(rng_, w_.traces_per_payload)); }

trace::Trace TraceGenerator::next(int64_t end_ns, const TracerRates& rates) {
  const int64_t n = std::max<int64_t>(1, drawIn(rng_, w_.spans_per_trace));
  const uint64_t trace_id = newId();
  const int64_t root_ns =
      std::max<int64_t>(1000, static_cast<int64_t>(rng_.uniform(w_.duration_ms.first, w_.duration_ms.second) * 1e6));
  trace::Trace t;
  t.reserve(static_cast<size_t>(n));
  std::vector<int64_t> depth;
  depth.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    trace::Span s;
    s.trace_id = trace_id;
    s.span_id = newId();
    if (i == 0) {
      s.service = services_[static_cast<size_t>(rng_.uniformInt(0, static_cast<int64_t>(services_.size()) - 1))];
      s.start = end_ns - root_ns;
      s.duration = root_ns;
      depth.push_back(0);
    } else {
      // A parent above the depth limit; the span fits inside it.
      size_t p = static_cast<size_t>(rng_.uniformInt(0, i - 1));
      while (depth[p] >= w_.depth && p > 0) p = static_cast<size_t>(rng_.uniformInt(0, static_cast<int64_t>(p) - 1));
      const trace::Span& parent = t[p];
      s.parent_id = parent.span_id;
      s.service = rng_.bernoulli(kDownstreamProbability)
                      ? services_[static_cast<size_t>(rng_.uniformInt(0, static_cast<int64_t>(services_.size()) - 1))]
                      : parent.service;
      const int64_t offset = rng_.uniformInt(0, parent.duration / 2);
      s.start = parent.start + offset;
      s.duration = std::max<int64_t>(1, rng_.uniformInt(1, std::max<int64_t>(1, parent.duration - offset)));
      depth.push_back(depth[p] + 1);
    }
    const int64_t op = rng_.uniformInt(0, static_cast<int64_t>(operations_.size()) - 1);
    s.name = operations_[static_cast<size_t>(op)];
    s.resource = resources_[static_cast<size_t>(rng_.uniformInt(0, static_cast<int64_t>(resources_.size()) - 1))];
    s.type = kSpanTypes[static_cast<size_t>(op) % kSpanTypes.size()];
    s.error = rng_.bernoulli(w_.error_ratio) ? 1 : 0;
    s.meta["env"] = w_.env;
    for (int64_t k = drawIn(rng_, w_.tags_per_span); k > 0; --k) {
      s.meta["tag." + std::to_string(rng_.uniformInt(0, kTagKeys - 1))] = "v" + std::to_string(rng_.uniformInt(0, kTagValues - 1));
    }
    for (int64_t k = drawIn(rng_, w_.metrics_per_span); k > 0; --k) {
      s.metrics["metric." + std::to_string(rng_.uniformInt(0, kMetricKeys - 1))] = std::floor(rng_.uniform(0, 1000));
    }
    t.push_back(std::move(s));
  }
  trace::Span& root = t.front();
  const TraceDecision d = drawDecision();
  ++decisions_[d];
  switch (d) {
    case TraceDecision::kAuto: {
      const double r = rates.rate(root.service, w_.env);
      root.metrics["_sampling_priority_v1"] = rng_.bernoulli(r) ? 1 : 0;
      root.metrics["_dd.agent_psr"] = r;
      break;
    }
    case TraceDecision::kNone: break;
    case TraceDecision::kUserReject: root.metrics["_sampling_priority_v1"] = -1; break;
    case TraceDecision::kAutoReject: root.metrics["_sampling_priority_v1"] = 0; break;
    case TraceDecision::kAutoKeep: root.metrics["_sampling_priority_v1"] = 1; break;
    case TraceDecision::kUserKeep: root.metrics["_sampling_priority_v1"] = 2; break;
  }
  if (rng_.bernoulli(w_.invalid_ratio)) t.back().span_id = 0;
  return t;
}

std::string TraceGenerator::encode(const trace::Traces& traces) const {
  return w_.protocol == scenario::TraceProtocol::kV05 ? encodeTracesV05(traces) : encodeTracesV04(traces);
}

std::string_view TraceGenerator::path() const {
  return w_.protocol == scenario::TraceProtocol::kV05 ? "/v0.5/traces" : "/v0.4/traces";
}

}  // namespace ddsim::workload
