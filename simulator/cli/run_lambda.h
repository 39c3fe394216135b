#pragma once
// The "lambda" section of a `ddsim run` scenario: a simulated-Lambda plan (docs/lambda.md) that
// the same scenario file drives. A scenario with only name/description/seed and "lambda" runs the
// plan alone; one with pipeline keys too runs the pipeline first, then the plan, and reports both.
#include <nlohmann/json.hpp>

#include <atomic>
#include <optional>
#include <string>

#include "core/common/status.h"
#include "simulator/lambda/plan.h"

namespace ddsim::cli {

struct LambdaSection {
  lambda::Plan plan;
  bool only = false;  // the scenario has nothing else to run
};

// Takes "lambda" out of `doc` (so the scenario loader never sees it) and parses it, errors named
// `<source>: $.lambda.<path>: ...`. The plan's name and seed default to the scenario's; an
// extension command named `ddsim` runs `self_binary` (this ddsim). nullopt when there is none.
common::Result<std::optional<LambdaSection>> takeLambdaSection(nlohmann::json& doc, const std::string& source,
                                                               const std::string& self_binary);

// Runs the plan; its console summary goes to stdout. Returns the report as JSON and whether
// every expectation held.
struct LambdaSectionResult {
  nlohmann::json report;
  bool passed = false;
};
LambdaSectionResult runLambdaSection(const lambda::Plan& plan, const std::atomic<bool>* stop);

}  // namespace ddsim::cli
