#pragma once
// The report of a `ddsim lambda` run: every invocation and environment record, totals over
// them, and the plan's expectations checked against the totals. Written as JSON and printed
// as a console summary.
#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

#include "simulator/lambda/plan.h"
#include "simulator/lambda/records.h"

namespace ddsim::lambda {

// Expectation keys `intake_metric.<name>` bound how many series/sketches of <name> the intake got.
inline constexpr std::string_view kIntakeMetricPrefix = "intake_metric.";
inline constexpr std::string_view kIntakeSpanPrefix = "intake_span.";

// The names of the totals an expectation can bound (docs/lambda.md explains each).
const std::vector<std::string>& totalNames();

struct ExpectationOutcome {
  std::string name;
  Bound bound;
  double actual = 0;
  bool passed = false;
  // Set when the run cannot state this total (the virtual mode has no start sequence): the
  // expectation is shown as skipped with this reason and decides nothing.
  std::string skipped;
};

// What the intake decoded over the whole run.
struct IntakeSummary {
  int64_t requests = 0;
  int64_t failed_requests = 0;              // answered non-2xx (outage, rejected payloads)
  int64_t spans = 0;
  int64_t log_lines = 0;
  int64_t decode_errors = 0;
  std::map<std::string, int64_t> metrics;   // metric name -> series/sketches received
  std::map<std::string, int64_t> spans_by_name;  // span name -> spans received
  // Inferred spans (tag_source self) that are the parent of an aws.lambda span of their trace.
  int64_t inferred_spans_linked = 0;
  std::map<std::string, int64_t> execution_status_codes;  // http.status_code of aws.lambda spans
};

IntakeSummary summarizeIntake(const std::vector<IntakeRequest>& requests, int64_t decode_errors);

struct LambdaReport {
  std::string name;
  std::string source;
  uint64_t seed = 1;
  FunctionConfig function;
  double wall_s = 0;  // the run's real duration
  std::vector<InvocationRecord> invocations;
  std::vector<EnvironmentRecord> environments;
  IntakeSummary intake;
  std::map<std::string, double> totals;
  std::vector<ExpectationOutcome> expectations;

  bool passed() const;
};

std::map<std::string, double> computeTotals(const std::vector<InvocationRecord>& invocations,
                                            const std::vector<EnvironmentRecord>& environments, double wall_s);
// The totals the intake's summary gives: intake_failed_requests, intake_spans,
// intake_decode_errors, enhanced_metrics, inferred_spans_linked, intake_metric.*, intake_span.*.
void addIntakeTotals(std::map<std::string, double>& totals, const IntakeSummary& intake);
std::vector<ExpectationOutcome> checkExpectations(const std::map<std::string, double>& totals,
                                                  const std::map<std::string, Bound>& expect);

nlohmann::json reportToJson(const LambdaReport& report);
std::string consoleSummary(const LambdaReport& report);

}  // namespace ddsim::lambda
