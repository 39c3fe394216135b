// `ddsim compare BASE CANDIDATE [--replicates N] [--effect PCT] [--confidence C] [--seed S]
// [--json OUT]`: an A/B verdict per figure with the SMP rule (docs/compare.md).
#include <iostream>
#include <memory>

#include "core/common/logging.h"
#include "simulator/cli/commands.h"
#include "simulator/compare/run_compare.h"

namespace ddsim::cli {

static_assert(compare::kCompareNoRegression == kExitOk && compare::kCompareRegression == kExitFailed &&
              compare::kCompareBadInput == kExitBadInput && compare::kCompareSetupError == kExitSetupError);

void registerCompareCommand(CLI::App& app, int& exit_code) {
  struct Args {
    compare::CompareArgs compare;
    uint64_t seed = 0;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "compare",
      "Compare two runs: each side is a report written by `ddsim run` or a scenario (run --replicates times). "
      "Exit code 1 when a figure regressed");
  cmd->add_option("base", a->compare.base, "The baseline: a report (JSON from ddsim run) or a scenario file")
      ->required();
  cmd->add_option("candidate", a->compare.candidate, "The candidate: a report or a scenario file")->required();
  cmd->add_option("--replicates", a->compare.replicates, "Runs of each scenario side (replicate i uses seed + i)")
      ->capture_default_str();
  cmd->add_option("--effect", a->compare.effect_pct, "Effect-size tolerance: |delta mean %| needed to flag a change")
      ->capture_default_str();
  cmd->add_option("--confidence", a->compare.confidence, "Confidence of the interval of delta mean % (0 < C < 1)")
      ->capture_default_str();
  auto* seed = cmd->add_option("--seed", a->seed,
                               "Scenario replicates use S, S+1, ... (default: each scenario's own seed); also "
                               "seeds the bootstrap (default 1)");
  cmd->add_option("--json", a->compare.json_out, "Also write the verdicts as JSON to this file");
  cmd->add_flag("--allow-different", a->compare.allow_different,
                "Compare runs of different scenarios, seeds, modes, durations or agent settings (refused otherwise)");
  cmd->callback([a, seed, &app, &exit_code] {
    // As for `run`: the simulated agents' logs stay quiet unless asked for (their errors, e.g.
    // retried 503s, are part of the runs, not of the comparison).
    const auto* level = app.get_option_no_throw("--log-level");
    if (level == nullptr || level->count() == 0) (void)common::setLogLevel("critical");
    if (seed->count() > 0) a->compare.seed = a->seed;
    exit_code = compare::runCompare(a->compare, std::cout, std::cerr);
  });
}

}  // namespace ddsim::cli
