#include "simulator/compare/compare_output.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace ddsim::compare {

using nlohmann::json;

namespace {

std::string printf1(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string pct(double v) { return printf1("%+.1f %%", v); }

std::string interval(const std::string& low, const std::string& high) {
  std::string s = "[";
  s.append(low).append(", ").append(high).append("]");
  return s;
}

const char* unitName(Unit u) {
  switch (u) {
    case Unit::kSeconds: return "seconds";
    case Unit::kBytes: return "bytes";
    case Unit::kPerSecond: return "per second";
    case Unit::kCount: return "count";
  }
  return "?";
}

const char* perName(Granularity g) { return g == Granularity::kPerFlush ? "flush" : "run"; }

std::string verdictText(const FigureRow& row) { return row.skipped ? "skipped" : verdictName(row.result.verdict); }

bool hasInterval(const FigureRow& row) {
  return !row.skipped && row.result.verdict != Verdict::kInsufficient;
}

std::string describeSide(const Side& s) {
  std::ostringstream d;
  const int runs = s.figures.runs;
  d << s.path << " (" << s.kind << ", " << runs;
  if (s.kind == "scenario") {
    d << (runs == 1 ? " replicate" : " replicates");
    if (!s.seeds.empty()) d << (s.seeds.size() == 1 ? ", seed " : ", seeds ") << s.seeds.front();
    if (s.seeds.size() > 1) d << "-" << s.seeds.back();
  } else {
    d << (runs == 1 ? " run" : " runs");
  }
  d << ")";
  return d.str();
}

std::string confidenceLabel(const RuleOptions& r) { return printf1("%g%% CI", r.confidence * 100); }

// The table's cells for one row.
std::vector<std::string> cells(const FigureRow& row) {
  const FigureSpec& s = *row.spec;
  std::vector<std::string> c = {s.name, perName(s.granularity), s.lower_is_better ? "lower" : "higher"};
  if (row.skipped) {
    c.insert(c.end(), {"-", "-", "-", "-", "-"});
  } else {
    const auto& r = row.result;
    c.push_back(std::to_string(r.base_n).append("/").append(std::to_string(r.candidate_n)));
    c.push_back(formatValue(r.base_mean, s.unit));
    c.push_back(formatValue(r.candidate_mean, s.unit));
    if (!row.relative) {
      c.push_back("n/a");
      c.push_back(interval(formatValue(row.abs_ci_low, s.unit), formatValue(row.abs_ci_high, s.unit)));
    } else if (r.base_mean == 0) {
      c.insert(c.end(), {"n/a", "-"});
    } else {
      c.push_back(pct(r.delta_pct));
      c.push_back(hasInterval(row) ? interval(pct(r.ci_low), pct(r.ci_high)) : "-");
    }
  }
  c.push_back(verdictText(row));
  return c;
}

json sideJson(const Side& s) {
  return {{"file", s.path}, {"kind", s.kind}, {"runs", s.figures.runs}, {"seeds", s.seeds}, {"notes", s.notes}};
}

json numberOrNull(bool have, double v) { return have && std::isfinite(v) ? json(v) : json(nullptr); }

}  // namespace

std::string formatValue(double v, Unit unit) {
  switch (unit) {
    case Unit::kSeconds: {
      const double a = std::fabs(v);
      if (a != 0 && a < 1e-3) return printf1("%.1f us", v * 1e6);
      if (a < 1) return printf1("%.2f ms", v * 1e3);
      return printf1("%.3f s", v);
    }
    case Unit::kBytes: return printf1("%.1f B", v);
    case Unit::kPerSecond: {
      const double a = std::fabs(v);
      if (a >= 1e6) return printf1("%.2f M/s", v / 1e6);
      if (a >= 1e3) return printf1("%.2f k/s", v / 1e3);
      return printf1("%.1f /s", v);
    }
    case Unit::kCount: return v == std::floor(v) ? printf1("%.0f", v) : printf1("%.1f", v);
  }
  return printf1("%g", v);
}

std::string renderTable(const Comparison& c) {
  std::ostringstream out;
  out << "base       " << describeSide(c.base) << "\n";
  out << "candidate  " << describeSide(c.candidate) << "\n";
  out << "rule       flagged when |delta mean %| >= " << printf1("%g", c.rule.effect_pct) << " % and the "
      << confidenceLabel(c.rule) << " of delta excludes 0 (Welch t with under "
      << c.rule.bootstrap_min_samples << " samples a side, else bootstrap, " << c.rule.resamples
      << " resamples, seed " << c.rule.seed << ")\n\n";

  std::vector<std::vector<std::string>> table = {{"figure", "per", "better", "n base/cand", "base mean", "cand mean",
                                                  "delta %", confidenceLabel(c.rule), "verdict"}};
  for (const auto& row : c.rows) table.push_back(cells(row));
  std::vector<size_t> width(table.front().size(), 0);
  for (const auto& line : table) {
    for (size_t i = 0; i < line.size(); ++i) width[i] = std::max(width[i], line[i].size());
  }
  for (const auto& line : table) {
    std::string text;
    for (size_t i = 0; i < line.size(); ++i) {
      text += line[i];
      if (i + 1 < line.size()) text += std::string(width[i] - line[i].size() + 2, ' ');
    }
    out << text << "\n";
  }

  std::vector<std::string> notes;
  for (const auto& row : c.rows) {
    if (!row.note.empty()) notes.push_back(std::string(row.spec->name) + ": " + row.note);
  }
  for (const auto* side : {&c.base, &c.candidate}) {
    for (const auto& n : side->notes) notes.push_back(std::string(side == &c.base ? "base" : "candidate") + ": " + n);
  }
  if (!notes.empty()) {
    out << "\nnotes\n";
    for (const auto& n : notes) out << "  " << n << "\n";
  }

  const auto regressed = c.regressions();
  out << "\nresult: ";
  if (regressed.empty()) {
    out << "no regression\n";
  } else {
    out << regressed.size() << (regressed.size() == 1 ? " regression: " : " regressions: ");
    for (size_t i = 0; i < regressed.size(); ++i) out << (i ? ", " : "") << regressed[i]->spec->name;
    out << "\n";
  }
  return out.str();
}

json comparisonJson(const Comparison& c) {
  json figures = json::array();
  json regressions = json::array();
  for (const auto& row : c.rows) {
    const auto& r = row.result;
    const FigureSpec& s = *row.spec;
    const bool pct_defined = !row.skipped && row.relative && r.base_mean != 0;
    json f = {{"id", s.id},
              {"name", s.name},
              {"unit", unitName(s.unit)},
              {"per", perName(s.granularity)},
              {"lower_is_better", s.lower_is_better},
              {"source", s.source},
              {"verdict", verdictText(row)},
              {"note", row.note}};
    if (!row.skipped) {
      f["base_n"] = r.base_n;
      f["candidate_n"] = r.candidate_n;
      f["base_mean"] = r.base_mean;
      f["candidate_mean"] = r.candidate_mean;
      f["delta_pct"] = numberOrNull(pct_defined, r.delta_pct);
      f["ci_low_pct"] = numberOrNull(pct_defined && hasInterval(row), r.ci_low);
      f["ci_high_pct"] = numberOrNull(pct_defined && hasInterval(row), r.ci_high);
      if (!row.relative) {
        f["ci_low_abs"] = row.abs_ci_low;
        f["ci_high_abs"] = row.abs_ci_high;
      }
    }
    if (!row.skipped && r.verdict == Verdict::kRegression) regressions.push_back(s.id);
    figures.push_back(std::move(f));
  }
  return {{"base", sideJson(c.base)},
          {"candidate", sideJson(c.candidate)},
          {"rule",
           {{"effect_pct", c.rule.effect_pct},
            {"confidence", c.rule.confidence},
            {"resamples", c.rule.resamples},
            {"bootstrap_min_samples", c.rule.bootstrap_min_samples},
            {"seed", c.rule.seed}}},
          {"figures", figures},
          {"regressions", regressions}};
}

}  // namespace ddsim::compare
