#include "simulator/compare/compare_input.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/store/run_store.h"
#include "fakeintake/faults/fault_rule.h"
#include "simulator/runner/simulation.h"
#include "simulator/scenario/scenario_loader.h"

namespace ddsim::compare {

using nlohmann::json;

namespace {

common::Result<std::string> readFile(const std::string& path) {
  std::error_code ec;
  const auto st = std::filesystem::status(path, ec);
  if (st.type() == std::filesystem::file_type::not_found) return common::ioError(path + ": cannot read: no such file");
  if (ec) return common::ioError(path + ": cannot read: " + ec.message());
  if (st.type() != std::filesystem::file_type::regular) {
    return common::ioError(path + ": cannot read: not a regular file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return common::ioError(path + ": cannot read: " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return common::ioError(path + ": cannot read: " + std::strerror(errno));
  return ss.str();
}

bool looksLikeScenario(const json& doc) {
  return doc.is_object() && (doc.contains("workloads") || (doc.contains("name") && doc.contains("duration")));
}

// The identity of a report's run (its "scenario" section).
json reportIdentity(const json& report) {
  json id = json::object();
  if (!report.contains("scenario") || !report["scenario"].is_object()) return id;
  const json& sc = report["scenario"];
  for (const char* k : {"name", "seed", "mode", "duration_seconds", "agent_overrides"}) {
    if (sc.contains(k)) id[k] = sc[k];
  }
  return id;
}

json scenarioIdentity(const scenario::Scenario& s) {
  return {{"name", s.name},
          {"seed", s.seed},
          {"mode", s.mode == scenario::Mode::kRealtime ? "realtime" : "virtual"},
          {"duration_seconds", s.duration},
          {"agent_overrides", s.agent.is_object() ? s.agent : json::object()}};
}

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", s);
  return buf;
}

}  // namespace

common::Result<Input> readInput(const std::string& path) {
  auto text = readFile(path);
  if (!text.isOk()) return text.status();
  if (text->rfind(std::string("SQLite format 3\0", 16), 0) == 0) {
    // A run store (docs/run-store.md): the run's report is kept in it.
    store::RunStoreOptions ro;
    ro.read_only = true;
    auto rs = store::RunStore::open(path, ro);
    if (!rs.isOk()) return common::invalidArgument(path + ": " + rs.status().message());
    auto report = (*rs)->meta("report");
    if (!report) {
      return common::invalidArgument(path + ": a run store without a run report (a fakeintake's store, or a run that "
                                            "did not finish)");
    }
    text = std::move(*report);
  }
  json doc;
  try {
    doc = json::parse(*text);
  } catch (const json::parse_error& e) {
    // e.what() is "[json.exception.parse_error.101] parse error at line 1, column 2: ...".
    std::string why = e.what();
    if (auto pos = why.find("] "); pos != std::string::npos) why.erase(0, pos + 2);
    return common::invalidArgument(path + ": neither a ddsim report nor a scenario: not JSON (" + why + ")");
  } catch (const json::exception& e) {  // well-formed, but a number beyond a double (1e999)
    return common::invalidArgument(path + ": neither a ddsim report nor a scenario: " + e.what());
  }
  Input in;
  in.side.path = path;
  if (isReport(doc)) {
    auto figures = figuresFromReport(doc, path);
    if (!figures.isOk()) return figures.status();
    in.side.kind = "report";
    in.side.figures = std::move(*figures);
    in.side.identity = reportIdentity(doc);
    return in;
  }
  if (!looksLikeScenario(doc)) {
    return common::invalidArgument(path +
                                   ": neither a ddsim report (no \"ddsim_report_version\") nor a scenario (no "
                                   "\"workloads\", no \"name\" and \"duration\")");
  }
  scenario::LoadOptions lo;
  lo.validate_fault_rule = [](const json& rule) -> std::string {
    auto r = fakeintake::faultRuleFromJson(rule, "rule");
    return r.isOk() ? "" : r.status().message();
  };
  auto sc = scenario::parseScenario(doc, path, lo);
  if (!sc.isOk()) return sc.status();
  in.side.kind = "scenario";
  in.side.identity = scenarioIdentity(*sc);
  in.scenario = std::move(*sc);
  return in;
}

common::Status runReplicate(Input& in, int index, const InputOptions& options) {
  if (!in.scenario) return common::Status::ok();
  Side& side = in.side;
  auto tell = [&](const std::string& line) {
    if (options.on_progress) options.on_progress(side.path + ": " + line);
  };
  if (index == 0 && in.scenario->mode == scenario::Mode::kRealtime) {
    tell("a realtime scenario: each replicate takes its full duration of wall time");
  }
  scenario::Scenario s = *in.scenario;
  s.seed = options.seed.value_or(in.scenario->seed) + static_cast<uint64_t>(index);
  const std::string label = "replicate " + std::to_string(index + 1) + "/" + std::to_string(options.replicates) +
                            " (seed " + std::to_string(s.seed) + ")";
  tell(label + " running");
  auto run = runner::runScenario(s);
  if (!run.isOk()) return {run.status().code(), side.path + ": " + label + ": " + run.status().message()};
  auto figures = figuresFromReport(run->report, side.path + " " + label);
  if (!figures.isOk()) return figures.status();
  if (!run->passed()) {
    side.notes.push_back(label + " did not pass" + (run->failures.empty() ? std::string() : ": " + run->failures.front()));
  }
  side.seeds.push_back(s.seed);
  side.figures.add(*figures);
  const json& real = run->report["run"]["real_seconds"];
  tell(label + " done in " + seconds(real.is_number() ? real.get<double>() : 0));
  return common::Status::ok();
}

}  // namespace ddsim::compare
