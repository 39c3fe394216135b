// `ddsim run [SCENARIO.json] [--report PATH]`: runs a scenario and writes its report.
#include <malloc.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "fakeintake/faults/fault_rule.h"
#include "simulator/cli/commands.h"
#include "simulator/cli/run_lambda.h"
#include "simulator/report/console_summary.h"
#include "simulator/runner/simulation.h"
#include "simulator/scenario/load_estimate.h"
#include "simulator/scenario/scenario_loader.h"

namespace ddsim::cli {

namespace {

struct RunArgs {
  std::string scenario;
  std::string report;
  std::string work_dir;
  std::string store;
  bool quiet = false;
  bool json_summary = false;
};

std::string defaultScenarioPath() { return std::string(DDSIM_SCENARIOS_DIR) + "/default.json"; }

// Set by SIGINT/SIGTERM during a run; the run then stops its load, stops the agent as a stop
// request would, and still prints its summary and writes its report (marked interrupted).
std::atomic<bool> g_stop_requested{false};

extern "C" void onRunStopSignal(int sig) {
  g_stop_requested.store(true);
  std::signal(sig, SIG_DFL);  // a second signal ends the process at once
}

std::string etaText(const runner::Progress& p) {
  const double speed = p.real_seconds > 0 ? p.scenario_seconds / p.real_seconds : 0;
  if (p.draining || speed <= 0 || p.scenario_seconds <= 0) return "   --";
  const double left = (p.total_seconds - p.scenario_seconds) / speed;
  char out[32];
  if (left < 100) std::snprintf(out, sizeof out, "%4.0fs", left);
  else if (left < 6000) std::snprintf(out, sizeof out, "%4.0fm", left / 60);
  else std::snprintf(out, sizeof out, "%4.0fh", left / 3600);
  return out;
}

void printProgress(const runner::Progress& p, bool tty) {
  char line[220];
  const double speed = p.real_seconds > 0 ? p.scenario_seconds / p.real_seconds : 0;
  std::snprintf(line, sizeof line,
                "%s %6.0f/%.0f s simulated | %5.0fx | eta %s | flushes %4lld | payloads %6lld | contexts %8lld | "
                "retry queue %5lld",
                p.draining ? "draining" : "running ", p.scenario_seconds, p.total_seconds, speed, etaText(p).c_str(),
                static_cast<long long>(p.flushes), static_cast<long long>(p.payloads),
                static_cast<long long>(p.contexts), static_cast<long long>(p.retry_queue));
  if (p.busy_seconds > 0) {
    // One step has run long (e.g. the flush of a million contexts): say so instead of freezing.
    std::snprintf(line, sizeof line, "%s %6.0f/%.0f s simulated | busy %.0f s in %s", p.draining ? "draining" : "running ",
                  p.scenario_seconds, p.total_seconds, p.busy_seconds, p.busy_in.c_str());
  }
  if (tty) std::fprintf(stderr, "\r%-150s", line);
  else std::fprintf(stderr, "%s\n", line);
}

// A scenario whose only content is its "lambda" plan: the plan runs alone and its report is the
// run's report.
int runLambdaOnly(const LambdaSection& section, const RunArgs& args) {
  const std::string report_path = args.report.empty() ? "reports/" + section.plan.name + ".json" : args.report;
  std::error_code ec;
  if (auto parent = std::filesystem::path(report_path).parent_path(); !parent.empty()) {
    std::filesystem::create_directories(parent, ec);
  }
  std::ofstream out(report_path);
  if (!out) {
    std::cerr << "ddsim run: cannot write the report to '" << report_path << "'\n";
    return kExitSetupError;
  }
  if (!args.quiet) std::cerr << "running the lambda plan of scenario '" << section.plan.name << "'\n";
  g_stop_requested.store(false);
  std::signal(SIGINT, onRunStopSignal);
  std::signal(SIGTERM, onRunStopSignal);
  auto result = runLambdaSection(section.plan, &g_stop_requested);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  out << result.report.dump(2) << "\n";
  std::cout << "report    " << report_path << "\n";
  if (g_stop_requested.load()) return kExitInterrupted;
  return result.passed ? kExitOk : kExitFailed;
}

int runScenarioCommand(const RunArgs& args) {
  // Two malloc arenas instead of one per thread: what the intake's server threads free is reused
  // by the others instead of kept per thread (steady-state: 188 MB -> 127 MB peak RSS).
  mallopt(M_ARENA_MAX, 2);
  // Freed heap stays in the process for reuse instead of going back to the kernel and being
  // paged in again at the next payload (page faults are dear on a VM): blocks up to 32 MiB come
  // from the heap, and its top is given back only past 64 MiB free.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  scenario::LoadOptions lo;
  lo.validate_fault_rule = [](const nlohmann::json& rule) -> std::string {
    auto r = fakeintake::faultRuleFromJson(rule, "rule");
    return r.isOk() ? "" : r.status().message();
  };
  const std::string path = args.scenario.empty() ? defaultScenarioPath() : args.scenario;
  // A "lambda" section (a simulated-Lambda plan) is taken out before the scenario loader reads
  // the rest; a document that does not parse goes to the loader, which says where.
  std::optional<LambdaSection> lambda_section;
  nlohmann::json doc;
  {
    std::ifstream in(path, std::ios::binary);
    doc = nlohmann::json::parse(in, nullptr, false);
  }
  if (!doc.is_discarded()) {
    std::error_code self_ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", self_ec);
    auto taken = takeLambdaSection(doc, path, self_ec ? "" : self.string());
    if (!taken.isOk()) {
      std::cerr << "ddsim run: invalid scenario\n" << taken.status().message() << "\n";
      return kExitBadInput;
    }
    lambda_section = std::move(taken).value();
  }
  if (lambda_section && lambda_section->only) return runLambdaOnly(*lambda_section, args);
  auto sc = lambda_section ? scenario::parseScenario(doc, path, lo) : scenario::loadScenarioFile(path, lo);
  if (!sc.isOk()) {
    std::cerr << "ddsim run: invalid scenario\n" << sc.status().message() << "\n";
    return kExitBadInput;
  }
  // The report's file is opened before the run: an unwritable path is an error now, not after
  // a long run.
  std::string report_path = args.report;
  if (report_path.empty()) report_path = "reports/" + sc->name + ".json";
  std::error_code ec;
  auto parent = std::filesystem::path(report_path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  std::ofstream out(report_path);
  if (!out) {
    std::cerr << "ddsim run: cannot write the report to '" << report_path << "'\n";
    return kExitSetupError;
  }
  for (const auto& warning : scenario::loadWarnings(*sc)) std::cerr << "ddsim run: warning: " << warning << "\n";
  const bool tty = isatty(STDERR_FILENO) != 0;
  runner::RunOptions ro;
  ro.work_dir = args.work_dir;
  // The run store sits beside the report: reports/x.json -> reports/x.sqlite.
  ro.store_path = args.store.empty() ? std::filesystem::path(report_path).replace_extension(".sqlite").string()
                                     : args.store;
  g_stop_requested.store(false);
  ro.stop_requested = &g_stop_requested;
  std::signal(SIGINT, onRunStopSignal);
  std::signal(SIGTERM, onRunStopSignal);
  if (!args.quiet) {
    std::cerr << "running scenario '" << sc->name << "' from " << path << "\n";
    ro.on_progress = [tty](const runner::Progress& p) { printProgress(p, tty); };
    ro.progress_interval_seconds = tty ? 0.2 : 2.0;
  }
  auto result = runner::runScenario(*sc, ro);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (!args.quiet && tty) std::fprintf(stderr, "\n");
  if (!result.isOk()) {
    out.close();
    std::filesystem::remove(report_path, ec);
    std::cerr << "ddsim run: " << result.status().message() << "\n";
    return result.status().code() == common::StatusCode::kInvalidArgument ? kExitBadInput : kExitSetupError;
  }
  std::cout << report::consoleSummary(result->report);
  bool lambda_passed = true;
  if (lambda_section && !result->interrupted) {
    // The plan runs after the pipeline, on the wall clock (a real extension process).
    std::signal(SIGINT, onRunStopSignal);
    std::signal(SIGTERM, onRunStopSignal);
    auto lambda_result = runLambdaSection(lambda_section->plan, &g_stop_requested);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    result->report["lambda"] = std::move(lambda_result.report);
    lambda_passed = lambda_result.passed;
  }
  out << result->report.dump(2) << "\n";
  out.close();
  std::cout << "report    " << report_path << "\n";
  std::cout << "run store " << ro.store_path << "  (sqlite3; tables in docs/run-store.md)\n";
  if (result->interrupted || g_stop_requested.load()) return kExitInterrupted;
  return result->passed() && lambda_passed ? kExitOk : kExitFailed;
}

}  // namespace

void registerRunCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<RunArgs>();
  auto* cmd = app.add_subcommand("run", "Run a scenario: the agent pipeline against the built-in fakeintake");
  cmd->add_option("scenario", args->scenario,
                  "Scenario file (JSON, see docs/scenarios.md). Default: scenarios/default.json")
      ->check(CLI::ExistingFile);
  cmd->add_option("--report", args->report, "Where to write the JSON report (default: reports/<scenario name>.json)");
  cmd->add_option("--store", args->store,
                  "Where to write the run store, SQLite (default: beside the report, <report>.sqlite)");
  cmd->add_option("--work-dir", args->work_dir,
                  "Directory for the disk retry queue and sockets (default: a temporary directory)");
  cmd->add_flag("--quiet,-q", args->quiet, "No progress output");
  cmd->callback([args, &exit_code] { exit_code = runScenarioCommand(*args); });
}

}  // namespace ddsim::cli
