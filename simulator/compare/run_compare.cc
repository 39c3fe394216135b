#include "simulator/compare/run_compare.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "simulator/compare/compare_input.h"
#include "simulator/compare/compare_output.h"

namespace ddsim::compare {

using nlohmann::json;

namespace {

std::string shortNumber(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

std::string checkArgs(const CompareArgs& a) {
  if (a.replicates < 1) return "--replicates must be at least 1, got " + std::to_string(a.replicates);
  if (!(a.effect_pct > 0)) return "--effect must be a percentage > 0, got " + shortNumber(a.effect_pct);
  if (!(a.confidence > 0 && a.confidence < 1)) {
    return "--confidence must be between 0 and 1 (0.9 = 90 %), got " + shortNumber(a.confidence);
  }
  return "";
}

int codeFor(const common::Status& st) {
  switch (st.code()) {
    case common::StatusCode::kIoError:
    case common::StatusCode::kInvalidArgument: return kCompareBadInput;
    default: return kCompareSetupError;
  }
}

}  // namespace

int runCompare(const CompareArgs& args, std::ostream& out, std::ostream& err) {
  if (auto bad = checkArgs(args); !bad.empty()) {
    err << "ddsim compare: " << bad << "\n";
    return kCompareBadInput;
  }
  InputOptions io;
  io.replicates = args.replicates;
  io.seed = args.seed;
  io.on_progress = [&err](const std::string& line) { err << line << "\n"; };

  // Both files are read and recognised before anything runs; then scenario replicates run
  // interleaved (base 1, candidate 1, base 2, ...) so that a machine whose load drifts during
  // the comparison weighs on both sides alike.
  Input inputs[2];
  const std::string* paths[2] = {&args.base, &args.candidate};
  const char* roles[2] = {"BASE", "CANDIDATE"};
  for (int s = 0; s < 2; ++s) {
    auto in = readInput(*paths[s]);
    if (!in.isOk()) {
      err << "ddsim compare: " << roles[s] << " " << in.status().message() << "\n";
      return codeFor(in.status());
    }
    inputs[s] = std::move(*in);
  }
  // Different experiments are refused before anything runs, unless the caller means it.
  {
    json base_id = inputs[0].side.identity, cand_id = inputs[1].side.identity;
    if (args.seed && inputs[0].side.kind == "scenario" && inputs[1].side.kind == "scenario") {
      base_id.erase("seed");  // --seed runs both sides with the same seeds
      cand_id.erase("seed");
    }
    const auto diffs = differentIdentity(base_id, cand_id);
    if (!diffs.empty()) {
      std::string list;
      for (const auto& d : diffs) list += (list.empty() ? "" : "; ") + d;
      if (!args.allow_different) {
        err << "ddsim compare: BASE and CANDIDATE ran different experiments (" << list
            << "). Pass --allow-different to compare them anyway.\n";
        return kCompareBadInput;
      }
      inputs[1].side.notes.push_back("compared with --allow-different: " + list);
    }
  }
  for (int i = 0; i < args.replicates; ++i) {
    for (int s = 0; s < 2; ++s) {
      if (auto st = runReplicate(inputs[s], i, io); !st.isOk()) {
        err << "ddsim compare: " << roles[s] << " " << st.message() << "\n";
        return codeFor(st);
      }
    }
  }
  Side sides[2] = {std::move(inputs[0].side), std::move(inputs[1].side)};
  if (sides[0].kind == "scenario" && sides[1].kind == "scenario" && !args.seed && !sides[0].seeds.empty() &&
      !sides[1].seeds.empty() && sides[0].seeds.front() != sides[1].seeds.front()) {
    sides[1].notes.push_back("the two scenarios have different seeds, so their traffic differs too (pass --seed "
                             "to run both with the same seeds)");
  }

  RuleOptions rule;
  rule.effect_pct = args.effect_pct;
  rule.confidence = args.confidence;
  rule.seed = args.seed.value_or(rule.seed);
  const Comparison c = compareSides(std::move(sides[0]), std::move(sides[1]), rule);
  out << renderTable(c);

  if (!args.json_out.empty()) {
    std::error_code ec;
    const auto parent = std::filesystem::path(args.json_out).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    std::ofstream f(args.json_out);
    f << comparisonJson(c).dump(2) << "\n";
    f.close();
    if (!f) {
      err << "ddsim compare: cannot write the JSON to '" << args.json_out << "'\n";
      return kCompareSetupError;
    }
    out << "json      " << args.json_out << "\n";
  }
  return c.regressions().empty() ? kCompareNoRegression : kCompareRegression;
}

}  // namespace ddsim::compare
