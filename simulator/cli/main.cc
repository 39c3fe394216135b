// ddsim: run scenarios against the built-in fakeintake, replay captures, run the pipeline as a
// live agent, and compare runs.
#include <CLI/CLI.hpp>

#include <iostream>

#include "core/common/logging.h"
#include "simulator/cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"ddsim: a test harness and replay simulator for the Datadog Agent's metrics pipeline"};
  app.require_subcommand(0, 1);
  // Global options are accepted after the subcommand too (`ddsim run --log-level info x.json`):
  // subcommands inherit this and pass options they do not know to the top level.
  app.fallthrough();
  app.set_version_flag("--version", std::string("ddsim ") + DDSIM_VERSION);  // the CMake project version
  // Unset: each command's own default (`run` keeps the simulated agent's logs quiet: the
  // report holds every error it would log; `agent` logs at info like the agent).
  std::string log_level;
  app.add_option("--log-level", log_level,
                 "trace, debug, info, warn, error, critical or off (default: critical for run, info for agent, "
                 "warn otherwise)")
      ->check([](const std::string& v) {
        auto st = ddsim::common::setLogLevel(v);
        return st.isOk() ? std::string() : st.message();
      });
  int exit_code = 0;
  ddsim::cli::registerRunCommand(app, exit_code);
  ddsim::cli::registerReplayCommand(app, exit_code);
  ddsim::cli::registerCaptureCommand(app, exit_code);
  ddsim::cli::registerCompareCommand(app, exit_code);
  ddsim::cli::registerAgentCommand(app, exit_code, log_level);
  ddsim::cli::registerServerlessCommand(app, exit_code);
  ddsim::cli::registerLambdaCommand(app, exit_code);
  app.parse_complete_callback([&] {
    std::string level = log_level;
    if (level.empty()) {
      level = "warn";
      for (const auto* sub : app.get_subcommands()) {
        if (sub->get_name() == "run") level = "critical";
        if (sub->get_name() == "agent") return;  // configured from its datadog.yaml / DD_LOG_LEVEL
        if (sub->get_name() == "serverless") return;  // DD_LOG_LEVEL, as the extension
      }
    }
    ddsim::common::initLogging(level);
  });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : ddsim::cli::kExitBadInput;
  }
  if (app.get_subcommands().empty()) {
    // `ddsim` alone: the usage, as an error (no command was given).
    std::cerr << app.help() << "\nddsim: a command is required (run, compare, agent, serverless, lambda, replay, capture)\n";
    return ddsim::cli::kExitBadInput;
  }
  return exit_code;
}
