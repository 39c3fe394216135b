// `ddsim agent` as a process: configured by datadog.yaml and DD_* variables, fed by real UDP
// DogStatsD packets, forwarding to a fakeintake on loopback, stopped by SIGTERM after a final
// flush (issue 7, "ddsim agent").
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include "tests/integration/agent_fixture.h"
#include "tests/support/child_process.h"

namespace ddsim {
namespace {

using namespace std::chrono_literals;
using testing::ChildProcess;
using AgentCommandTest = testing::AgentIntakeTest;

constexpr const char* kApiKey = testing::kAgentApiKey;

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

// Issue 11: --print-config runs a run's validation and refuses what a run would refuse, naming
// the key, its file and line, and the reason.
TEST_F(AgentCommandTest, PrintConfigRefusesWhatARunWouldRefuse) {
  struct Case {
    const char* yaml;
    const char* error;
  } cases[] = {
      {"serializer_compressor_kind: lz4\n",
       "datadog.yaml:9:1: serializer_compressor_kind: unknown compressor 'lz4' (expected zstd, zlib, gzip or none)"},
      {"histogram_percentiles: [\"1.5\", \"abc\"]\n",
       "datadog.yaml:9:1: histogram_percentiles: '1.5' is not in [0, 1]; cannot parse 'abc'"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.yaml);
    ChildProcess agent({DDSIM_BINARY, "agent", "--config", writeConfig(c.yaml), "--print-config"});
    auto code = agent.wait(ddsim::testing::kHangGuard);
    ASSERT_TRUE(code.has_value());
    EXPECT_EQ(*code, 2) << agent.out();
    EXPECT_NE(agent.err().find(c.error), std::string::npos) << agent.err();
    EXPECT_EQ(agent.out().find('{'), std::string::npos) << "printed anyway:\n" << agent.out();
  }
}

// Issue 11: `-c DIR` reads DIR/datadog.yaml, as the agent's -c does.
TEST_F(AgentCommandTest, ConfigMayBeTheDirectoryHoldingDatadogYaml) {
  writeConfig();
  ChildProcess agent({DDSIM_BINARY, "agent", "-c", dir_, "--print-config"});
  auto code = agent.wait(ddsim::testing::kHangGuard);
  ASSERT_TRUE(code.has_value());
  ASSERT_EQ(*code, 0) << agent.err();
  EXPECT_EQ(nlohmann::json::parse(agent.out())["hostname"], "agent-under-test");
  const std::string empty = dir_ + "/empty";
  ASSERT_EQ(::mkdir(empty.c_str(), 0700), 0);
  ChildProcess none({DDSIM_BINARY, "agent", "-c", empty, "--print-config"});
  code = none.wait(ddsim::testing::kHangGuard);
  ::rmdir(empty.c_str());
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 2);
  EXPECT_NE(none.err().find("directory '" + empty + "' holds no datadog.yaml"), std::string::npos) << none.err();
}

// Issue 11: --list-keys shows each key's unit as the config table defines it.
TEST_F(AgentCommandTest, ListKeysShowsUnits) {
  ChildProcess agent({DDSIM_BINARY, "agent", "--list-keys"});
  auto code = agent.wait(ddsim::testing::kHangGuard);
  ASSERT_TRUE(code.has_value());
  ASSERT_EQ(*code, 0) << agent.err();
  const std::string& out = agent.out();
  EXPECT_NE(out.find(" unit "), std::string::npos) << out.substr(0, 300);
  auto line = [&](const std::string& key) {
    const auto at = out.find("\n" + key + " (");
    return at == std::string::npos ? std::string() : out.substr(at + 1, out.find('\n', at + 1) - at - 1);
  };
  struct Case {
    const char* key;
    const char* unit;
  } cases[] = {{"forwarder_timeout", " seconds "},
               {"dogstatsd_packet_buffer_flush_timeout", " seconds "},
               {"forwarder_apikey_validation_interval", " minutes "},
               {"serializer_max_payload_size", " bytes "},
               {"forwarder_outdated_file_in_days", " days "}};
  for (const auto& c : cases) EXPECT_NE(line(c.key).find(c.unit), std::string::npos) << line(c.key);
}

}  // namespace
}  // namespace ddsim
