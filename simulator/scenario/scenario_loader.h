#pragma once
// Reads scenario JSON into a Scenario, rejecting anything malformed before a run starts.
// Errors name the file, the JSON path and what was expected, one per line, e.g.
//   scenarios/outage.json: $.workloads[0].rate.kind: expected one of constant, linear, step, burst, got "ramp"
#include <functional>
#include <string>
#include <string_view>

#include "core/common/status.h"
#include "simulator/scenario/scenario.h"

namespace ddsim::scenario {

// Checks a fakeintake fault rule (the `rule` of an intake fault); returns an error message or
// "" when valid. The simulator installs the fakeintake's own parser here.
using FaultRuleValidator = std::function<std::string(const nlohmann::json& rule)>;

struct LoadOptions {
  FaultRuleValidator validate_fault_rule;  // optional
};

common::Result<Scenario> parseScenario(const nlohmann::json& doc, std::string_view source_name,
                                       const LoadOptions& options = {});
common::Result<Scenario> parseScenarioText(std::string_view text, std::string_view source_name,
                                           const LoadOptions& options = {});
common::Result<Scenario> loadScenarioFile(const std::string& path, const LoadOptions& options = {});

}  // namespace ddsim::scenario
