#include "core/config/config_keys.h"

#include <gtest/gtest.h>

#include <set>

namespace ddsim::config {
namespace {

// Spec §10: a sample of keys with the agent's defaults; the serializer compression defaults
// follow today's agent (zstd level 1, anchors.md §3b), not the 2024 snapshot.
struct DefaultCase {
  const char* key;
  nlohmann::json expected;
};

TEST(ConfigKeysTest, DefaultsMatchSpecSection10) {
  const DefaultCase cases[] = {
      {"site", "datadoghq.com"},
      {"dogstatsd_port", 8125},
      {"dogstatsd_buffer_size", 8192},
      {"dogstatsd_expiry_seconds", 300},
      {"dogstatsd_context_expiry_seconds", 20},
      {"histogram_aggregates", nlohmann::json::array({"max", "median", "avg", "count"})},
      {"histogram_percentiles", nlohmann::json::array({"0.95"})},
      {"use_v2_api.series", true},
      {"serializer_max_payload_size", 2621440},
      {"serializer_max_uncompressed_payload_size", 4194304},
      {"serializer_max_series_points_per_payload", 10000},
      {"serializer_max_series_payload_size", 512000},
      {"serializer_max_series_uncompressed_payload_size", 5242880},
      {"serializer_compressor_kind", "zstd"},
      {"serializer_zstd_compressor_level", 1},
      {"forwarder_timeout", 20},
      {"forwarder_num_workers", 1},
      {"forwarder_backoff_max", 64.0},
      {"forwarder_recovery_interval", 2},
      {"forwarder_storage_max_size_in_bytes", 0},
      {"forwarder_storage_max_disk_ratio", 0.80},
      {"forwarder_outdated_file_in_days", 10},
      {"check_sampler_bucket_commits_count_expiry", 2},
      {"aggregator_buffer_size", 100},
      {"apm_config.max_traces_per_second", 10.0},
      {"apm_config.errors_per_second", 10.0},
      {"apm_config.enable_rare_sampler", false},
  };
  for (const auto& c : cases) {
    const KeySpec* spec = findKey(c.key);
    ASSERT_NE(spec, nullptr) << c.key;
    EXPECT_EQ(spec->default_value, c.expected) << c.key;
  }
}

// Issue 11: `ddsim agent --list-keys` showed durations without units. Every duration is in
// seconds; sizes, time intervals in other units and the agent's count limits say theirs.
TEST(ConfigKeysTest, EveryDurationAndSizeKeyHasAUnit) {
  for (const auto& k : allKeys()) {
    if (k.type == KeyType::kDuration) {
      EXPECT_EQ(k.unit, "seconds") << k.name;
    }
    const std::string_view n = k.name;
    const bool size_like = n.ends_with("_size") || n.ends_with("_in_bytes") || n.ends_with("_seconds") ||
                           n.ends_with("_sec") || n.ends_with("_interval") || n.ends_with("_in_days");
    if (size_like && (k.type == KeyType::kInt || k.type == KeyType::kFloat)) {
      EXPECT_FALSE(k.unit.empty()) << k.name;
    }
    if (k.type == KeyType::kBool || k.type == KeyType::kString || k.type == KeyType::kStringList) {
      EXPECT_TRUE(k.unit.empty()) << k.name;
    }
  }
  const struct {
    const char* key;
    std::string_view unit;
  } cases[] = {{"forwarder_timeout", "seconds"},
               {"dogstatsd_packet_buffer_flush_timeout", "seconds"},
               {"dogstatsd_expiry_seconds", "seconds"},
               {"forwarder_apikey_validation_interval", "minutes"},
               {"forwarder_outdated_file_in_days", "days"},
               {"serializer_max_payload_size", "bytes"},
               {"forwarder_retry_queue_payloads_max_size", "bytes"},
               {"forwarder_retry_queue_max_size", "transactions"},
               {"dogstatsd_port", ""}};
  for (const auto& c : cases) EXPECT_EQ(findKey(c.key)->unit, c.unit) << c.key;
}

TEST(ConfigKeysTest, TableIsSortedUniqueAndDocumented) {
  std::set<std::string_view> seen;
  std::string_view prev;
  for (const auto& k : allKeys()) {
    EXPECT_TRUE(seen.insert(k.name).second) << "duplicate " << k.name;
    EXPECT_LT(prev, k.name);
    EXPECT_FALSE(k.help.empty()) << k.name;
    EXPECT_FALSE(k.component.empty()) << k.name;
    prev = k.name;
  }
  EXPECT_EQ(findKey("no_such_key"), nullptr);
}

TEST(ConfigKeysTest, EnvironmentVariableNamesFollowTheAgentsRule) {
  EXPECT_EQ(envVarName("api_key"), "DD_API_KEY");
  EXPECT_EQ(envVarName("dogstatsd_port"), "DD_DOGSTATSD_PORT");
  EXPECT_EQ(envVarName("use_v2_api.series"), "DD_USE_V2_API_SERIES");
  EXPECT_EQ(envVarName("enable_payloads.events"), "DD_ENABLE_PAYLOADS_EVENTS");
  EXPECT_EQ(envVarName("apm_config.enabled"), "DD_APM_ENABLED");
  EXPECT_EQ(envVarName("apm_config.receiver_port"), "DD_APM_RECEIVER_PORT");
  EXPECT_EQ(envVarName("apm_config.receiver_socket"), "DD_APM_RECEIVER_SOCKET");
  // The agent's explicit bindings (pkg/config/setup/apm.go).
  EXPECT_EQ(envVarName("apm_config.max_traces_per_second"), "DD_APM_MAX_TPS");
  EXPECT_EQ(envVarName("apm_config.errors_per_second"), "DD_APM_ERROR_TPS");
  EXPECT_EQ(envVarName("apm_config.enable_rare_sampler"), "DD_APM_ENABLE_RARE_SAMPLER");
  EXPECT_EQ(envVarName("apm_config.env"), "DD_APM_ENV");
  EXPECT_EQ(envVarName("env"), "DD_ENV");
  EXPECT_EQ(envVarName("apm_config.trace_writer.queue_size"), "");  // apm.go: SetKnown, no binding
}

}  // namespace
}  // namespace ddsim::config
