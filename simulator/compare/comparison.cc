#include "simulator/compare/comparison.h"

#include <algorithm>
#include <cmath>
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

bool constant(const std::vector<double>& v) {
  return !v.empty() && std::all_of(v.begin(), v.end(), [&](double x) { return x == v.front(); });
}

// A deterministic figure of two virtual-time sides: no noise to test against, so any difference
// is real; it is flagged when it reaches the effect-size tolerance.
FigureRow judgeExactly(const FigureSpec& spec, double base, double candidate, size_t base_n, size_t candidate_n,
                       const RuleOptions& rule) {
  FigureRow row;
  row.spec = &spec;
  FigureResult& r = row.result;
  r.name = spec.name;
  r.lower_is_better = spec.lower_is_better;
  r.base_n = base_n;
  r.candidate_n = candidate_n;
  r.base_mean = base;
  r.candidate_mean = candidate;
  row.note = "deterministic in virtual time: compared exactly";
  if (base == candidate) {
    r.verdict = Verdict::kNoChange;
    return row;
  }
  bool reaches = true;
  if (base != 0) {
    r.delta_pct = r.ci_low = r.ci_high = (candidate - base) / std::abs(base) * 100;
    reaches = std::abs(r.delta_pct) >= rule.effect_pct;
  } else {
    row.relative = false;
    row.abs_ci_low = row.abs_ci_high = candidate - base;
  }
  const bool went_up = candidate > base;
  r.verdict = !reaches ? Verdict::kNoChange
                       : (went_up == spec.lower_is_better ? Verdict::kRegression : Verdict::kImprovement);
  return row;
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
    const bool both_virtual = base.identity.value("mode", "virtual") == "virtual" &&
                              candidate.identity.value("mode", "virtual") == "virtual";
    if (spec.deterministic && both_virtual && constant(b->second) && constant(k->second)) {
      c.rows.push_back(judgeExactly(spec, b->second.front(), k->second.front(), b->second.size(), k->second.size(), rule));
      continue;
    }
    c.rows.push_back(judge(spec, b->second, k->second, rule));
  }
  c.base = std::move(base);
  c.candidate = std::move(candidate);
  return c;
}

std::vector<std::string> differentIdentity(const nlohmann::json& base, const nlohmann::json& candidate) {
  std::vector<std::string> out;
  const nlohmann::json none;
  auto get = [&](const nlohmann::json& side, const char* k) -> const nlohmann::json& {
    return side.is_object() && side.contains(k) ? side[k] : none;
  };
  for (const char* k : {"name", "seed", "mode", "duration_seconds"}) {
    const auto &a = get(base, k), &b = get(candidate, k);
    if (!a.is_null() && !b.is_null() && a != b) out.push_back(std::string(k) + " " + a.dump() + " vs " + b.dump());
  }
  const auto &ab = get(base, "agent_overrides"), &cb = get(candidate, "agent_overrides");
  if (ab.is_object() && cb.is_object()) {
    for (auto it = ab.begin(); it != ab.end(); ++it) {
      const auto c = cb.find(it.key());
      if (c == cb.end()) out.push_back("agent setting " + it.key() + ": " + it.value().dump() + " vs (default)");
      else if (*c != it.value()) out.push_back("agent setting " + it.key() + ": " + it.value().dump() + " vs " + c->dump());
    }
    for (auto it = cb.begin(); it != cb.end(); ++it) {
      if (!ab.contains(it.key())) out.push_back("agent setting " + it.key() + ": (default) vs " + it.value().dump());
    }
  }
  return out;
}

}  // namespace ddsim::compare
