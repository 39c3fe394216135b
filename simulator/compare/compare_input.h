#pragma once
// One side of `ddsim compare`: a file that is either a `ddsim run` report or a scenario,
// told apart by content (not by extension). A report gives its figures directly; a scenario is
// run once per replicate in-process and the runs' figures are pooled (figures.h).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/common/status.h"
#include "simulator/compare/comparison.h"
#include "simulator/scenario/scenario.h"

namespace ddsim::compare {

struct InputOptions {
  int replicates = 5;  // runs of a scenario side (>= 1)
  // Replicate i (0-based) runs with seed + i; unset: the scenario's own seed.
  std::optional<uint64_t> seed;
  // Told one line before each replicate starts and after it ends; optional.
  std::function<void(const std::string& line)> on_progress;
};

// A file read and recognised. For a report, `side` is complete; for a scenario, `scenario` is
// set and `side` fills up as replicates run.
struct Input {
  Side side;
  std::optional<scenario::Scenario> scenario;
};

// Reads `path` and recognises it; runs nothing. Errors name the file and say why:
//   kIoError          the file cannot be read;
//   kInvalidArgument  not JSON, neither a report nor a scenario, a malformed scenario or report.
common::Result<Input> readInput(const std::string& path);

// Runs replicate `index` (0-based) of a scenario input and pools its figures into
// input.side; does nothing for a report. Errors: a run that could not be set up (the code
// runner::runScenario gave, the message naming the file and replicate). A replicate that
// completes but fails its expectations or accounting still counts; the side's notes say so.
common::Status runReplicate(Input& input, int index, const InputOptions& options);

}  // namespace ddsim::compare
