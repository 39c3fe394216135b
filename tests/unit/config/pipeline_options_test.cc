#include "core/config/pipeline_options.h"

#include <gtest/gtest.h>

namespace ddsim::config {
namespace {

TEST(PipelineOptionsTest, DefaultsReachEveryModule) {
  AgentConfig cfg;
  auto r = pipelineOptions(cfg);
  ASSERT_TRUE(r.isOk()) << r.status().message();
  const auto& o = *r;
  EXPECT_EQ(o.dogstatsd.port, 8125);
  EXPECT_EQ(o.dogstatsd.buffer_size, 8192u);
  EXPECT_EQ(o.aggregator.flush_interval_seconds, 15);
  EXPECT_EQ(o.aggregator.time_sampler.dogstatsd_expiry_seconds, 300);
  EXPECT_EQ(o.aggregator.histogram.percentiles, (std::vector<std::string>{"0.95"}));
  EXPECT_EQ(o.serializer.compression.kind, serializer::CompressorKind::kZstd);
  EXPECT_EQ(o.serializer.compression.zstd_level, 1);
  EXPECT_TRUE(o.serializer.use_v2_api_series);
  EXPECT_EQ(o.serializer.series_v2_limits.max_points_per_payload, 10000);
  EXPECT_EQ(o.forwarder.forwarder_timeout, std::chrono::seconds(20));
  EXPECT_EQ(o.forwarder.retryQueueMaxBytes(), 15 * 1024 * 1024);
}

TEST(PipelineOptionsTest, OverridesMapOntoTheirFields) {
  AgentConfig cfg;
  ASSERT_TRUE(cfg.set("serializer_compressor_kind", "zlib", "t").isOk());
  ASSERT_TRUE(cfg.set("use_v2_api.series", false, "t").isOk());
  ASSERT_TRUE(cfg.set("forwarder_num_workers", 4, "t").isOk());
  ASSERT_TRUE(cfg.set("forwarder_retry_queue_max_size", 3, "t").isOk());
  ASSERT_TRUE(cfg.set("additional_endpoints", nlohmann::json{{"http://127.0.0.1:1", {"k1", "k2"}}}, "t").isOk());
  ASSERT_TRUE(cfg.set("hostname", "sim-host", "t").isOk());
  ASSERT_TRUE(cfg.set("histogram_aggregates", nlohmann::json::array({"min", "sum"}), "t").isOk());
  auto r = pipelineOptions(cfg);
  ASSERT_TRUE(r.isOk()) << r.status().message();
  EXPECT_EQ(r->serializer.compression.kind, serializer::CompressorKind::kZlib);
  EXPECT_FALSE(r->serializer.use_v2_api_series);
  EXPECT_EQ(r->forwarder.forwarder_num_workers, 4);
  EXPECT_EQ(r->forwarder.retryQueueMaxBytes(), 3 * 2 * 1024 * 1024);  // spec §6.6 deprecated key
  EXPECT_EQ(r->forwarder.additional_endpoints.at("http://127.0.0.1:1"), (std::vector<std::string>{"k1", "k2"}));
  EXPECT_EQ(r->aggregator.aggregator.hostname, "sim-host");
  EXPECT_EQ(r->dogstatsd.processor.enrich.default_hostname, "sim-host");
  EXPECT_EQ(r->aggregator.histogram.aggregates, (std::vector<std::string>{"min", "sum"}));
}

TEST(PipelineOptionsTest, UnusableValuesNameTheKeyAndItsSource) {
  AgentConfig cfg;
  ASSERT_TRUE(cfg.set("serializer_compressor_kind", "lz4", "datadog.yaml:3:1").isOk());
  auto r = pipelineOptions(cfg);
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().message(),
            "datadog.yaml:3:1: serializer_compressor_kind: unknown compressor 'lz4' (expected zstd, zlib, gzip or none)");
  AgentConfig cfg2;
  ASSERT_TRUE(cfg2.set("forwarder_num_workers", 0, "scenario").isOk());
  EXPECT_FALSE(pipelineOptions(cfg2).isOk());
}

// Issue 11: the agent skips bad histogram settings with a log line; ddsim refuses them (a run and
// `ddsim agent --print-config` both go through pipelineOptions).
TEST(PipelineOptionsTest, BadHistogramPercentilesAndAggregatesAreRejected) {
  struct Case {
    const char* key;
    nlohmann::json value;
    const char* error;  // "" = accepted
  } cases[] = {
      {"histogram_percentiles", {"0.5", "0.99", "1"}, ""},
      {"histogram_percentiles", {"1.5", "abc"},
       "datadog.yaml:4:1: histogram_percentiles: '1.5' is not in [0, 1]; cannot parse 'abc'"},
      {"histogram_percentiles", {"-0.1"}, "datadog.yaml:4:1: histogram_percentiles: '-0.1' is not in [0, 1]"},
      {"histogram_aggregates", {"max", "p99"}, "datadog.yaml:4:1: histogram_aggregates: unknown aggregate 'p99'"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.value.dump());
    AgentConfig cfg;
    ASSERT_TRUE(cfg.set(c.key, c.value, "datadog.yaml:4:1").isOk());
    auto r = pipelineOptions(cfg);
    if (std::string(c.error).empty()) {
      EXPECT_TRUE(r.isOk()) << r.status().message();
    } else {
      ASSERT_FALSE(r.isOk());
      EXPECT_EQ(r.status().message(), c.error);
    }
  }
}

TEST(PipelineOptionsTest, APortOutsideSixteenBitsIsRejectedNotTruncated) {
  // Issue 11: 99999 used to become 34463 (99999 mod 65536).
  for (int64_t port : {99999, -2, 65536}) {
    AgentConfig cfg;
    ASSERT_TRUE(cfg.set("dogstatsd_port", port, "DD_DOGSTATSD_PORT").isOk());
    auto r = pipelineOptions(cfg);
    ASSERT_FALSE(r.isOk()) << port;
    EXPECT_EQ(r.status().message(), "DD_DOGSTATSD_PORT: dogstatsd_port: must be a port in 0-65535 (0 = off, -1 = a free port), got " +
                                        std::to_string(port));
  }
  for (int64_t port : {-1, 0, 8125, 65535}) {
    AgentConfig cfg;
    ASSERT_TRUE(cfg.set("dogstatsd_port", port, "x").isOk());
    auto r = pipelineOptions(cfg);
    ASSERT_TRUE(r.isOk()) << r.status().message();
    EXPECT_EQ(r->dogstatsd.port, port);
  }
}

}  // namespace
}  // namespace ddsim::config
