// `ddsim lambda` end to end: the test extension under the simulated Lambda, the JSON report,
// expectations deciding the exit code, and plan errors reported before anything starts.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "tests/support/child_process.h"

namespace {

using ddsim::testing::ChildProcess;
using ddsim::testing::kHangGuard;
using nlohmann::json;

std::string tempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()))).string();
}

void writeFile(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

TEST(LambdaCommand, RunsTheExtensionAndWritesTheReport) {
  const std::string report = tempPath("lambda-report.json");
  ChildProcess p({DDSIM_BINARY, "lambda", "--extension", LAMBDA_TEST_EXTENSION, "-n", "4", "--duration-ms", "2",
                  "--env", "TEST_EXT_FLUSH=1", "--env", "TEST_EXT_TELEMETRY=1", "--log", "hello {invocation}",
                  "--report", report});
  ASSERT_TRUE(p.started());
  auto code = p.wait(kHangGuard);
  ASSERT_EQ(code, 0) << p.out() << p.err();
  EXPECT_NE(p.out().find("lambda lambda: 4 invocations"), std::string::npos) << p.out();
  std::ifstream in(report);
  const json r = json::parse(in);
  EXPECT_EQ(r["totals"]["invocations"], 4);
  EXPECT_EQ(r["totals"]["cold_starts"], 1);
  EXPECT_EQ(r["totals"]["flushes"], 4);
  EXPECT_EQ(r["totals"]["final_flushes"], 1);
  EXPECT_EQ(r["totals"]["clean_shutdowns"], 1);
  ASSERT_EQ(r["invocations"].size(), 4u);
  EXPECT_EQ(r["invocations"][0]["status"], "success");
  EXPECT_TRUE(r["invocations"][0]["cold_start"].get<bool>());
  EXPECT_EQ(r["invocations"][3]["log_lines"], 1);
  EXPECT_EQ(r["environments"][0]["shutdown_reason"], "spindown");
  EXPECT_GT(r["environments"][0]["telemetry"]["events"].get<int>(), 0);
  std::filesystem::remove(report);
}

TEST(LambdaCommand, AFailedExpectationExitsOne) {
  const std::string plan = tempPath("lambda-plan-fail.json");
  writeFile(plan, R"({"name": "strict", "invocations": {"count": 2, "duration_ms": 1},
                      "expect": {"flushes": {"min": 1}, "invocations": {"min": 2, "max": 2}}})");
  ChildProcess p({DDSIM_BINARY, "lambda", "--plan", plan, "--extension", LAMBDA_TEST_EXTENSION});
  auto code = p.wait(kHangGuard);
  EXPECT_EQ(code, 1) << p.out() << p.err();
  EXPECT_NE(p.out().find("FAIL flushes >= 1: got 0"), std::string::npos) << p.out();
  EXPECT_NE(p.out().find("PASS invocations in [2, 2]: got 2"), std::string::npos) << p.out();
  std::filesystem::remove(plan);
}

// --virtual: the shipped adaptive plan against ddsim's own extension loop in process, with the
// report and expectations of a real run (§7.3: 20 flushes at the end, then one at the start of
// invocation 20 under periodically,20000, no final flush).
TEST(LambdaCommand, VirtualRunsThePlanInProcess) {
  const std::string report = tempPath("lambda-virtual-report.json");
  ChildProcess p({DDSIM_BINARY, "lambda", "--virtual", "--plan",
                  std::string(DDSIM_SOURCE_DIR) + "/scenarios/lambda/adaptive.json", "--report", report});
  ASSERT_TRUE(p.started());
  ASSERT_EQ(p.wait(kHangGuard), 0) << p.out() << p.err();
  EXPECT_NE(p.out().find("virtual time:"), std::string::npos) << p.out();
  std::ifstream in(report);
  const json r = json::parse(in);
  EXPECT_EQ(r["totals"]["invocations"], 25);
  EXPECT_EQ(r["totals"]["flushes"], 21);
  EXPECT_EQ(r["totals"]["final_flushes"], 0);
  EXPECT_EQ(r["environments"][0]["api_key_source"], "virtual");
  std::filesystem::remove(report);
}

TEST(LambdaCommand, VirtualRefusesSeveralEnvironmentsAtOnce) {
  ChildProcess p({DDSIM_BINARY, "lambda", "--virtual", "--concurrency", "2", "-n", "2"});
  ASSERT_TRUE(p.started());
  EXPECT_EQ(p.wait(kHangGuard), 2) << p.out() << p.err();
  EXPECT_NE(p.err().find("environments.concurrency is 2"), std::string::npos) << p.err();
}

TEST(LambdaCommand, ABadPlanIsRejectedWithItsPath) {
  const std::string plan = tempPath("lambda-plan-bad.json");
  writeFile(plan, R"({"invocations": {"count": 0}})");
  ChildProcess p({DDSIM_BINARY, "lambda", "--plan", plan, "--extension", LAMBDA_TEST_EXTENSION});
  EXPECT_EQ(p.wait(kHangGuard), 2);
  EXPECT_NE(p.err().find(plan + ": $.invocations.count"), std::string::npos) << p.err();
  std::filesystem::remove(plan);
}

// docs/lambda.md's examples: the curl extension and the plan that resets after a timeout.
TEST(LambdaCommand, TheDocumentedExamplesRun) {
  if (::access("/usr/bin/curl", X_OK) != 0) GTEST_SKIP() << "the example extension needs curl";
  const std::string ext = std::string(DDSIM_SOURCE_DIR) + "/docs/examples/lambda/noop-extension.sh";
  ChildProcess simple({DDSIM_BINARY, "lambda", "--extension", ext, "-n", "3", "--duration-ms", "10"});
  EXPECT_EQ(simple.wait(kHangGuard), 0) << simple.out() << simple.err();
  EXPECT_NE(simple.out().find("3 success"), std::string::npos) << simple.out();
  ChildProcess plan({DDSIM_BINARY, "lambda", "--plan", std::string(DDSIM_SOURCE_DIR) +
                     "/docs/examples/lambda/timeout-reset.json", "--extension", ext});
  EXPECT_EQ(plan.wait(kHangGuard), 0) << plan.out() << plan.err();
  EXPECT_EQ(plan.out().find("FAIL"), std::string::npos) << plan.out();
}

TEST(LambdaCommand, NoExtensionIsABadInput) {
  ChildProcess p({DDSIM_BINARY, "lambda", "-n", "1"});
  EXPECT_EQ(p.wait(kHangGuard), 2);
  EXPECT_NE(p.err().find("no extension to run"), std::string::npos) << p.err();
}

}  // namespace
