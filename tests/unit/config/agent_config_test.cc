#include "core/config/agent_config.h"

#include <gtest/gtest.h>

#include <map>

namespace ddsim::config {
namespace {

using nlohmann::json;

TEST(AgentConfigTest, UnsetKeysReadTheirDefaults) {
  AgentConfig cfg;
  EXPECT_EQ(cfg.getInt("dogstatsd_port"), 8125);
  EXPECT_TRUE(cfg.getBool("use_v2_api.series"));
  EXPECT_EQ(cfg.getString("serializer_compressor_kind"), "zstd");
  EXPECT_EQ(cfg.getStringList("histogram_aggregates"), (std::vector<std::string>{"max", "median", "avg", "count"}));
  EXPECT_DOUBLE_EQ(cfg.getDurationSeconds("check_sampler_stateful_metric_expiration_time"), 25 * 3600);
  EXPECT_FALSE(cfg.has("api_key"));
  EXPECT_EQ(cfg.sourceOf("dogstatsd_port"), "default");
}

struct CoerceCase {
  const char* key;
  json input;
  json expected;  // null = error expected
};

TEST(AgentConfigTest, ValuesAreCoercedToTheKeysTypeOrRejected) {
  const CoerceCase cases[] = {
      {"dogstatsd_port", "9125", 9125},
      {"dogstatsd_port", 9125.0, 9125},
      {"dogstatsd_port", "nine", nullptr},
      {"dogstatsd_port", 1.5, nullptr},
      {"use_v2_api.series", "false", false},
      {"use_v2_api.series", "yes", true},
      {"use_v2_api.series", "maybe", nullptr},
      {"forwarder_backoff_factor", "3.5", 3.5},
      {"forwarder_timeout", "1m30s", 90.0},
      {"forwarder_timeout", "250ms", 0.25},
      {"forwarder_timeout", 5, 5.0},
      {"forwarder_timeout", "-3", nullptr},
      {"forwarder_timeout", "5 parsecs", nullptr},
      {"dogstatsd_tags", "env:prod team:x", json::array({"env:prod", "team:x"})},
      {"dogstatsd_tags", R"(["a b","c"])", json::array({"a b", "c"})},
      {"dogstatsd_tags", json::array({"a", 1}), json::array({"a", "1"})},
      {"dogstatsd_tags", json::object(), nullptr},
      {"additional_endpoints", R"({"http://x":["k1","k2"]})", json{{"http://x", {"k1", "k2"}}}},
      {"additional_endpoints", "not json", nullptr},
      {"hostname", 42, "42"},
  };
  for (const auto& c : cases) {
    AgentConfig cfg;
    auto st = cfg.set(c.key, c.input, "test");
    if (c.expected.is_null()) {
      EXPECT_FALSE(st.isOk()) << c.key << " <- " << c.input.dump();
      EXPECT_NE(st.message().find(c.key), std::string::npos) << st.message();
    } else {
      ASSERT_TRUE(st.isOk()) << c.key << " <- " << c.input.dump() << ": " << st.message();
      EXPECT_EQ(cfg.get(c.key), c.expected) << c.key;
      EXPECT_EQ(cfg.sourceOf(c.key), "test");
    }
  }
}

TEST(AgentConfigTest, UnknownKeysAreRejectedWithTheirSource) {
  AgentConfig cfg;
  auto st = cfg.set("dogstatsd_prot", 1, "scenario steady.json");
  ASSERT_FALSE(st.isOk());
  EXPECT_EQ(st.message(), "scenario steady.json: unknown agent config key 'dogstatsd_prot'");
}

TEST(AgentConfigTest, EnvironmentVariablesOverrideByTheAgentsNamingRule) {
  std::map<std::string, std::string> env = {
      {"DD_API_KEY", "abcdef0123456789"},
      {"DD_DOGSTATSD_PORT", "18125"},
      {"DD_USE_V2_API_SERIES", "false"},
      {"DD_SITE", "datadoghq.eu"},
      {"UNRELATED", "x"},
  };
  AgentConfig cfg;
  auto st = applyEnvironment(cfg, [&](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
  ASSERT_TRUE(st.isOk()) << st.message();
  EXPECT_EQ(cfg.getString("api_key"), "abcdef0123456789");
  EXPECT_EQ(cfg.getInt("dogstatsd_port"), 18125);
  EXPECT_FALSE(cfg.getBool("use_v2_api.series"));
  EXPECT_EQ(cfg.getString("site"), "datadoghq.eu");
  EXPECT_EQ(cfg.sourceOf("dogstatsd_port"), "environment variable DD_DOGSTATSD_PORT");
}

TEST(AgentConfigTest, BadEnvironmentValueNamesTheVariable) {
  AgentConfig cfg;
  auto st = applyEnvironment(cfg, [](const char* name) -> const char* {
    return std::string(name) == "DD_FORWARDER_NUM_WORKERS" ? "four" : nullptr;
  });
  ASSERT_FALSE(st.isOk());
  EXPECT_NE(st.message().find("DD_FORWARDER_NUM_WORKERS"), std::string::npos) << st.message();
}

TEST(AgentConfigTest, EffectiveConfigListsEveryKey) {
  AgentConfig cfg;
  ASSERT_TRUE(cfg.set("forwarder_num_workers", 4, "t").isOk());
  json e = cfg.effective();
  EXPECT_EQ(e.size(), allKeys().size());
  EXPECT_EQ(e["forwarder_num_workers"], 4);
}

}  // namespace
}  // namespace ddsim::config
