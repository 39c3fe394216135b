#pragma once
// The dashboard's fault panel, Qt-free: what the user picked (endpoint, effect, probability,
// duration) turned into a fakeintake fault rule (docs/fakeintake-api.md, "Faults") and the label
// of its marker. The panel's widgets only fill this in.
#include <string>

#include <nlohmann/json.hpp>

namespace ddsim::gui {

struct FaultForm {
  enum class Effect { kStatus, kLatency, kTimeout, kReset, kOutage };
  std::string route = "/api/v2/series";  // "*" for every route
  Effect effect = Effect::kStatus;
  int status = 503;             // kStatus: 400, 403, 413, 429, 500, 503
  int retry_after_s = 0;        // kStatus 429: Retry-After seconds (0: none)
  std::string latency_distribution = "fixed";  // kLatency: fixed, uniform, exponential, normal
  double latency_ms = 500;      // fixed: the latency; exponential, normal: the mean; uniform: the max
  double latency_spread_ms = 0; // uniform: the min; normal: the standard deviation
  double probability = 1.0;
  double duration_s = 60;       // 0: until the run ends

  nlohmann::json toRule() const;
  // "503 on /api/v2/series (p=0.5, 60 s)".
  std::string label() const;
};

}  // namespace ddsim::gui
