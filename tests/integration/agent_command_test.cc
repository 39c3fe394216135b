// `ddsim agent` as a process: configured by datadog.yaml and DD_* variables, fed by real UDP
// DogStatsD packets, forwarding to a fakeintake on loopback, stopped by SIGTERM after a final
// flush (issue 7, "ddsim agent").
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <sys/socket.h>

#include <cstdio>
#include <fstream>
#include <regex>

#include "core/common/clock.h"
#include "fakeintake/handler/intake_handler.h"
#include "fakeintake/server/http_server.h"
#include "tests/support/child_process.h"

namespace ddsim {
namespace {

using namespace std::chrono_literals;
using testing::ChildProcess;

constexpr const char* kApiKey = "0123456789abcdef0123456789abcdef";

class AgentCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fakeintake::IntakeOptions o;
    handler_ = std::make_unique<fakeintake::IntakeHandler>(o, common::SystemClock::instance());
    server_ = std::make_unique<fakeintake::HttpServer>(*handler_, fakeintake::ServerOptions{});
    auto port = server_->start();
    ASSERT_TRUE(port.isOk()) << port.status().message();
    char dir[] = "/tmp/ddsim-agent-test-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
  }
  void TearDown() override {
    server_->stop();
    std::remove((dir_ + "/datadog.yaml").c_str());
    ::rmdir(dir_.c_str());
  }
  std::string writeConfig(const std::string& extra = "") {
    const std::string path = dir_ + "/datadog.yaml";
    std::ofstream f(path);
    f << "dd_url: " << server_->url() << "\n"
      << "hostname: agent-under-test\n"
      << "dogstatsd_port: -1\n"
      << "dogstatsd_socket: \"\"\n"
      << "bind_host: 127.0.0.1\n"
      << "ddsim:\n  flush_interval: 1\n"
      << "log_level: info\n"
      << extra;
    return path;
  }
  static int udpPort(const std::string& out) {
    std::smatch m;
    static const std::regex re(R"(dogstatsd listening on udp [^:\s]+:(\d+))");
    return std::regex_search(out, m, re) ? std::stoi(m[1]) : 0;
  }
  static void sendUdp(int port, const std::string& payload) {
    int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::sendto(fd, payload.data(), payload.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::close(fd);
  }
  // The sum of value * interval of `metric` over every stored v2 series payload (a DogStatsD
  // counter's count); with `series_only`, how many series of that name were stored.
  double storedCount(const std::string& metric, bool series_only = false) {
    double sum = 0;
    fakeintake::PayloadQuery q;
    q.route = "/api/v2/series";
    for (const auto& p : handler_->store().query(q, common::SystemClock::instance().systemNow())) {
      if (!p->decoded) continue;
      if (const auto* s = std::get_if<std::vector<fakeintake::DecodedSeries>>(&p->decoded->items)) {
        for (const auto& serie : *s) {
          if (serie.metric != metric) continue;
          if (series_only) {
            sum += 1;
            continue;
          }
          for (const auto& pt : serie.points) sum += pt.value * static_cast<double>(serie.interval);
        }
      }
    }
    return sum;
  }

  std::unique_ptr<fakeintake::IntakeHandler> handler_;
  std::unique_ptr<fakeintake::HttpServer> server_;
  std::string dir_;
};

TEST_F(AgentCommandTest, ForwardsDogStatsDToTheIntakeAndStopsCleanlyOnSigterm) {
  ChildProcess agent({DDSIM_BINARY, "agent", "--config", writeConfig()}, {std::string("DD_API_KEY=") + kApiKey});
  ASSERT_TRUE(agent.started());
  ASSERT_TRUE(agent.waitForOutput([](const std::string& o) { return udpPort(o) != 0; }, ddsim::testing::kHangGuard))
      << agent.out() << agent.err();
  const int port = udpPort(agent.out());
  for (int i = 0; i < 50; ++i) sendUdp(port, "ddsim.agent_test.requests:1|c|#env:test");
  // Poll the intake (bounded) until the counter has arrived in full.
  const auto deadline = std::chrono::steady_clock::now() + ddsim::testing::kHangGuard;
  while (storedCount("ddsim.agent_test.requests") < 50 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_DOUBLE_EQ(storedCount("ddsim.agent_test.requests"), 50.0);
  agent.signal(SIGTERM);
  auto code = agent.wait(ddsim::testing::kHangGuard);
  ASSERT_TRUE(code.has_value()) << "the agent did not stop after SIGTERM";
  EXPECT_EQ(*code, 0) << agent.err();
  EXPECT_NE(agent.out().find("stopped after"), std::string::npos) << agent.out();
  EXPECT_NE(agent.err().find("final flush"), std::string::npos) << agent.err();
  // The agent's own series and check reached the intake too.
  EXPECT_GT(storedCount("datadog.agent.running", /*series_only=*/true), 0.0);
  EXPECT_GT(handler_->store().countsByRoute()["/api/v1/check_run"], 0u);
}

TEST_F(AgentCommandTest, WithoutAnApiKeyItRefusesToStartAsTheAgentDoes) {
  ChildProcess agent({DDSIM_BINARY, "agent", "--config", writeConfig()}, {"DD_API_KEY="});
  auto code = agent.wait(ddsim::testing::kHangGuard);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 2);
  EXPECT_NE(agent.err().find("no API key configured, exiting"), std::string::npos) << agent.err();
  EXPECT_EQ(handler_->store().stats().stored_total, 0u);
}

TEST_F(AgentCommandTest, ARejectedApiKeyIsLoggedAndTheAgentKeepsRunning) {
  handler_->setValidApiKeys({"ffffffffffffffffffffffffffffffff"}, /*enforce_on_intake=*/false);
  ChildProcess agent({DDSIM_BINARY, "agent", "--config", writeConfig()}, {std::string("DD_API_KEY=") + kApiKey});
  ASSERT_TRUE(agent.waitForOutput([](const std::string& o) { return udpPort(o) != 0; }, ddsim::testing::kHangGuard)) << agent.err();
  const auto deadline = std::chrono::steady_clock::now() + ddsim::testing::kHangGuard;
  while (agent.err().find("is invalid") == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    agent.waitForOutput([](const std::string&) { return false; }, 200ms);
  }
  EXPECT_NE(agent.err().find("API key ending with bcdef"), std::string::npos) << agent.err();
  agent.signal(SIGINT);
  auto code = agent.wait(ddsim::testing::kHangGuard);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0);
}

