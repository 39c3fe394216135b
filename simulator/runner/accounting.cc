#include "simulator/runner/accounting.h"

namespace ddsim::runner {

int64_t StageBalance::droppedTotal() const {
  int64_t t = 0;
  for (const auto& [k, v] : dropped) t += v;
  return t;
}

int64_t StageBalance::heldTotal() const {
  int64_t t = 0;
  for (const auto& [k, v] : held) t += v;
  return t;
}

nlohmann::json StageBalance::toJson() const {
  nlohmann::json j = {{"stage", stage}, {"unit", unit},       {"in", in},
                      {"out", out},     {"dropped", dropped}, {"held", held},
                      {"holds", holds()}};
  if (!holds()) j["unaccounted"] = in - out - droppedTotal() - heldTotal();
  if (!note.empty()) j["note"] = note;
  return j;
}

bool Accounting::holds() const {
  for (const auto& s : stages) {
    if (!s.holds()) return false;
  }
  return true;
}

std::map<std::string, int64_t> Accounting::drops() const {
  std::map<std::string, int64_t> out;
  for (const auto& s : stages) {
    for (const auto& [reason, n] : s.dropped) {
      if (n) out[s.stage + "." + reason] += n;
    }
  }
  return out;
}

std::map<std::string, std::string> Accounting::dropUnits() const {
  std::map<std::string, std::string> out;
  for (const auto& s : stages) {
    for (const auto& [reason, n] : s.dropped) {
      if (n) out[s.stage + "." + reason] = s.unit;
    }
  }
  return out;
}

std::map<std::string, int64_t> Accounting::lossByUnit() const {
  std::map<std::string, int64_t> out;
  for (const auto& s : stages) {
    for (const auto& [reason, n] : s.dropped) {
      if (n && !isByDesignDrop(s.stage + "." + reason)) out[s.unit] += n;
    }
  }
  return out;
}

std::vector<std::string> Accounting::failures() const {
  std::vector<std::string> out;
  for (const auto& s : stages) {
    if (s.holds()) continue;
    out.push_back(s.stage + " (" + s.unit + "): in " + std::to_string(s.in) + " != out " + std::to_string(s.out) +
                  " + dropped " + std::to_string(s.droppedTotal()) + " + held " + std::to_string(s.heldTotal()) + " (" +
                  std::to_string(s.in - s.out - s.droppedTotal() - s.heldTotal()) + " unaccounted)");
  }
  return out;
}

nlohmann::json Accounting::toJson() const {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& s : stages) a.push_back(s.toJson());
  return {{"holds", holds()}, {"stages", a}};
}

std::map<std::string, int64_t> countsUnder(const std::map<std::string, double>& t, const std::string& prefix) {
  std::map<std::string, int64_t> out;
  for (auto it = t.lower_bound(prefix); it != t.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    if (it->second != 0) out[it->first.substr(prefix.size())] = static_cast<int64_t>(it->second);
  }
  return out;
}

bool isByDesignDrop(const std::string& r) {
  auto ends = [&](std::string_view suffix) {
    return r.size() >= suffix.size() && r.compare(r.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  // The trace samplers' decisions are the agent's design, not a loss.
  // So are the P0 traces a tracer with client-side stats drops itself (spec §8.6).
  return ends(".no_index") || ends(".disabled") || r.rfind("trace_processor.sampled_out_", 0) == 0 ||
         r.rfind("trace_receiver.client_dropped_p0_", 0) == 0;
}

}  // namespace ddsim::runner
