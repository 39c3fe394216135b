// Report totals over invocation and environment records, and expectations on them.
#include "simulator/lambda/lambda_report.h"

#include <gtest/gtest.h>

namespace ddsim::lambda {
namespace {

TEST(LambdaReport, TotalsSumTheRecords) {
  std::vector<InvocationRecord> inv(3);
  inv[0].cold_start = true, inv[0].status = "success", inv[0].runtime_ms = 10, inv[0].post_runtime_ms = 4;
  inv[0].flushed = true, inv[0].intake.requests = 2, inv[0].intake.bytes = 100;
  inv[1].status = "timeout", inv[1].runtime_ms = 30, inv[1].post_runtime_ms = 0;
  inv[2].cold_start = true, inv[2].status = "error", inv[2].error_type = "Runtime.OutOfMemory";
  inv[2].runtime_ms = 20, inv[2].post_runtime_ms = 8;
  std::vector<EnvironmentRecord> env(2);
  env[0].init_ok = true, env[0].init_ms = 50, env[0].shutdown_clean = true;
  env[0].intake_at_shutdown.requests = 1, env[0].intake_at_shutdown.bytes = 10;
  env[0].telemetry.events = 12, env[0].rejected["next.unknown_identifier"] = 2;
  env[1].init_ok = true, env[1].init_ms = 70, env[1].shutdown_clean = false;
  const auto t = computeTotals(inv, env, 2.0);
  EXPECT_EQ(t.at("invocations"), 3);
  EXPECT_EQ(t.at("cold_starts"), 2);
  EXPECT_EQ(t.at("successes"), 1);
  EXPECT_EQ(t.at("timeouts"), 1);
  EXPECT_EQ(t.at("errors"), 1);
  EXPECT_EQ(t.at("out_of_memory"), 1);
  EXPECT_EQ(t.at("flushes"), 1);
  EXPECT_EQ(t.at("intake_requests"), 3);  // 2 during invocations + 1 at shutdown
  EXPECT_EQ(t.at("intake_bytes"), 110);
  EXPECT_EQ(t.at("final_flushes"), 1);
  EXPECT_EQ(t.at("runtime_ms_max"), 30);
  EXPECT_EQ(t.at("runtime_ms_mean"), 20);
  EXPECT_EQ(t.at("post_runtime_ms_max"), 8);
  EXPECT_EQ(t.at("post_runtime_ms_mean"), 4);
  EXPECT_EQ(t.at("init_ms_mean"), 60);
  EXPECT_EQ(t.at("clean_shutdowns"), 1);
  EXPECT_EQ(t.at("unclean_shutdowns"), 1);
  EXPECT_EQ(t.at("rejected_requests"), 2);
  EXPECT_EQ(t.at("telemetry_events"), 12);
  EXPECT_EQ(t.at("invocations_per_second"), 1.5);
  for (const auto& name : totalNames()) EXPECT_TRUE(t.count(name)) << name;
}

// Environments by the API-key path their extension announced (failed inits do not count), and
// inferred spans linked to their execution span across intake requests.
TEST(LambdaReport, ApiKeyPathsAndInferredSpanLinks) {
  std::vector<EnvironmentRecord> env(4);
  env[0].init_ok = true, env[0].api_key_source = "kms_with_context";
  env[1].init_ok = true, env[1].api_key_source = "kms_with_context";
  env[2].init_ok = true;  // said nothing: unknown
  env[3].init_ok = false, env[3].api_key_source = "none";
  const auto t = computeTotals({}, env, 1.0);
  EXPECT_EQ(t.at("api_key_kms_with_context"), 2);
  EXPECT_EQ(t.at("api_key_unknown"), 1);
  EXPECT_EQ(t.at("api_key_none"), 0);
  EXPECT_EQ(t.at("api_key_plain"), 0);

  IntakeRequest a, b, refused;
  a.status = b.status = 202;
  refused.status = 503;
  a.span_list = {{"aws.sqs", "sqs", "q", 1, 10, 0, true, ""}, {"aws.sqs", "sqs", "q", 2, 20, 0, true, ""}};
  b.span_list = {{"aws.lambda", "aws.lambda", "f", 1, 11, 10, false, "200"},   // child of 1/10
                 {"aws.lambda", "aws.lambda", "f", 2, 21, 99, false, ""},      // another parent
                 {"aws.lambda", "aws.lambda", "f", 3, 31, 10, false, "500"}};  // another trace
  refused.span_list = {{"aws.lambda", "aws.lambda", "f", 2, 22, 20, false, ""}};  // not accepted
  const auto s = summarizeIntake({a, b, refused}, 0);
  EXPECT_EQ(s.inferred_spans_linked, 1);
  EXPECT_EQ(s.spans_by_name.at("aws.sqs"), 2);
  EXPECT_EQ(s.spans_by_name.at("aws.lambda"), 3);
  EXPECT_EQ(s.execution_status_codes.at("200"), 1);
  EXPECT_EQ(s.execution_status_codes.at("500"), 1);
}

TEST(LambdaReport, ExpectationsPassWithinTheirBoundsOnly) {
  const std::map<std::string, double> totals = {{"flushes", 3}, {"post_runtime_ms_max", 12.5}};
  const auto out = checkExpectations(totals, {{"flushes", Bound{3, 3}},
                                              {"post_runtime_ms_max", Bound{std::nullopt, 10}},
                                              {"cold_starts", Bound{1, std::nullopt}}});
  ASSERT_EQ(out.size(), 3u);
  std::map<std::string, bool> passed;
  for (const auto& o : out) passed[o.name] = o.passed;
  EXPECT_TRUE(passed["flushes"]);
  EXPECT_FALSE(passed["post_runtime_ms_max"]);
  EXPECT_FALSE(passed["cold_starts"]);  // a total the run does not have fails
  LambdaReport r;
  r.expectations = out;
  EXPECT_FALSE(r.passed());
  const auto j = reportToJson(r);
  EXPECT_FALSE(j["passed"].get<bool>());
  EXPECT_EQ(j["expectations"][2]["name"], "post_runtime_ms_max");
  EXPECT_EQ(j["expectations"][2]["bound"]["max"], 10);
  EXPECT_NE(consoleSummary(r).find("FAIL post_runtime_ms_max <= 10: got 12.5"), std::string::npos);
}

}  // namespace
}  // namespace ddsim::lambda
