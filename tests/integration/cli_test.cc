// The ddsim command line as a user meets it: help, exit codes, errors that name the file and
// the JSON path, replay and capture of the agent's own .dog capture.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/dogstatsd/capture_file.h"
#include "tests/support/child_process.h"

namespace ddsim {
namespace {

using namespace std::chrono_literals;
using testing::ChildProcess;

const std::string kCapture = std::string(DDSIM_TEST_DATA_DIR) + "/datadog-capture.dog";

std::optional<int> run(ChildProcess& p) { return p.wait(ddsim::testing::kHangGuard); }

TEST(CliTest, HelpListsEveryCommand) {
  ChildProcess p({DDSIM_BINARY, "--help"});
  ASSERT_EQ(run(p), 0);
  for (const char* cmd : {"run", "replay", "capture", "agent"}) {
    EXPECT_NE(p.out().find(cmd), std::string::npos) << cmd << " missing from:\n" << p.out();
  }
}

TEST(CliTest, NoCommandAndUnknownOptionsAreUsageErrors) {
  ChildProcess none({DDSIM_BINARY});
  EXPECT_EQ(run(none), 2);
  // Issue 11: `ddsim` alone shows the usage and says a command is needed.
  EXPECT_NE(none.err().find("Usage:"), std::string::npos) << none.err();
  EXPECT_NE(none.err().find("a command is required"), std::string::npos) << none.err();
  ChildProcess bad({DDSIM_BINARY, "run", "--frobnicate"});
  EXPECT_EQ(run(bad), 2);
}

// Writes a scenario file for one test; removed by the caller.
std::string writeScenario(const std::string& name, const std::string& json) {
  const std::string path = "/tmp/ddsim-cli-test-" + name + ".json";
  std::ofstream(path) << json;
  return path;
}

TEST(CliTest, GlobalOptionsAreAcceptedAfterTheCommand) {
  const std::string path = writeScenario("global", R"({"name": "cli-global", "duration": "30s",
      "intake": "inprocess", "workloads": [{"type": "dogstatsd", "contexts": 5, "rate": 5}]})");
  ChildProcess p({DDSIM_BINARY, "run", "--log-level", "error", "-q", path, "--report", "/tmp/ddsim-cli-global.json"});
  EXPECT_EQ(run(p), 0) << p.err();
  std::remove(path.c_str());
  std::remove("/tmp/ddsim-cli-global.json");
}

TEST(CliTest, AnUnwritableReportPathFailsBeforeTheRun) {
  const std::string path = writeScenario("unwritable", R"({"name": "cli-unwritable", "duration": "1m",
      "intake": "inprocess", "workloads": [{"type": "dogstatsd", "contexts": 5, "rate": 5}]})");
  // A directory cannot be created under a regular file.
  ChildProcess p({DDSIM_BINARY, "run", path, "--report", path + "/report.json"});
  EXPECT_EQ(run(p), 3);
  EXPECT_NE(p.err().find("cannot write the report to"), std::string::npos) << p.err();
  EXPECT_EQ(p.err().find("running scenario"), std::string::npos) << "the run started:\n" << p.err();
  EXPECT_EQ(p.out().find("flushes"), std::string::npos) << p.out();
  std::remove(path.c_str());
}

TEST(CliTest, AnAbsurdLoadIsNamedAndCtrlCStillReports) {
  // 1000 h at 2000 lines/s: ~7.2 G lines, far beyond any useful run.
  const std::string path = writeScenario("absurd", R"({"name": "cli-absurd", "duration": "1000h",
      "intake": "inprocess", "workloads": [{"type": "dogstatsd", "contexts": 50, "rate": 2000}]})");
  const std::string report = "/tmp/ddsim-cli-absurd-report.json";
  std::remove(report.c_str());
  ChildProcess p({DDSIM_BINARY, "run", path, "--report", report});
  // Progress shows an ETA once the run is under way; then SIGINT.
  ASSERT_TRUE(p.waitForOutput([&](const std::string&) { return p.err().find("| eta ") != std::string::npos; },
                              ddsim::testing::kHangGuard))
      << p.err();
  EXPECT_NE(p.err().find("warning: this scenario generates about 7.2 G items"), std::string::npos) << p.err();
  p.signal(SIGINT);
  EXPECT_EQ(run(p), 130) << p.err();
  EXPECT_NE(p.out().find("INTERRUPTED at +"), std::string::npos) << p.out();
  EXPECT_NE(p.out().find("report    " + report), std::string::npos) << p.out();
  std::ifstream in(report);
  ASSERT_TRUE(in.good()) << "an interrupted run still writes its report";
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  EXPECT_NE(text.find("\"interrupted\": true"), std::string::npos);
  EXPECT_NE(text.find("the run was interrupted at +"), std::string::npos);
  std::remove(path.c_str());
  std::remove(report.c_str());
}

TEST(CliTest, AMalformedScenarioIsRejectedBeforeAnythingRuns) {
  const std::string path = "/tmp/ddsim-cli-test-bad.json";
  {
    std::ofstream f(path);
    f << R"({"name": "bad", "duration": "1m", "workloads": [{"type": "dogstatsd", "rate": -5}]})";
  }
  ChildProcess p({DDSIM_BINARY, "run", path, "--report", "/tmp/ddsim-cli-test-bad-report.json"});
  EXPECT_EQ(run(p), 2);
  EXPECT_NE(p.err().find(path + ": $.workloads[0].rate: expected a non-negative rate"), std::string::npos) << p.err();
  std::ifstream report("/tmp/ddsim-cli-test-bad-report.json");
  EXPECT_FALSE(report.good()) << "no report may be written for a rejected scenario";
  std::remove(path.c_str());
}

