// The fakeintake binary's command line as a user meets it (issue 11): `--version` from the same
// source as `ddsim --version`, and exit code 2 for every usage error, as ddsim.
#include <gtest/gtest.h>

#include "tests/support/child_process.h"

namespace ddsim {
namespace {

using testing::ChildProcess;

std::optional<int> run(ChildProcess& p) { return p.wait(ddsim::testing::kHangGuard); }

TEST(FakeintakeCliTest, VersionIsTheProjectVersionThatDdsimPrints) {
  ChildProcess fi({FAKEINTAKE_BINARY, "--version"});
  ASSERT_EQ(run(fi), 0) << fi.err();
  ChildProcess dd({DDSIM_BINARY, "--version"});
  ASSERT_EQ(run(dd), 0) << dd.err();
  ASSERT_EQ(dd.out().rfind("ddsim ", 0), 0u) << dd.out();
  EXPECT_EQ(fi.out(), "fakeintake " + dd.out().substr(6)) << fi.out();
  EXPECT_EQ(fi.out().find("ddsim"), std::string::npos);
}

TEST(FakeintakeCliTest, UsageErrorsExitTwo) {
  struct Case {
    std::vector<std::string> args;
    const char* error;  // in stderr
  } cases[] = {
      {{"--frobnicate"}, "frobnicate"},                                           // CLI11 ExtrasError (was 109)
      {{"ctl"}, "is required"},                                                   // CLI11 RequiredError (was 106)
      {{"--port", "70000"}, "--port"},                                            // CLI11 ValidationError (was 105)
      {{"--retention", "soon", "--port", "0"}, "soon"},                           // checked by the server (was 1)
      {{"--faults", "/nonexistent/faults.json", "--port", "0"}, "cannot read --faults file"},  // (was 1)
  };
  for (const auto& c : cases) {
    std::vector<std::string> argv = {FAKEINTAKE_BINARY};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    SCOPED_TRACE(c.args.front());
    ChildProcess p(argv);
    EXPECT_EQ(run(p), 2) << p.err();
    EXPECT_NE(p.err().find(c.error), std::string::npos) << p.err();
  }
  ChildProcess help({FAKEINTAKE_BINARY, "--help"});
  EXPECT_EQ(run(help), 0);
}

}  // namespace
}  // namespace ddsim
