#include "gui/model/fault_form.h"

#include <cmath>
#include <sstream>

namespace ddsim::gui {

nlohmann::json FaultForm::toRule() const {
  nlohmann::json r = {{"route", route.empty() ? "*" : route}};
  switch (effect) {
    case Effect::kStatus:
      r["status"] = status;
      if (status == 429 && retry_after_s > 0) r["retry_after"] = retry_after_s;
      break;
    case Effect::kOutage:
      r["status"] = 503;
      break;
    case Effect::kLatency: {
      nlohmann::json l = {{"distribution", latency_distribution}};
      if (latency_distribution == "uniform") {
        l["min_ms"] = latency_spread_ms;
        l["max_ms"] = latency_ms;
      } else {
        l["ms"] = latency_ms;
        if (latency_distribution == "normal") l["stddev_ms"] = latency_spread_ms;
      }
      r["latency"] = l;
      break;
    }
    case Effect::kTimeout:
      r["never_answer"] = true;
      break;
    case Effect::kReset:
      r["reset"] = true;
      break;
  }
  // An outage always applies; the other effects roll their probability.
  if (effect != Effect::kOutage && probability < 1.0) r["probability"] = probability;
  if (duration_s > 0) r["window"] = {{"start_after_s", 0}, {"duration_s", duration_s}};
  return r;
}

std::string FaultForm::label() const {
  std::ostringstream o;
  switch (effect) {
    case Effect::kStatus: o << status; break;
    case Effect::kOutage: o << "outage"; break;
    case Effect::kLatency: o << latency_distribution << " latency " << latency_ms << " ms"; break;
    case Effect::kTimeout: o << "timeout"; break;
    case Effect::kReset: o << "connection reset"; break;
  }
  o << " on " << (route.empty() ? "*" : route);
  const bool p = effect != Effect::kOutage && probability < 1.0;
  if (p || duration_s > 0) {
    o << " (";
    if (p) o << "p=" << probability << (duration_s > 0 ? ", " : "");
    if (duration_s > 0) o << std::llround(duration_s) << " s";
    o << ")";
  }
  return o.str();
}

}  // namespace ddsim::gui
