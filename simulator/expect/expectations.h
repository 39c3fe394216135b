#pragma once
// Checks a scenario's `expect` list at the end of a run, against what the embedded fakeintake
// decoded and what the report measured. Each result says what was expected, what was found,
// and by how much it missed.
#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

#include "fakeintake/handler/intake_handler.h"
#include "simulator/report/report_builder.h"
#include "simulator/scenario/scenario.h"

namespace ddsim::expect {

struct ExpectationResult {
  std::string description;  // e.g. "metric app.requests{env:test} sum = 100 ±1%"
  bool passed = false;
  std::string detail;       // e.g. "got 97 (-3%, allowed ±1%)"
  nlohmann::json toJson() const;
};

// What the run measured, besides the intake's contents.
struct RunFacts {
  std::map<std::string, int64_t> drops;  // every drop by reason ("<stage>.<reason>")
  int64_t loss = 0;                      // drops that are losses (not the agent's by-design skips)
  std::map<std::string, int64_t> loss_by_unit;  // the same, per unit ("transactions", "samples"...)
  int64_t violations = 0;                // intake property violations, all intakes
  std::map<std::string, int64_t> violations_by_property;
  int64_t retries = 0;                   // forwarder retried transactions
  bool accounting_holds = true;
  const report::ReportBuilder* report = nullptr;
  const nlohmann::json* telemetry = nullptr;  // the report's "telemetry" section
  const nlohmann::json* summary = nullptr;    // the report's "summary" section
};

// `intakes`: every embedded intake, the main one first (metric expectations read the main one).
std::vector<ExpectationResult> evaluate(const std::vector<scenario::Expectation>& expectations, const RunFacts& facts,
                                        const std::vector<fakeintake::IntakeHandler*>& intakes, common::SystemTime now);

// Decoded items stored on `route` by `intake` (series, sketches, check runs, events, messages).
int64_t storedItems(fakeintake::IntakeHandler& intake, const std::string& route, common::SystemTime now);

// The metric points matching a metric expectation, from every stored series payload.
std::vector<double> matchingPoints(const scenario::MetricExpectation& e, fakeintake::IntakeHandler& intake,
                                   common::SystemTime now, int64_t* series_matched = nullptr);

}  // namespace ddsim::expect
