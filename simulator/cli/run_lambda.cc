#include "simulator/cli/run_lambda.h"

#include <iostream>

#include "simulator/lambda/lambda_runner.h"
#include "simulator/lambda/plan_loader.h"

namespace ddsim::cli {

common::Result<std::optional<LambdaSection>> takeLambdaSection(nlohmann::json& doc, const std::string& source,
                                                               const std::string& self_binary) {
  if (!doc.is_object() || !doc.contains("lambda")) return std::optional<LambdaSection>{};
  nlohmann::json section = std::move(doc["lambda"]);
  doc.erase("lambda");
  auto plan = lambda::parsePlan(section, source, "$.lambda");
  if (!plan.isOk()) return plan.status();
  LambdaSection out;
  out.plan = std::move(plan).value();
  if (section.is_object()) {
    if (!section.contains("name") && doc.contains("name") && doc["name"].is_string()) out.plan.name = doc["name"];
    if (!section.contains("seed") && doc.contains("seed") && doc["seed"].is_number_unsigned()) {
      out.plan.seed = doc["seed"].get<uint64_t>();
    }
  }
  if (!out.plan.extension.empty() && out.plan.extension[0] == "ddsim" && !self_binary.empty()) {
    out.plan.extension[0] = self_binary;
  }
  if (auto st = lambda::validatePlan(out.plan); !st) {
    // validatePlan names "$.<key>"; in a scenario the plan lives under $.lambda.
    std::string msg = st.message();
    if (auto at = msg.find(": $."); at != std::string::npos) msg.replace(at, 4, ": $.lambda.");
    return common::invalidArgument(msg);
  }
  out.only = true;
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (it.key() != "name" && it.key() != "description" && it.key() != "seed" && it.key() != "$schema") {
      out.only = false;
    }
  }
  return std::optional<LambdaSection>{std::move(out)};
}

LambdaSectionResult runLambdaSection(const lambda::Plan& plan, const std::atomic<bool>* stop) {
  const lambda::LambdaReport report = lambda::runPlan(plan, common::SystemClock::instance(), stop);
  std::cout << lambda::consoleSummary(report);
  return {lambda::reportToJson(report), report.passed()};
}

}  // namespace ddsim::cli
