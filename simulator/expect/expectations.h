#pragma once
// Checks a scenario's `expect` list at the end of a run, against what the embedded fakeintake
// decoded and what the report measured. Each result says what was expected, what was found,
// and by how much it missed.
#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

#include "core/store/run_store.h"
#include "simulator/report/report_builder.h"
#include "simulator/expect/trace_expectations.h"
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
  const TraceFacts* traces = nullptr;         // the trace path (null: no traces expectation can pass)
};

// Where the intakes' data is: the run store and the intake names in it (the main one first;
// metric expectations read the main one).
struct IntakeData {
  store::RunStore& store;
  std::vector<std::string> intakes;
  std::string main_intake = "main";
};

std::vector<ExpectationResult> evaluate(const std::vector<scenario::Expectation>& expectations, const RunFacts& facts,
                                        const IntakeData& data);

// The metric points matching a metric expectation, from every stored series payload of the
// main intake; `series_matched` gets the number of distinct contexts.
common::Result<std::vector<double>> matchingPoints(const scenario::MetricExpectation& e, const IntakeData& data,
                                                   int64_t* series_matched = nullptr);

// "" when the run store lost nothing of `routes` on the main intake; otherwise what was evicted
// and why (an expectation that needs those routes fails as incomplete).
std::string incompleteness(const IntakeData& data, const std::vector<std::string>& routes);

}  // namespace ddsim::expect