TEST_F(AgentCommandTest, EnvironmentVariablesOverrideTheFileByTheAgentsNamingRule) {
  ChildProcess agent({DDSIM_BINARY, "agent", "--config", writeConfig("forwarder_num_workers: 2\n"), "--print-config"},
                     {"DD_FORWARDER_NUM_WORKERS=3", "DD_USE_V2_API_SERIES=false", "DD_API_KEY=abc"});
  auto code = agent.wait(ddsim::testing::kHangGuard);
  ASSERT_TRUE(code.has_value());
  ASSERT_EQ(*code, 0) << agent.err();
  auto cfg = nlohmann::json::parse(agent.out());
  EXPECT_EQ(cfg["forwarder_num_workers"], 3);
  EXPECT_EQ(cfg["use_v2_api.series"], false);
  EXPECT_EQ(cfg["hostname"], "agent-under-test");
}

TEST_F(AgentCommandTest, AnInvalidConfigFileIsRejectedWithItsLine) {
  const std::string path = writeConfig("forwarder_timeout: soon\n");
  ChildProcess agent({DDSIM_BINARY, "agent", "--config", path}, {std::string("DD_API_KEY=") + kApiKey});
  auto code = agent.wait(ddsim::testing::kHangGuard);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 2);
  EXPECT_NE(agent.err().find("datadog.yaml:9:1: forwarder_timeout"), std::string::npos) << agent.err();
}

}  // namespace
}  // namespace ddsim
