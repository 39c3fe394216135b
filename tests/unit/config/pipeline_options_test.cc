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

}  // namespace
}  // namespace ddsim::config
