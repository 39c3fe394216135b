#pragma once
// The run's accounting identity: at every stage, what went in equals what came out plus what
// was dropped with a reason (plus what is legitimately still held, e.g. on disk). A run whose
// identities do not hold fails loudly: something was lost without a reason.
#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace ddsim::runner {

struct StageBalance {
  std::string stage;      // "transport", "aggregator_input", ...
  std::string unit;       // "packets", "samples", "series", "transactions", "payloads"
  int64_t in = 0;
  int64_t out = 0;
  std::map<std::string, int64_t> dropped;  // reason -> count
  std::map<std::string, int64_t> held;     // legitimately still inside (e.g. "on_disk")
  std::string note;

  int64_t droppedTotal() const;
  int64_t heldTotal() const;
  bool holds() const { return in == out + droppedTotal() + heldTotal(); }
  nlohmann::json toJson() const;
};

struct Accounting {
  std::vector<StageBalance> stages;
  bool holds() const;
  // Every drop as "<stage>.<reason>" -> count.
  std::map<std::string, int64_t> drops() const;
  // The unit each drop of drops() counts in ("<stage>.<reason>" -> "transactions", "samples"...).
  std::map<std::string, std::string> dropUnits() const;
  // What was lost (drops that are not by design), per unit: counts in different units
  // (a transaction carries thousands of samples) are never added together.
  std::map<std::string, int64_t> lossByUnit() const;
  // The stages that do not balance, described ("forwarder: in 120 != out 100 + dropped 10 + held 0 (10 unaccounted)").
  std::vector<std::string> failures() const;
  nlohmann::json toJson() const;
};

// Every telemetry key under `prefix` with a non-zero value, the prefix removed.
std::map<std::string, int64_t> countsUnder(const std::map<std::string, double>& telemetry, const std::string& prefix);

// Drop reasons that are the agent's intended behaviour rather than a loss: a "no loss"
// expectation ignores them (e.g. NoIndex series are never sent as v1 JSON, spec §5.4).
bool isByDesignDrop(const std::string& qualified_reason);

}  // namespace ddsim::runner
