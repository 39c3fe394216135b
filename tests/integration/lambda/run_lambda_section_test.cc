// `ddsim run` with a scenario's "lambda" section: the plan alone, the pipeline then the plan in
// one report, the plan's expectations deciding the exit code, and $.lambda errors.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "tests/support/child_process.h"

namespace {

using ddsim::testing::ChildProcess;
using ddsim::testing::kHangGuard;
using nlohmann::json;

class RunLambdaSection : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ddsim-rls-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Runs `ddsim run` on `scenario`; the exit code, the report in `report_`.
  int run(const json& scenario) {
    const std::string path = (dir_ / "scenario.json").string();
    const std::string report = (dir_ / "report.json").string();
    std::ofstream(path) << scenario.dump();
    ChildProcess p({DDSIM_BINARY, "run", "-q", path, "--report", report, "--work-dir", dir_.string()});
    EXPECT_TRUE(p.started());
    const auto code = p.wait(kHangGuard);
    out_ = p.out();
    err_ = p.err();
    std::ifstream in(report);
    report_ = in ? json::parse(in, nullptr, false) : json();
    return code.value_or(-1);
  }

  static json plan(int invocations, int expected) {
    return {{"extension", {{"command", {LAMBDA_TEST_EXTENSION}}, {"env", {{"TEST_EXT_FLUSH", "1"}}}}},
            {"invocations", {{"count", invocations}, {"duration_ms", 2}}},
            {"expect", {{"invocations", {{"min", expected}, {"max", expected}}}}}};
  }

  std::filesystem::path dir_;
  std::string out_, err_;
  json report_;
};

TEST_F(RunLambdaSection, ThePlanAloneIsTheRunsReport) {
  ASSERT_EQ(run({{"name", "only-lambda"}, {"seed", 5}, {"lambda", plan(3, 3)}}), 0) << out_ << err_;
  ASSERT_TRUE(report_.is_object()) << out_;
  EXPECT_EQ(report_["name"], "only-lambda") << "the plan takes the scenario's name";
  EXPECT_EQ(report_["seed"], 5);
  EXPECT_EQ(report_["totals"]["invocations"], 3);
  EXPECT_NE(out_.find("PASS invocations in [3, 3]: got 3"), std::string::npos) << out_;
}

TEST_F(RunLambdaSection, ThePipelineThenThePlanInOneReport) {
  const json scenario{{"name", "both"},
                      {"duration", "5s"},
                      {"mode", "virtual"},
                      {"intake", "inprocess"},
                      {"workloads", {{{"type", "dogstatsd"}, {"name", "app"}, {"transport", "inproc"},
                                      {"contexts", 5}, {"rate", 10}}}},
                      {"lambda", plan(2, 2)}};
  ASSERT_EQ(run(scenario), 0) << out_ << err_;
  ASSERT_TRUE(report_.is_object());
  ASSERT_TRUE(report_.contains("lambda")) << report_.dump().substr(0, 400);
  EXPECT_EQ(report_["lambda"]["totals"]["invocations"], 2);
  EXPECT_TRUE(report_["lambda"]["passed"].get<bool>());
  // A failed expectation of the plan fails the run.
  json failing = scenario;
  failing["lambda"] = plan(2, 3);
  EXPECT_EQ(run(failing), 1) << out_ << err_;
  EXPECT_FALSE(report_["lambda"]["passed"].get<bool>());
}

TEST_F(RunLambdaSection, ErrorsNameThePathUnderLambda) {
  const std::vector<std::pair<json, std::string>> rows = {
      {{{"name", "x"}, {"lambda", {{"invocations", {{"rate", "fast"}}}}}}, "$.lambda.invocations.rate"},
      {{{"name", "x"}, {"lambda", json::array()}}, "$.lambda: expected an object"},
      {{{"name", "x"}, {"lambda", {{"extension", {{"command", {"true"}}}}, {"invocations", {{"count", 2}, {"timeouts", {5}}}}}}},
       "$.lambda.invocations: index 5 is past the last invocation"},
  };
  for (const auto& [scenario, fragment] : rows) {
    EXPECT_EQ(run(scenario), 2) << scenario.dump();
    EXPECT_NE(err_.find(fragment), std::string::npos) << err_;
    EXPECT_NE(err_.find("scenario.json"), std::string::npos) << err_;
  }
}

}  // namespace
