// The extension's invocation loop run in process on a ManualClock (simulator/lambda/
// virtual_lambda.h) against the shipped plans: the same flush decisions the real process makes
// (the plans' expectations are what the integration tests assert of `ddsim serverless` run by
// the simulated Lambda), and the per-invocation strategy of spec §7.3.
#include "simulator/lambda/virtual_lambda.h"

#include <gtest/gtest.h>

#include <set>

#include "simulator/lambda/lambda_report.h"
#include "simulator/lambda/plan_loader.h"

namespace ddsim::lambda {
namespace {

Plan shipped(const std::string& name) {
  auto plan = loadPlanFile(std::string(DDSIM_SOURCE_DIR) + "/scenarios/lambda/" + name + ".json");
  EXPECT_TRUE(plan.isOk()) << name << ": " << plan.status().message();
  return plan.isOk() ? *plan : Plan{};
}

VirtualRun runVirtual(const Plan& plan, VirtualLambdaOptions options = {}) {
  common::ManualClock clock;
  auto run = VirtualLambda(plan, clock, options).run();
  EXPECT_TRUE(run.isOk()) << run.status().message();
  return run.isOk() ? *run : VirtualRun{};
}

// Every expectation of the plan holds in the virtual run, except those on totals the virtual
// run cannot state (`unstated`: the API key's path through KMS). The report is built by the same
// code as `ddsim lambda`'s (records, delivery attribution, totals).
void expectPlanHolds(const std::string& name, const std::set<std::string>& unstated = {}) {
  const Plan plan = shipped(name);
  const VirtualRun run = runVirtual(plan);
  ASSERT_FALSE(plan.expect.empty()) << name;
  std::map<std::string, Bound> stated;
  for (const auto& [total, bound] : plan.expect) {
    if (unstated.count(total)) continue;
    EXPECT_TRUE(run.totals().count(total)) << name << ": the virtual run does not state " << total;
    stated[total] = bound;
  }
  for (const auto& o : checkExpectations(run.totals(), stated)) {
    EXPECT_TRUE(o.passed) << name << ": " << o.name << " = " << o.actual;
  }
}

TEST(VirtualLambda, ShippedPlansMeetTheirExpectations) {
  expectPlanHolds("flush-at-end");
  expectPlanHolds("periodic");
  expectPlanHolds("adaptive");
  expectPlanHolds("timeout-shutdown");
  expectPlanHolds("intake-outage");
  expectPlanHolds("kms-api-key", {"kms_decrypts", "aws_rejected", "api_key_kms_with_context", "api_key_unknown"});
}

// What only the start sequence states is skipped with its reason, not failed: the KMS plan passes
// in virtual time, and every other expectation of it is still checked.
TEST(VirtualLambda, StartSequenceExpectationsAreSkippedNotFailed) {
  const VirtualRun run = runVirtual(shipped("kms-api-key"));
  std::set<std::string> skipped;
  for (const auto& e : run.report.expectations) {
    if (!e.skipped.empty()) {
      skipped.insert(e.name);
    } else {
      EXPECT_TRUE(e.passed) << e.name << " = " << e.actual;
    }
  }
  EXPECT_EQ(skipped, (std::set<std::string>{"aws_rejected", "api_key_kms_with_context", "api_key_unknown", "kms_decrypts"}));
  EXPECT_TRUE(run.report.passed());
  EXPECT_NE(consoleSummary(run.report).find("SKIP kms_decrypts"), std::string::npos);
}

// Spec §7.3 per invocation: which invocations flush, with which strategy, and how many enhanced
// invocations points reach the intake.
struct StrategyRow {
  const char* plan;
  std::vector<int64_t> flushing;  // invocation indexes with a flush between INVOKE and event/next
  int64_t final_flushes;
  int64_t invocations_delivered;  // aws.lambda.enhanced.invocations count at the intake
};

TEST(VirtualLambda, FlushDecisionsPerInvocation) {
  const std::vector<StrategyRow> rows = {
      // end: a flush at every runtime-done, one more at SHUTDOWN; every invocation delivered.
      {"flush-at-end", {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 10},
      // periodically,300: at the start of the first of each burst (more than 300 ms since the last
      // flush); no final flush, so the last burst's two trailing invocations stay behind.
      {"periodic", {0, 3, 6}, 0, 7},
      // adaptive: end for 20 invocations, then periodically,20000, which has never flushed and
      // flushes at the start of invocation 20; 21-24 stay behind (no final flush).
      {"adaptive", {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}, 0, 21},
  };
  for (const auto& row : rows) {
    const VirtualRun run = runVirtual(shipped(row.plan));
    std::vector<int64_t> flushing;
    for (const auto& r : run.invocations) {
      if (r.flushes > 0) flushing.push_back(r.index);
    }
    EXPECT_EQ(flushing, row.flushing) << row.plan;
    EXPECT_EQ(run.final_flushes, row.final_flushes) << row.plan;
    EXPECT_EQ(run.enhanced_invocations_delivered, row.invocations_delivered) << row.plan;
    EXPECT_EQ(run.counters.flushes, row.flushing.size() + static_cast<size_t>(row.final_flushes)) << row.plan;
    EXPECT_EQ(run.counters.cold_starts, 1u) << row.plan;
    EXPECT_EQ(run.report.intake.decode_errors, 0) << row.plan;
  }
}

// §7.3 adaptive: fewer than 20 invocations recorded -> end; the 20th's flush updates the strategy
// to periodically,20000 (mean interval 50 ms < 120 s).
TEST(VirtualLambda, AdaptiveStrategyPerInvocation) {
  const VirtualRun run = runVirtual(shipped("adaptive"));
  ASSERT_EQ(run.invocations.size(), 25u);
  for (const auto& r : run.invocations) {
    EXPECT_EQ(r.strategy, r.index < 19 ? "end" : "periodically,20000") << "invocation " << r.index;
  }
}

// §7.3 backoff: the flush held by the outage takes the 5 s timeout on the virtual clock, counts
// as a failure, and the two invocations inside the 2^1 + U[0,1) s window do not flush.
TEST(VirtualLambda, OutageFlushFailsAndBacksOff) {
  const VirtualRun run = runVirtual(shipped("intake-outage"));
  ASSERT_EQ(run.invocations.size(), 10u);
  EXPECT_EQ(run.counters.flush_failures, 1u);
  EXPECT_GE(run.invocations[2].post_runtime_ms, 5000.0);
  EXPECT_EQ(run.invocations[3].flushes, 0) << "inside the backoff window";
  EXPECT_EQ(run.invocations[4].flushes, 0) << "inside the backoff window";
  EXPECT_EQ(run.invocations[9].flushes, 1) << "the window is over";
  EXPECT_EQ(run.intake_failed_requests, 1);
}

// The function overruns its timeout: the daemon passes its deadline, Lambda sends SHUTDOWN
// (timeout), the extension reports timeouts and errors and flushes; the next invocation starts a
// new environment cold.
TEST(VirtualLambda, TimeoutEndsTheEnvironment) {
  const VirtualRun run = runVirtual(shipped("timeout-shutdown"));
  EXPECT_EQ(run.environments, 2);
  EXPECT_EQ(run.counters.deadline_exceeded, 1u);
  ASSERT_EQ(run.invocations.size(), 4u);
  EXPECT_EQ(run.invocations[2].status, "timeout");
  EXPECT_TRUE(run.invocations[3].cold_start);
  EXPECT_EQ(run.report.intake.metrics.count("aws.lambda.enhanced.timeouts"), 1u);
}

// The same plan and seed give the same run, bit for bit, however long the machine takes.
TEST(VirtualLambda, Repeatable) {
  const Plan plan = shipped("adaptive");
  const VirtualRun a = runVirtual(plan);
  const VirtualRun b = runVirtual(plan);
  EXPECT_EQ(a.totals(), b.totals());
  EXPECT_EQ(a.intake_bytes, b.intake_bytes);
  EXPECT_EQ(a.virtual_s, b.virtual_s);
}

TEST(VirtualLambda, CountingIntakeSeesTheSameRequests) {
  const Plan plan = shipped("flush-at-end");
  const VirtualRun decoded = runVirtual(plan);
  const VirtualRun counted = runVirtual(plan, {.decode_intake = false});
  EXPECT_EQ(counted.intake_requests, decoded.intake_requests);
  EXPECT_EQ(counted.intake_by_path, decoded.intake_by_path);
  EXPECT_EQ(counted.enhanced_invocations_delivered, 0) << "nothing decoded";
}

TEST(VirtualLambda, SeveralEnvironmentsAtOnceAreRefused) {
  Plan plan = shipped("flush-at-end");
  plan.environments.concurrency = 2;
  common::ManualClock clock;
  auto run = VirtualLambda(plan, clock).run();
  ASSERT_FALSE(run.isOk());
  EXPECT_NE(run.status().message().find("environments.concurrency is 2"), std::string::npos) << run.status().message();
}

}  // namespace
}  // namespace ddsim::lambda
