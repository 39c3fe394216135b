#pragma once
// `fakeintake ctl ...`: the control API for people at a terminal (the agent's fakeintakectl,
// extended): route-stats, flush, health, filter metrics, get payloads / metric-names /
// check-runs / events / sketches, faults set|get|clear, violations.
#include <CLI/CLI.hpp>

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace ddsim::fakeintake {

struct CtlArgs {
  std::string url;
  std::string command;  // set by the subcommand callbacks
  // filter metrics
  std::string name;
  std::vector<std::string> tags;
  std::vector<std::string> tag_regexes;
  std::optional<double> min_value, max_value;
  bool all_points = false;
  std::string type;
  std::optional<int64_t> from_ts, to_ts;
  // get payloads
  std::string endpoint;
  std::string format;
  uint64_t cursor = 0;
  // faults set
  std::string file;
  bool append = false;
  // violations
  std::string route, property;
};

// Adds `ctl` and its subcommands to `app`; returns the ctl subcommand.
CLI::App* addCtlCommand(CLI::App& app, CtlArgs& args);
// Runs the parsed command, writing results to `out` and errors to `err`. Exit code: 0, 1 on
// errors, 2 when a filter/get matched nothing (as upstream fakeintakectl exits non-zero).
int runCtl(const CtlArgs& args, std::ostream& out, std::ostream& err);

}  // namespace ddsim::fakeintake
