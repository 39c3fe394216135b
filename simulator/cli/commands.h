#pragma once
// The ddsim command line: one register function per subcommand, each in its own file.
// A register function adds its subcommand to `app` and sets the callback that runs it; the
// callback stores the process exit code in `exit_code`.
#include <CLI/CLI.hpp>

namespace ddsim::cli {

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;        // the run completed and an expectation, the accounting or a comparison failed
inline constexpr int kExitBadInput = 2;      // a scenario, config, capture or argument was rejected
inline constexpr int kExitSetupError = 3;    // the run could not start (ports, files)
inline constexpr int kExitInterrupted = 130;  // stopped by SIGINT/SIGTERM (the report is still written)

void registerRunCommand(CLI::App& app, int& exit_code);
void registerReplayCommand(CLI::App& app, int& exit_code);
void registerCaptureCommand(CLI::App& app, int& exit_code);
void registerCompareCommand(CLI::App& app, int& exit_code);
// `log_level` is the global --log-level ("" when not given): the agent then uses its config's.
void registerAgentCommand(CLI::App& app, int& exit_code, const std::string& log_level);
// `ddsim serverless`: the Lambda extension; logs at DD_LOG_LEVEL (default error) like the agent's.
void registerServerlessCommand(CLI::App& app, int& exit_code);
// `ddsim lambda`: an extension in the simulated Lambda (simulator/lambda/).
void registerLambdaCommand(CLI::App& app, int& exit_code);

}  // namespace ddsim::cli
