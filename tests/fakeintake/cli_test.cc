// The command line: unit parsing for the server flags, and `fakeintake ctl` against a real
// server (exit codes as upstream fakeintakectl: non-zero when a filter matches nothing).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "fakeintake/cli/ctl_command.h"
#include "fakeintake/cli/units.h"
#include "tests/fakeintake/test_support.h"

namespace ddsim::fakeintake {
namespace {

using namespace std::chrono_literals;

TEST(CliUnits, Durations) {
  struct Case {
    const char* text;
    std::chrono::nanoseconds want;
  } cases[] = {{"15m", 15min}, {"90s", 90s}, {"1h30m", 90min}, {"250ms", 250ms}, {"600", 600s}, {"0.5s", 500ms}};
  for (const auto& c : cases) {
    auto d = parseDuration(c.text);
    ASSERT_TRUE(d.isOk()) << c.text;
    EXPECT_EQ(*d, c.want) << c.text;
  }
  for (const char* bad : {"", "m", "10x", "5m3", "-1s", "1e999h"}) EXPECT_FALSE(parseDuration(bad).isOk()) << bad;
}

TEST(CliUnits, ByteSizes) {
  struct Case {
    const char* text;
    size_t want;
  } cases[] = {{"1GiB", size_t{1} << 30}, {"512MiB", size_t{512} << 20}, {"64MB", 64'000'000}, {"4096", 4096}, {"2kib", 2048}};
  for (const auto& c : cases) {
    auto v = parseByteSize(c.text);
    ASSERT_TRUE(v.isOk()) << c.text;
    EXPECT_EQ(*v, c.want) << c.text;
  }
  for (const char* bad : {"", "GiB", "12XB", "1e30GiB"}) EXPECT_FALSE(parseByteSize(bad).isOk()) << bad;
}

struct CtlRun {
  int code;
  std::string out, err;
};

// Runs `fakeintake ctl <words>` (no --url added).
CtlRun ctlWords(std::vector<std::string> words) {
  CLI::App app;
  CtlArgs args;
  addCtlCommand(app, args);
  std::vector<std::string> argv = {"fakeintake", "ctl"};
  argv.insert(argv.end(), words.begin(), words.end());
  std::vector<const char*> cargv;
  for (const auto& w : argv) cargv.push_back(w.c_str());
  try {
    app.parse(static_cast<int>(cargv.size()), cargv.data());
  } catch (const CLI::ParseError& e) {
    return {-1, "", e.what()};
  }
  std::ostringstream out, err;
  int code = runCtl(args, out, err);
  return {code, out.str(), err.str()};
}

CtlRun ctl(const testing::TestServer& s, std::vector<std::string> words) {
  words.insert(words.begin(), {"--url", s.url()});
  return ctlWords(std::move(words));
}

TEST(FakeintakeCtl, RouteStatsFilterGetAndFaults) {
  testing::TestServer s;
  ASSERT_TRUE(s.post("/api/v2/series", testing::testData("series_v2_zlib.bin"), "deflate"));

  CtlRun stats = ctl(s, {"route-stats"});
  EXPECT_EQ(stats.code, 0) << stats.err;
  EXPECT_NE(stats.out.find("/api/v2/series"), std::string::npos);
  EXPECT_NE(stats.out.find("20149"), std::string::npos) << stats.out;

  CtlRun hit = ctl(s, {"filter", "metrics", "--name", "datadog.dogstatsd.client.aggregated_context_by_type",
                       "--tags", "client:go,client_transport:udp"});
  EXPECT_EQ(hit.code, 0) << hit.err;
  EXPECT_NE(hit.out.find("\"metric\":\"datadog.dogstatsd.client.aggregated_context_by_type\""), std::string::npos);
  CtlRun miss = ctl(s, {"filter", "metrics", "--name", "no.such.metric"});
  EXPECT_EQ(miss.code, 2);
  EXPECT_EQ(miss.out, "");

  CtlRun names = ctl(s, {"get", "metric-names"});
  EXPECT_EQ(names.code, 0);
  EXPECT_NE(names.out.find("snmp.ifOperStatus\n"), std::string::npos);
  CtlRun payloads = ctl(s, {"get", "payloads", "--endpoint", "/api/v2/series"});
  EXPECT_EQ(payloads.code, 0);
  EXPECT_NE(payloads.out.find("\"size\":2479"), std::string::npos) << payloads.out;

  const std::string file = ::testing::TempDir() + "/fi_faults.json";
  std::ofstream(file) << R"({"rules":[{"route":"/api/v2/series","status":503,"count":1}]})";
  EXPECT_EQ(ctl(s, {"faults", "set", file}).code, 0);
  EXPECT_EQ(s.post("/api/v2/series", "{}", "", "application/json")->status, 503);
  CtlRun state = ctl(s, {"faults", "get"});
  EXPECT_NE(state.out.find("\"applied\": 1"), std::string::npos) << state.out;
  EXPECT_EQ(ctl(s, {"faults", "clear"}).code, 0);
  std::ofstream(file) << R"({"rules":[{"route":"/x"}]})";
  CtlRun bad = ctl(s, {"faults", "set", file});
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("needs an effect"), std::string::npos) << bad.err;
  std::remove(file.c_str());

  EXPECT_EQ(ctl(s, {"flush"}).code, 0);
  EXPECT_EQ(ctl(s, {"get", "metric-names"}).code, 2);
  EXPECT_EQ(ctl(s, {"health"}).code, 0);
}

// The agent's fakeintakectl spellings (test/fakeintake/cmd/client in DataDog/datadog-agent):
// `get metric names`, `get check-run`, and the global --url after the subcommand.
TEST(FakeintakeCtl, AcceptsFakeintakectlSpellingsAndLateGlobalFlags) {
  testing::TestServer s;
  ASSERT_TRUE(s.post("/api/v2/series", testing::testData("series_v2_zlib.bin"), "deflate"));
  ASSERT_TRUE(s.post("/api/v1/check_run", testing::testData("check_run_zlib.bin"), "deflate", "application/json"));
  auto run = ctlWords;
  CtlRun names = run({"get", "metric", "names", "--url", s.url()});
  EXPECT_EQ(names.code, 0) << names.err;
  EXPECT_NE(names.out.find("snmp.ifOperStatus\n"), std::string::npos);
  CtlRun runs = run({"get", "check-run", "--url", s.url()});
  EXPECT_EQ(runs.code, 0) << runs.err;
  EXPECT_NE(runs.out.find("\"check\""), std::string::npos) << runs.out;
  CtlRun health = run({"health", "--url", s.url()});
  EXPECT_EQ(health.code, 0) << health.err;
}

TEST(FakeintakeCtl, UnreachableServerIsAnError) {
  CLI::App app;
  CtlArgs args;
  addCtlCommand(app, args);
  const char* argv[] = {"fakeintake", "ctl", "--url", "http://127.0.0.1:1", "health"};
  app.parse(5, argv);
  std::ostringstream out, err;
  EXPECT_EQ(runCtl(args, out, err), 1);
  EXPECT_NE(err.str().find("Connection"), std::string::npos) << err.str();
}

}  // namespace
}  // namespace ddsim::fakeintake
