// The fakeintake binary's command line as a user meets it (issue 11): `--version` from the same
// source as `ddsim --version`, exit code 2 for every usage error, as ddsim, and `--store FILE`
// serving decoded payloads across a restart.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

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

// `fakeintake --store FILE` keeps payloads in memory as received and decodes them again for
// format=json; after a SIGTERM and a restart on the same file it serves the same answer.
TEST(FakeintakeCliTest, WithAStoreJsonQueriesAreDecodedAndARestartServesTheSame) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("ddsim_fi_cli_store_" + std::to_string(::getpid()) + ".sqlite")).string();
  std::filesystem::remove(path);
  std::ifstream in(std::string(DDSIM_TEST_DATA_DIR) + "/series_v2_zlib.bin", std::ios::binary);
  std::stringstream agent_bytes;  // the agent's own /api/v2/series body (deflate)
  agent_bytes << in.rdbuf();
  auto start = [&](ChildProcess& fi) {
    EXPECT_TRUE(fi.waitForOutput([](const std::string& out) { return out.find('\n') != std::string::npos; },
                                 ddsim::testing::kHangGuard))
        << fi.err();
    return std::stoi(fi.out());
  };
  auto freed = [](int port) {  // payloads whose decoded form memory let go of
    httplib::Client c("127.0.0.1", port);
    auto r = c.Get("/fakeintake/stats");
    if (!r || r->status != 200) return -1.0;
    return nlohmann::json::parse(r->body).value("fakeintake.decoded_freed_after_ingest", 0.0);
  };
  auto query = [](int port) {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(120, 0);
    auto r = c.Get("/fakeintake/payloads?endpoint=/api/v2/series&format=json");
    EXPECT_TRUE(r && r->status == 200);
    return r ? r->body : std::string();
  };
  std::string before;
  {
    ChildProcess fi({FAKEINTAKE_BINARY, "--port", "0", "--store", path});
    const int port = start(fi);
    httplib::Client c("127.0.0.1", port);
    auto posted = c.Post("/api/v2/series", {{"Content-Encoding", "deflate"}, {"DD-API-KEY", "0123456789abcdef0123456789abcdef"}},
                         agent_bytes.str(), "application/x-protobuf");
    ASSERT_TRUE(posted);
    ASSERT_EQ(posted->status, 202) << posted->body;
    before = query(port);
    EXPECT_EQ(freed(port), 1.0);
    fi.signal(SIGTERM);
    EXPECT_EQ(run(fi), 0) << fi.err();
  }
  const auto j = nlohmann::json::parse(before);
  ASSERT_EQ(j.at("payloads").size(), 1u) << before.substr(0, 300);
  const auto& data = j["payloads"][0].at("data");
  ASSERT_TRUE(data.is_array()) << before.substr(0, 300);
  ASSERT_FALSE(data.empty());
  EXPECT_TRUE(data[0].contains("metric")) << data[0].dump();
  ChildProcess restarted({FAKEINTAKE_BINARY, "--port", "0", "--store", path});
  const int port = start(restarted);
  EXPECT_EQ(query(port), before);
  EXPECT_EQ(freed(port), 1.0);  // the restored payload is kept as received too
  restarted.signal(SIGTERM);
  EXPECT_EQ(run(restarted), 0) << restarted.err();
  for (const char* suffix : {"", "-journal"}) std::filesystem::remove(path + suffix);
}

}  // namespace
}  // namespace ddsim
