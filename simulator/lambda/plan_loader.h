#pragma once
// Reads a `ddsim lambda --plan` file. Every error names the file, the JSON path and what was
// expected, one per line, e.g.
//   plan.json: $.invocations.rate: expected a number >= 0, got "fast"
// Unknown keys are errors, so a typo never goes unnoticed.
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "core/common/status.h"
#include "simulator/lambda/plan.h"

namespace ddsim::lambda {

// `root_path` names the plan's place in its document in errors ("$", or "$.lambda" for the
// section of a `ddsim run` scenario).
common::Result<Plan> parsePlan(const nlohmann::json& doc, std::string_view source_name,
                               std::string_view root_path = "$");
common::Result<Plan> parsePlanText(std::string_view text, std::string_view source_name);
common::Result<Plan> loadPlanFile(const std::string& path);

// Checks what flags and a file both fill: an extension command, a positive count, bounds. The
// error names the problem as parsePlan does.
common::Status validatePlan(const Plan& plan);

}  // namespace ddsim::lambda
