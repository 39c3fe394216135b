#pragma once
// The human-readable end-of-run summary printed by `ddsim run`, rendered from the JSON report.
#include <nlohmann/json.hpp>

#include <string>

namespace ddsim::report {

std::string consoleSummary(const nlohmann::json& report);

}  // namespace ddsim::report
