#pragma once
// `ddsim compare BASE CANDIDATE`: loads both sides, judges every figure, prints the table and
// optionally writes the JSON. The command line (simulator/cli/compare_command.cc) only parses
// arguments into CompareArgs and calls runCompare.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

namespace ddsim::compare {

// runCompare's result; the same numbers as the ddsim exit codes (simulator/cli/commands.h).
inline constexpr int kCompareNoRegression = 0;
inline constexpr int kCompareRegression = 1;
inline constexpr int kCompareBadInput = 2;     // unreadable file, not a report or scenario, bad option
inline constexpr int kCompareSetupError = 3;   // a scenario run could not start, --json not writable

struct CompareArgs {
  std::string base;
  std::string candidate;
  int replicates = 5;               // runs of each scenario side
  double effect_pct = 5.0;          // SMP's effect-size tolerance (anchors.md §2.5)
  double confidence = 0.90;         // of the interval of delta mean %
  std::optional<uint64_t> seed;     // scenario replicate i uses seed + i (default: the scenario's
                                    // own seed); also seeds the bootstrap (default 1)
  std::string json_out;             // empty: no JSON file
  // Two sides that ran different experiments (scenario, seed, mode, duration, agent settings)
  // are refused unless this is set: a deliberate A/B of settings says so.
  bool allow_different = false;
};

// Runs the comparison: the table goes to `out`; progress, notes on the run and errors (naming
// the file and why) go to `err`. Returns one of the kCompare* codes.
int runCompare(const CompareArgs& args, std::ostream& out, std::ostream& err);

}  // namespace ddsim::compare
