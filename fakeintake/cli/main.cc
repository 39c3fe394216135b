// fakeintake: a fake Datadog intake (see docs/fakeintake-api.md).
//   fakeintake [--host H] [--port P] [--retention 15m] [--max-memory 1GiB] [--log-level info]
//   fakeintake ctl --url http://127.0.0.1:P route-stats | flush | filter metrics ... | ...
#include <CLI/CLI.hpp>

#include <iostream>

#include "fakeintake/cli/ctl_command.h"
#include "fakeintake/cli/serve_command.h"

int main(int argc, char** argv) {
  CLI::App app{"fakeintake: a fake Datadog intake that decodes what the agent sends, speaks the agent "
               "fakeintake's control API and injects scripted faults"};
  ddsim::fakeintake::ServeArgs serve;
  ddsim::fakeintake::CtlArgs ctl_args;
  ddsim::fakeintake::addServeOptions(app, serve);
  CLI::App* ctl = ddsim::fakeintake::addCtlCommand(app, ctl_args);
  CLI11_PARSE(app, argc, argv);
  if (ctl->parsed()) return ddsim::fakeintake::runCtl(ctl_args, std::cout, std::cerr);
  return ddsim::fakeintake::runServe(serve);
}
