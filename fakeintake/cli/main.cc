// fakeintake: a fake Datadog intake (see docs/fakeintake-api.md).
//   fakeintake [--host H] [--port P] [--retention 15m] [--max-memory 1GiB] [--log-level info]
//   fakeintake ctl --url http://127.0.0.1:P route-stats | flush | filter metrics ... | ...
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>

#include "fakeintake/cli/ctl_command.h"
#include "fakeintake/cli/serve_command.h"

int main(int argc, char** argv) {
  CLI::App app{"fakeintake: a fake Datadog intake that decodes what the agent sends, speaks the agent "
               "fakeintake's control API and injects scripted faults"};
  ddsim::fakeintake::ServeArgs serve;
  ddsim::fakeintake::CtlArgs ctl_args;
  ddsim::fakeintake::addServeOptions(app, serve);
  CLI::App* ctl = ddsim::fakeintake::addCtlCommand(app, ctl_args);
  app.set_version_flag("--version", std::string("fakeintake ") + DDSIM_VERSION);  // the CMake project version
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every usage error exits 2, as ddsim's do (not CLI11's own codes).
    return app.exit(e) == 0 ? 0 : ddsim::fakeintake::kServeExitUsage;
  }
  if (ctl->parsed()) return ddsim::fakeintake::runCtl(ctl_args, std::cout, std::cerr);
  return ddsim::fakeintake::runServe(serve);
}
