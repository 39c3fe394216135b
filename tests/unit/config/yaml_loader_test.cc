#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <unistd.h>

#include "core/config/agent_config.h"

namespace ddsim::config {
namespace {

TEST(YamlLoaderTest, FlattensNestedKeysAndReadsTypes) {
  AgentConfig cfg;
  auto st = loadYamlString(cfg, R"(
api_key: 0123456789abcdef
dd_url: http://127.0.0.1:8080
use_v2_api:
  series: false
enable_payloads:
  events: no
histogram_percentiles: ["0.5", "0.99"]
forwarder_timeout: 5s
additional_endpoints:
  "http://127.0.0.1:9090":
    - key1
    - key2
)", "datadog.yaml");
  ASSERT_TRUE(st.isOk()) << st.message();
  EXPECT_EQ(cfg.getString("api_key"), "0123456789abcdef");
  EXPECT_FALSE(cfg.getBool("use_v2_api.series"));
  EXPECT_FALSE(cfg.getBool("enable_payloads.events"));
  EXPECT_TRUE(cfg.getBool("enable_payloads.series"));
  EXPECT_EQ(cfg.getStringList("histogram_percentiles"), (std::vector<std::string>{"0.5", "0.99"}));
  EXPECT_DOUBLE_EQ(cfg.getDurationSeconds("forwarder_timeout"), 5.0);
  EXPECT_EQ(cfg.get("additional_endpoints")["http://127.0.0.1:9090"], (nlohmann::json{"key1", "key2"}));
  EXPECT_EQ(cfg.sourceOf("use_v2_api.series"), "datadog.yaml:5:3");
  EXPECT_TRUE(cfg.warnings().empty());
}

TEST(YamlLoaderTest, UnknownKeysAreWarnedWithTheirLine) {
  AgentConfig cfg;
  auto st = loadYamlString(cfg, "process_config:\n  enabled: true\nlogs_enabled: true\n", "datadog.yaml");
  ASSERT_TRUE(st.isOk()) << st.message();
  ASSERT_EQ(cfg.warnings().size(), 2u);
  EXPECT_EQ(cfg.warnings()[0], "datadog.yaml:2:3: unknown key 'process_config.enabled' ignored");
  EXPECT_EQ(cfg.warnings()[1], "datadog.yaml:3:1: unknown key 'logs_enabled' ignored");
}

struct BadYamlCase {
  const char* text;
  const char* expected_fragment;
};

TEST(YamlLoaderTest, BadInputIsRejectedWithFileLineAndReason) {
  const BadYamlCase cases[] = {
      {"dogstatsd_port: [1, 2\n", "datadog.yaml:"},
      {"dogstatsd_port: eighty\n", "datadog.yaml:1:1: dogstatsd_port: expected integer"},
      {"- a\n- b\n", "the top level must be a mapping"},
      {"forwarder_timeout: soon\n", "datadog.yaml:1:1: forwarder_timeout: bad duration"},
      // Found by tests/fuzz/datadog_yaml_fuzz.cc: invalid UTF-8 in a rejected value threw out of
      // the loader while the error message was built.
      {"dogstatsd_port: \"\xb8x\"\n", "datadog.yaml:1:1: dogstatsd_port: expected integer"},
      // Also found by the fuzzer: an alias inside the node it names recursed until the stack ran out.
      {"a: &x\n  b: *x\n", "levels deep (an alias that refers to itself?)"},
      {"tags: &t [*t]\n", "levels deep"},
  };
  for (const auto& c : cases) {
    AgentConfig cfg;
    auto st = loadYamlString(cfg, c.text, "datadog.yaml");
    ASSERT_FALSE(st.isOk()) << c.text;
    EXPECT_NE(st.message().find(c.expected_fragment), std::string::npos) << st.message();
  }
}

TEST(YamlLoaderTest, InvalidUtf8InAnAcceptedStringIsPrintableAsJson) {
  AgentConfig cfg;
  ASSERT_TRUE(loadYamlString(cfg, "hostname: \"a\xb8b\"\n", "datadog.yaml").isOk());
  // What `ddsim agent --print-config` prints: the byte replaced, nothing thrown.
  const std::string out = cfg.effective().dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  EXPECT_NE(out.find("\"hostname\": \"a\xEF\xBF\xBD"), std::string::npos) << out;
}

TEST(YamlLoaderTest, EmptyFileIsFineAndMissingFileIsAnError) {
  AgentConfig cfg;
  EXPECT_TRUE(loadYamlString(cfg, "", "empty.yaml").isOk());
  auto st = loadYamlFile(cfg, "/nonexistent/datadog.yaml");
  ASSERT_FALSE(st.isOk());
  EXPECT_EQ(st.message(), "cannot open config file '/nonexistent/datadog.yaml'");
}

TEST(YamlLoaderTest, LoadsFromAFile) {
  char path[] = "/tmp/ddsim_cfg_XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  {
    std::ofstream out(path);
    out << "dogstatsd_port: 18125\n";
  }
  AgentConfig cfg;
  auto st = loadYamlFile(cfg, path);
  ::close(fd);
  std::remove(path);
  ASSERT_TRUE(st.isOk()) << st.message();
  EXPECT_EQ(cfg.getInt("dogstatsd_port"), 18125);
}

// Issue 11: `-c DIR` reads DIR/datadog.yaml, as the agent's -c does; a directory without one
// is an error that names it.
TEST(YamlLoaderTest, ADirectoryMeansTheDatadogYamlInIt) {
  char dir[] = "/tmp/ddsim_cfg_dir_XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  const std::string file = std::string(dir) + "/datadog.yaml";
  AgentConfig empty_dir_cfg;
  auto missing = loadYamlFile(empty_dir_cfg, dir);
  ASSERT_FALSE(missing.isOk());
  EXPECT_EQ(missing.code(), common::StatusCode::kNotFound);
  EXPECT_EQ(missing.message().rfind("directory '" + std::string(dir) + "' holds no datadog.yaml", 0), 0u)
      << missing.message();
  std::ofstream(file) << "dogstatsd_port: 18126\nforwarder_timeout: soon\n";
  AgentConfig cfg;
  auto bad = loadYamlFile(cfg, dir);
  ASSERT_FALSE(bad.isOk());
  // Errors name the file that was read, line and column.
  EXPECT_EQ(bad.message().rfind(file + ":2:1: forwarder_timeout", 0), 0u) << bad.message();
  EXPECT_EQ(cfg.getInt("dogstatsd_port"), 18126);
  EXPECT_EQ(*configFilePath(dir), file);
  EXPECT_EQ(*configFilePath(file), file);
  std::remove(file.c_str());
  ::rmdir(dir);
}

}  // namespace
}  // namespace ddsim::config
