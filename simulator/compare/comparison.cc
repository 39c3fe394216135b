#include "simulator/compare/comparison.h"

#include <algorithm>
#include <tuple>

namespace ddsim::compare {

namespace {

bool allZero(const std::vector<double>& v) {
  return std::all_of(v.begin(), v.end(), [](double x) { return x == 0; });
}

std::string missingNote(const Side& base, const Side& candidate, const std::string& id) {
  std::string note;
  for (const auto* side : {&base, &candidate}) {
    auto it = side->figures.missing.find(id);
    if (it == side->figures.missing.end()) continue;
    if (!note.empty()) note += "; ";
    note += std::string(side == &base ? "base" : "candidate") + " lacks it (" + it->second + ")";
  }
  return note;
}

FigureRow judge(const FigureSpec& spec, const std::vector<double>& base, const std::vector<double>& candidate,
                const RuleOptions& rule) {
  FigureRow row;
  row.spec = &spec;
  row.result = compareFigure(spec.name, spec.lower_is_better, base, candidate, rule);
  FigureResult& r = row.result;
  if (base.size() < 2 || candidate.size() < 2) {
    row.note = std::to_string(base.size()) + " base and " + std::to_string(candidate.size()) +
               " candidate samples; the rule needs 2 or more on each side";
    if (spec.granularity == Granularity::kPerRun) {
      row.note += " (one sample per run: compare scenarios with --replicates 2 or more)";
    }
    return row;
  }
  if (r.base_mean != 0) return row;
  // A zero baseline: Δ % is undefined (the rule reports insufficient data).
  if (allZero(base) && allZero(candidate)) {
    r.verdict = Verdict::kNoChange;
    r.delta_pct = r.ci_low = r.ci_high = 0;
    row.note = "0 on both sides";
    return row;
  }
  row.relative = false;
  std::tie(row.abs_ci_low, row.abs_ci_high) = meanDifferenceInterval(base, candidate, rule);
  const bool excludes_zero = row.abs_ci_low > 0 || row.abs_ci_high < 0;
  if (!excludes_zero || r.candidate_mean == r.base_mean) {
    r.verdict = Verdict::kNoChange;
  } else {
    const bool went_up = r.candidate_mean > r.base_mean;
    r.verdict = went_up == spec.lower_is_better ? Verdict::kRegression : Verdict::kImprovement;
  }
  row.note = "baseline mean is 0, so delta % is undefined: judged on the absolute difference";
  return row;
}

}  // namespace

std::vector<const FigureRow*> Comparison::regressions() const {
  std::vector<const FigureRow*> out;
  for (const auto& row : rows) {
    if (!row.skipped && row.result.verdict == Verdict::kRegression) out.push_back(&row);
  }
  return out;
}

Comparison compareSides(Side base, Side candidate, const RuleOptions& rule) {
  Comparison c;
  c.rule = rule;
  for (const auto& spec : figureSpecs()) {
    auto b = base.figures.samples.find(spec.id);
    auto k = candidate.figures.samples.find(spec.id);
    if (b == base.figures.samples.end() || k == candidate.figures.samples.end()) {
      FigureRow row;
      row.spec = &spec;
      row.skipped = true;
      row.result.name = spec.name;
      row.result.lower_is_better = spec.lower_is_better;
      row.note = missingNote(base, candidate, spec.id);
      if (row.note.empty()) row.note = "no samples";
      c.rows.push_back(std::move(row));
      continue;
    }
    c.rows.push_back(judge(spec, b->second, k->second, rule));
  }
  c.base = std::move(base);
  c.candidate = std::move(candidate);
  return c;
}

}  // namespace ddsim::compare
