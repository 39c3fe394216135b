// `ddsim lambda --plan` files: what a valid plan holds, and a table of bad plans whose errors
// must name the JSON path and what was expected.
#include "simulator/lambda/plan_loader.h"

#include <gtest/gtest.h>

#include "simulator/lambda/lambda_runner.h"

namespace ddsim::lambda {
namespace {

TEST(LambdaPlanLoader, ReadsEveryKey) {
  auto plan = parsePlanText(R"({
    "name": "p", "description": "what it shows", "seed": 7, "record_intake": false,
    "extension": {"command": ["ext", "-v"], "env": {"DD_API_KEY": "k"}, "log": "ext.log"},
    "function": {"name": "fn", "memory_mb": 1024, "timeout": "2s", "region": "eu-west-1"},
    "invocations": {"count": 5, "rate": 20, "arrival": "poisson", "duration_ms": [5, 15],
                    "timeouts": [1], "out_of_memory": [2], "errors": [3], "max_memory_used_mb": 99,
                    "intake_outage": [4]},
    "environments": {"concurrency": 2, "max_invocations": 3, "freeze": false, "init_timeout": 5,
                     "shutdown_timeout": "500ms", "shutdown_reason": "timeout", "port_stride": 100},
    "runtime": {"dogstatsd": ["a:1|c"], "dogstatsd_port": 9125, "spans": 3, "trace_port": 9126,
                "logs": ["hello {request_id}"], "service": "svc", "tag_invocation": false},
    "aws": {"kms_api_key": "k1", "kms_with_context": false, "secret_api_key": "k2"},
    "expect": {"post_runtime_ms_max": {"max": 100}, "cold_starts": {"min": 1, "max": 2},
               "intake_metric.aws.lambda.enhanced.invocations": {"min": 5}}
  })", "p.json");
  ASSERT_TRUE(plan.isOk()) << plan.status().message();
  EXPECT_EQ(plan->name, "p");
  EXPECT_EQ(plan->seed, 7u);
  EXPECT_FALSE(plan->record_intake);
  EXPECT_EQ(plan->extension, (std::vector<std::string>{"ext", "-v"}));
  EXPECT_EQ(plan->env, (std::vector<std::string>{"DD_API_KEY=k"}));
  EXPECT_EQ(plan->function.memory_mb, 1024);
  EXPECT_EQ(plan->function.timeout, std::chrono::milliseconds(2000));
  EXPECT_EQ(plan->invocations.count, 5);
  EXPECT_TRUE(plan->invocations.poisson);
  EXPECT_EQ(plan->invocations.duration_max_ms, 15);
  EXPECT_EQ(plan->invocations.out_of_memory, (std::vector<int64_t>{2}));
  EXPECT_EQ(plan->environments.concurrency, 2);
  EXPECT_EQ(plan->environments.shutdown_timeout_s, 0.5);
  EXPECT_EQ(plan->environments.final_shutdown_reason, "timeout");
  EXPECT_EQ(plan->runtime.spans, 3);
  EXPECT_EQ(plan->aws.kms_api_key, "k1");
  EXPECT_FALSE(plan->aws.kms_with_context);
  EXPECT_EQ(plan->aws.secret_api_key, "k2");
  EXPECT_EQ(*plan->expect.at("cold_starts").max, 2);
  EXPECT_EQ(*plan->expect.at("intake_metric.aws.lambda.enhanced.invocations").min, 5);
  EXPECT_EQ(plan->description, "what it shows");
  EXPECT_EQ(plan->invocations.intake_outage, (std::vector<int64_t>{4}));
  EXPECT_FALSE(plan->runtime.tag_invocation);
  // An outage needs the recording intake (record_intake is false here).
  auto st = validatePlan(*plan);
  EXPECT_FALSE(st);
  EXPECT_NE(st.message().find("$.invocations.intake_outage"), std::string::npos) << st.message();
  plan->invocations.intake_outage.clear();
  EXPECT_TRUE(validatePlan(*plan));
}

// Each row: a plan text and a fragment its error must contain (the path and what was expected).
TEST(LambdaPlanLoader, ErrorsNameThePathAndWhatWasExpected) {
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"{", "p.json: invalid JSON"},
      {"[]", "p.json: $: expected an object"},
      {R"({"nmae": "x"})", "$.nmae: unknown key"},
      {R"({"extension": {"command": []}})", "$.extension.command: expected the extension's command"},
      {R"({"extension": {"env": {"A": 1}}})", "$.extension.env: the value of A must be a string"},
      {R"({"function": {"memory_mb": 64}})", "$.function.memory_mb"},
      {R"({"function": {"timeout": "20m"}})", "$.function.timeout: expected a duration within [1ms, 900s]"},
      {R"({"invocations": {"rate": "fast"}})", "$.invocations.rate"},
      {R"({"invocations": {"arrival": "burst"}})", "$.invocations.arrival: expected one of fixed, poisson"},
      {R"({"invocations": {"arrivals": [1, 0.5]}})", "$.invocations.arrivals: expected a non-empty array of non-decreasing"},
      {R"({"invocations": {"arrivals": [1], "count": 3}})", "give either arrivals or count/rate"},
      {R"({"invocations": {"duration_ms": [20, 10]}})", "$.invocations.duration_ms: expected min <= max"},
      {R"({"invocations": {"timeouts": [-1]}})", "$.invocations.timeouts: expected invocation indexes"},
      {R"({"environments": {"concurrency": 0}})", "$.environments.concurrency"},
      {R"({"environments": {"shutdown_reason": "bored"}})", "$.environments.shutdown_reason: expected one of"},
      {R"({"runtime": {"dogstatsd_port": 70000}})", "$.runtime.dogstatsd_port"},
      {R"({"runtime": {"event": "GET /"}})", "$.runtime.event: expected the invocation event as a JSON object"},
      {R"({"runtime": {"response": 200}})", "$.runtime.response: expected the invocation response as a JSON object"},
      {R"({"aws": {"kms_key": "x"}})", "$.aws.kms_key: unknown key"},
      {R"({"expect": {"post_runtime": {"max": 1}}})", "$.expect.post_runtime: unknown key"},
      {R"({"expect": {"flushes": {}}})", "$.expect.flushes.min: expected min, max or both"},
      {R"({"expect": {"flushes": {"min": 3, "max": 1}}})", "$.expect.flushes.max: expected max >= min"},
  };
  for (const auto& [text, fragment] : rows) {
    auto r = parsePlanText(text, "p.json");
    ASSERT_FALSE(r.isOk()) << text;
    EXPECT_NE(r.status().message().find(fragment), std::string::npos)
        << text << "\n  got: " << r.status().message() << "\n  wanted: " << fragment;
  }
}

