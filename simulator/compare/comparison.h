#pragma once
// One A/B comparison: the figures of a base and a candidate side judged figure by figure with
// the SMP rule (smp_rule.h, anchors.md §2.5).
#include <cstdint>
#include <string>
#include <vector>

#include "simulator/compare/figures.h"
#include "simulator/compare/smp_rule.h"

namespace ddsim::compare {

// What one side of the comparison is and the samples it gave.
struct Side {
  std::string path;
  std::string kind;               // "report" or "scenario"
  std::vector<uint64_t> seeds;    // the seed of each scenario replicate (empty for a report)
  std::vector<std::string> notes; // e.g. a replicate that failed its expectations
  FigureSet figures;
  // What ran: scenario name, seed, mode, duration and agent settings. Two sides whose identity
  // differs compare different experiments (differentIdentity says how).
  nlohmann::json identity = nlohmann::json::object();
};

struct FigureRow {
  const FigureSpec* spec = nullptr;
  // A side lacks the figure: no verdict; `note` says which side and why.
  bool skipped = false;
  FigureResult result;  // the rule's output (meaningful when not skipped)
  // False when the baseline mean is 0 and the candidate's is not: Δ % is undefined, so the
  // figure is judged on the absolute difference, whose interval is [abs_ci_low, abs_ci_high].
  bool relative = true;
  double abs_ci_low = 0, abs_ci_high = 0;
  std::string note;  // why the verdict is what it is, when that is not obvious
};

struct Comparison {
  Side base, candidate;
  RuleOptions rule;
  std::vector<FigureRow> rows;  // in figureSpecs() order

  // Rows whose verdict is a regression.
  std::vector<const FigureRow*> regressions() const;
};

// Judges every figure of figureSpecs(). A figure a side lacks is skipped; fewer than 2 samples
// on a side is insufficient data; a zero baseline with a non-zero candidate is judged on the
// absolute difference (the effect-size tolerance is then met by definition); both sides all 0
// is no change.
Comparison compareSides(Side base, Side candidate, const RuleOptions& rule);

// How two sides' identities differ ("seed 7 vs 8", "agent setting serializer_compressor_kind:
// \"zstd\" vs \"zlib\""); empty when they ran the same experiment.
std::vector<std::string> differentIdentity(const nlohmann::json& base, const nlohmann::json& candidate);

}  // namespace ddsim::compare
