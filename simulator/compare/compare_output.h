#pragma once
// How a Comparison is shown: an aligned console table (docs/compare.md, "Reading the table")
// and the JSON written by `ddsim compare --json`.
#include <nlohmann/json.hpp>

#include <string>

#include "simulator/compare/comparison.h"

namespace ddsim::compare {

// The sides, the rule, one row per figure, notes, and a closing line: "result: no regression"
// or "result: N regression(s): <figures>". ASCII only, so columns line up in any terminal.
std::string renderTable(const Comparison& c);

// {"base": {...}, "candidate": {...}, "rule": {...}, "figures": [...], "regressions": [...]}.
// A figure's delta_pct and interval are null when the rule could not compute them.
nlohmann::json comparisonJson(const Comparison& c);

// A value in the figure's unit, scaled for reading: "6.35 ms", "23.8 B", "1.29 M/s", "12".
std::string formatValue(double v, Unit unit);

}  // namespace ddsim::compare
