// `ddsim lambda --extension CMD [args...]`: runs an extension in the simulated Lambda (the
// Extensions and Telemetry APIs on loopback, freeze between invocations, a scripted function
// runtime) and reports what the extension added to each invocation. A plan file (--plan)
// describes the invocation pattern and expectations; flags cover the simple case and override
// the plan. docs/lambda.md has the keys and examples. With --virtual the plan runs against ddsim's
// own extension loop in process on a virtual clock (simulator/lambda/virtual_lambda.h).
#include <atomic>
#include <csignal>
#include <fstream>
#include <iostream>
#include <memory>

#include "simulator/cli/commands.h"
#include "simulator/lambda/lambda_runner.h"
#include "simulator/lambda/plan_loader.h"
#include "simulator/lambda/virtual_lambda.h"

namespace ddsim::cli {

namespace {

std::atomic<bool> g_lambda_stop{false};
void onLambdaSignal(int) { g_lambda_stop = true; }

struct LambdaArgs {
  std::string plan;
  std::string extension;
  std::vector<std::string> extension_args;
  std::vector<std::string> env;
  std::optional<int64_t> invocations;
  std::optional<double> rate;
  std::optional<double> duration_ms;
  std::optional<int> memory_mb;
  std::optional<double> timeout_s;
  std::optional<int> concurrency;
  std::vector<std::string> dogstatsd;
  std::vector<std::string> logs;
  std::string extension_log;
  bool no_freeze = false;
  std::string report;
  bool quiet = false;
  bool virtual_time = false;
};

int runLambda(const LambdaArgs& a) {
  lambda::Plan plan;
  if (!a.plan.empty()) {
    auto loaded = lambda::loadPlanFile(a.plan);
    if (!loaded.isOk()) {
      std::cerr << loaded.status().message() << "\n";
      return loaded.status().code() == common::StatusCode::kIoError ? kExitSetupError : kExitBadInput;
    }
    plan = std::move(loaded).value();
  }
  if (!a.extension.empty()) {
    plan.extension = {a.extension};
    plan.extension.insert(plan.extension.end(), a.extension_args.begin(), a.extension_args.end());
  }
  for (const auto& e : a.env) {
    if (e.find('=') == std::string::npos || e.front() == '=') {
      std::cerr << "ddsim lambda: --env expects NAME=value, got '" << e << "'\n";
      return kExitBadInput;
    }
    plan.env.push_back(e);
  }
  if (a.invocations) plan.invocations.count = *a.invocations, plan.invocations.arrivals.clear();
  if (a.rate) plan.invocations.rate = *a.rate;
  if (a.duration_ms) plan.invocations.duration_min_ms = plan.invocations.duration_max_ms = *a.duration_ms;
  if (a.memory_mb) plan.function.memory_mb = *a.memory_mb;
  if (a.timeout_s) plan.function.timeout = std::chrono::milliseconds(static_cast<int64_t>(*a.timeout_s * 1000));
  if (a.concurrency) plan.environments.concurrency = *a.concurrency;
  if (!a.dogstatsd.empty()) plan.runtime.dogstatsd = a.dogstatsd;
  if (!a.logs.empty()) plan.runtime.logs = a.logs;
  if (!a.extension_log.empty()) plan.extension_log = a.extension_log;
  if (a.no_freeze) plan.environments.freeze = false;
  // Virtual time runs ddsim's own extension loop in process: no command is needed.
  if (a.virtual_time && plan.extension.empty()) plan.extension = {"(in process)"};
  if (auto st = lambda::validatePlan(plan); !st) {
    std::cerr << st.message() << "\n";
    return kExitBadInput;
  }
  // Stopped extensions must not outlive an interrupted run: a signal ends the arrivals, the
  // environments still get SHUTDOWN and are reaped.
  std::signal(SIGINT, onLambdaSignal);
  std::signal(SIGTERM, onLambdaSignal);
  lambda::LambdaReport report;
  if (a.virtual_time) {
    common::ManualClock clock;
    auto run = lambda::VirtualLambda(plan, clock).run();
    if (!run.isOk()) {
      std::cerr << "ddsim lambda --virtual: " << run.status().message() << "\n";
      return kExitBadInput;
    }
    report = std::move(run->report);
    if (!a.quiet) std::cout << "virtual time: ddsim's extension loop in process; times are on the virtual clock\n";
  } else {
    report = lambda::runPlan(plan, common::SystemClock::instance(), &g_lambda_stop);
  }
  if (!a.quiet) std::cout << lambda::consoleSummary(report);
  if (!a.report.empty()) {
    std::ofstream out(a.report);
    out << lambda::reportToJson(report).dump(2) << "\n";
    if (!out) {
      std::cerr << "ddsim lambda: cannot write the report to '" << a.report << "'\n";
      return kExitSetupError;
    }
  }
  if (g_lambda_stop) return kExitInterrupted;
  return report.passed() ? kExitOk : kExitFailed;
}

}  // namespace

void registerLambdaCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<LambdaArgs>();
  auto* cmd = app.add_subcommand(
      "lambda", "Run a Lambda extension in a simulated Lambda environment and report the time it adds");
  cmd->add_option("--plan", args->plan, "A plan file: invocation pattern, function, environments, expectations")
      ->check(CLI::ExistingFile);
  cmd->add_option("--extension", args->extension, "The extension's command (overrides the plan's)");
  cmd->add_option("extension_args", args->extension_args, "Arguments for the extension (after --)");
  cmd->add_option("--env", args->env, "NAME=value for the extension's environment (repeatable)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--invocations,-n", args->invocations, "Number of invocations")->check(CLI::Range(1, 100000000));
  cmd->add_option("--rate", args->rate, "Arrivals per second (0: back to back)")->check(CLI::Range(0.0, 1e6));
  cmd->add_option("--duration-ms", args->duration_ms, "The function's duration per invocation")
      ->check(CLI::Range(0.0, 900000.0));
  cmd->add_option("--memory-mb", args->memory_mb, "The function's memory size")->check(CLI::Range(128, 10240));
  cmd->add_option("--timeout", args->timeout_s, "The function's timeout in seconds")->check(CLI::Range(0.001, 900.0));
  cmd->add_option("--concurrency", args->concurrency, "Environments at most at once")->check(CLI::Range(1, 1000));
  cmd->add_option("--dogstatsd", args->dogstatsd, "A DogStatsD line the function sends each invocation (repeatable)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--log", args->logs, "A log line the function writes each invocation (repeatable)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--extension-log", args->extension_log, "Append the extension's output to this file");
  cmd->add_flag("--no-freeze", args->no_freeze, "Do not SIGSTOP the extension between invocations");
  cmd->add_option("--report", args->report, "Write the JSON report here");
  cmd->add_flag("--quiet,-q", args->quiet, "No console summary");
  cmd->add_flag("--virtual", args->virtual_time,
                "Run ddsim's own extension loop in process on a virtual clock (the extension command is "
                "ignored; docs/serverless.md, virtual-time mode)");
  cmd->callback([args, &exit_code] { exit_code = runLambda(*args); });
}

}  // namespace ddsim::cli