TEST(CliTest, RunWritesTheReportWhereAskedAndPrintsTheSummary) {
  const std::string path = "/tmp/ddsim-cli-test-ok.json";
  {
    std::ofstream f(path);
    f << R"({"name": "cli-ok", "duration": "1m", "intake": "inprocess",
             "workloads": [{"type": "dogstatsd", "contexts": 20, "rate": 20}],
             "expect": [{"kind": "delivery", "no_loss": true}]})";
  }
  const std::string report = "/tmp/ddsim-cli-test-ok-report.json";
  ChildProcess p({DDSIM_BINARY, "run", "-q", path, "--report", report});
  EXPECT_EQ(run(p), 0) << p.err();
  EXPECT_NE(p.out().find("PASSED"), std::string::npos) << p.out();
  EXPECT_NE(p.out().find("report    " + report), std::string::npos) << p.out();
  std::ifstream r(report);
  EXPECT_TRUE(r.good());
  // The report names the allocator the figures were measured on (cmake/Allocator.cmake).
  std::stringstream text;
  text << r.rdbuf();
#ifdef DDSIM_EXPECT_JEMALLOC
  EXPECT_NE(text.str().find("\"allocator\": \"jemalloc "), std::string::npos) << "ddsim is not running on jemalloc";
#else
  EXPECT_NE(text.str().find("\"allocator\": \"glibc\""), std::string::npos);
#endif
  std::remove(path.c_str());
  std::remove(report.c_str());
}

TEST(CliTest, ReplayInprocListsWhatTheAggregatorFlushed) {
  ChildProcess p({DDSIM_BINARY, "replay", kCapture, "--speed", "0", "--target", "inproc"});
  ASSERT_EQ(run(p), 0) << p.err();
  EXPECT_NE(p.out().find("replayed 21 records (630 bytes)"), std::string::npos) << p.out();
  EXPECT_NE(p.out().find("jaime.uds.test {shell:test}"), std::string::npos) << p.out();
}

TEST(CliTest, ReplayOfAMissingOrCorruptFileFailsClearly) {
  ChildProcess missing({DDSIM_BINARY, "replay", "/nonexistent.dog", "--target", "inproc"});
  EXPECT_EQ(run(missing), 2);
  const std::string junk = "/tmp/ddsim-cli-test-junk.dog";
  {
    std::ofstream f(junk);
    f << "this is not a capture";
  }
  ChildProcess corrupt({DDSIM_BINARY, "replay", junk, "--speed", "0", "--target", "inproc"});
  EXPECT_EQ(run(corrupt), 2);
  EXPECT_NE(corrupt.err().find("ddsim replay:"), std::string::npos) << corrupt.err();
  std::remove(junk.c_str());
}

// Issue 11: a truncated or header-only capture used to replay "0 records" and exit 0.
TEST(CliTest, ReplayOfATruncatedOrHeaderOnlyCaptureFailsWithTheOffset) {
  std::ifstream in(kCapture, std::ios::binary);
  const std::string whole((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string cut = "/tmp/ddsim-cli-test-cut.dog";
  struct Case {
    size_t bytes;
    const char* error;
  } cases[] = {{8, "capture has no records: they end at byte offset 8, right after the 8-byte header"},
               {100000, "capture is truncated at byte offset 98960 after 12 complete records"}};
  for (const auto& c : cases) {
    std::ofstream(cut, std::ios::binary) << whole.substr(0, c.bytes);
    ChildProcess p({DDSIM_BINARY, "replay", cut, "--speed", "0", "--target", "inproc"});
    EXPECT_EQ(run(p), 2) << p.out();
    EXPECT_NE(p.err().find("ddsim replay: " + cut + ": " + c.error), std::string::npos) << p.err();
    EXPECT_EQ(p.out().find("replayed"), std::string::npos) << p.out();
  }
  std::remove(cut.c_str());
}

int freeUdpPort() {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

TEST(CliTest, CaptureRecordsWhatAReplaySendsOverUdp) {
  const int port = freeUdpPort();
  const std::string out = "/tmp/ddsim-cli-test-capture.dog";
  ChildProcess cap({DDSIM_BINARY, "capture", "--duration", "30s", "--out", out, "--port", std::to_string(port)});
  // Wait (bounded) until the listener is up.
  for (int i = 0; i < 100 && cap.err().find("listening on udp") == std::string::npos; ++i) {
    cap.waitForOutput([](const std::string&) { return false; }, 100ms);
  }
  ChildProcess rep({DDSIM_BINARY, "replay", kCapture, "--speed", "0", "--loops", "2", "--target",
                    "udp://127.0.0.1:" + std::to_string(port)});
  ASSERT_EQ(run(rep), 0) << rep.err();
  cap.signal(SIGINT);
  ASSERT_EQ(cap.wait(ddsim::testing::kHangGuard), 0) << cap.err();
  EXPECT_NE(cap.out().find("captured 42 packets"), std::string::npos) << cap.out();
  auto reader = dogstatsd::CaptureReader::open(out);
  ASSERT_TRUE(reader.isOk()) << reader.status().message();
  EXPECT_EQ(reader->version(), 3);
  dogstatsd::CaptureRecord r;
  int n = 0;
  while (true) {
    auto more = reader->next(r);
    ASSERT_TRUE(more.isOk());
    if (!*more) break;
    EXPECT_EQ(r.payload, "jaime.uds.test:8|g|#shell:test");
    ++n;
  }
  EXPECT_EQ(n, 42);
  std::remove(out.c_str());
}

}  // namespace
}  // namespace ddsim