TEST(LambdaPlanLoader, ValidateNamesWhatFlagsAndFileLeftOut) {
  Plan p;
  EXPECT_NE(validatePlan(p).message().find("no extension to run"), std::string::npos);
  p.extension = {"ext"};
  p.invocations.count = 2;
  p.invocations.timeouts = {2};
  EXPECT_NE(validatePlan(p).message().find("index 2 is past the last invocation (1)"), std::string::npos);
  p.invocations.timeouts = {1};
  p.environments.concurrency = 2;
  p.environments.port_stride = 0;
  EXPECT_NE(validatePlan(p).message().find("port_stride"), std::string::npos);
}

TEST(LambdaPlanLoader, AMissingFileIsAnIoError) {
  auto r = loadPlanFile("/nonexistent/plan.json");
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), common::StatusCode::kIoError);
}

TEST(LambdaPlanInvocations, ArrivalsDurationsAndInjectedFailuresFollowThePlan) {
  Plan p;
  p.invocations.count = 4;
  p.invocations.rate = 10;
  p.invocations.duration_min_ms = 5;
  p.invocations.duration_max_ms = 7;
  p.invocations.timeouts = {1};
  p.invocations.out_of_memory = {2};
  p.function.timeout = std::chrono::milliseconds(100);
  const auto specs = planInvocations(p);
  ASSERT_EQ(specs.size(), 4u);
  EXPECT_DOUBLE_EQ(specs[3].arrival_s, 0.3);
  EXPECT_GE(specs[0].duration, std::chrono::microseconds(5000));
  EXPECT_LT(specs[0].duration, std::chrono::microseconds(7000));
  EXPECT_GT(specs[1].duration, std::chrono::microseconds(100000));  // overruns the timeout
  EXPECT_TRUE(specs[2].out_of_memory);
  EXPECT_FALSE(specs[3].out_of_memory);
  p.invocations.arrivals = {0, 0, 2.5};
  p.invocations.count = 3;
  EXPECT_DOUBLE_EQ(planInvocations(p)[2].arrival_s, 2.5);
  // The same seed draws the same durations.
  EXPECT_EQ(planInvocations(p)[0].duration, planInvocations(p)[0].duration);
}

}  // namespace
}  // namespace ddsim::lambda
