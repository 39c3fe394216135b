#include "core/config/pipeline_options.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

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

// Options from a datadog.yaml text ("" = none) and an environment.
common::Result<PipelineOptions> optionsFrom(const char* yaml, const std::map<std::string, std::string>& env) {
  AgentConfig cfg;
  if (*yaml) {
    if (auto st = loadYamlString(cfg, yaml, "datadog.yaml"); !st.isOk()) return st;
  }
  auto st = applyEnvironment(cfg, [&](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
  if (!st.isOk()) return st;
  return pipelineOptions(cfg);
}

// Issue 14: the trace agent's sampler keys, as the agent names them in datadog.yaml and in the
// environment (pkg/config/setup/apm.go binds apm_config.max_traces_per_second to DD_APM_MAX_TPS
// and errors_per_second to DD_APM_ERROR_TPS; enable_rare_sampler follows the DD_APM_ rule).
TEST(PipelineOptionsTest, TraceSamplerKeysFromYamlAndTheAgentsEnvironmentVariables) {
  struct Case {
    const char* yaml;           // datadog.yaml text ("" = none)
    std::map<std::string, std::string> env;
    double target_tps;
    double error_tps;
    bool rare;
  };
  const Case cases[] = {
      {"", {}, 10, 10, false},  // the agent's defaults
      {"apm_config:\n  max_traces_per_second: 2.5\n  errors_per_second: 4\n  enable_rare_sampler: true\n", {}, 2.5, 4,
       true},
      {"", {{"DD_APM_MAX_TPS", "7"}, {"DD_APM_ERROR_TPS", "0"}, {"DD_APM_ENABLE_RARE_SAMPLER", "true"}}, 7, 0, true},
      // The environment wins over the file, as in the agent.
      {"apm_config:\n  max_traces_per_second: 3\n", {{"DD_APM_MAX_TPS", "20"}}, 20, 10, false},
      // The variables derived by the plain rule are not the agent's names: ignored.
      {"", {{"DD_APM_MAX_TRACES_PER_SECOND", "1"}, {"DD_APM_ERRORS_PER_SECOND", "1"}}, 10, 10, false},
  };
  for (const auto& c : cases) {
    auto r = optionsFrom(c.yaml, c.env);
    ASSERT_TRUE(r.isOk()) << r.status().message();
    EXPECT_EQ(r->traces.target_tps, c.target_tps) << c.yaml;
    EXPECT_EQ(r->traces.error_tps, c.error_tps) << c.yaml;
    EXPECT_EQ(r->traces.rare_sampler, c.rare) << c.yaml;
  }
}

TEST(PipelineOptionsTest, ANegativeTraceBudgetNamesTheKeyAndItsSource) {
  AgentConfig cfg;
  ASSERT_TRUE(cfg.set("apm_config.errors_per_second", -1, "environment variable DD_APM_ERROR_TPS").isOk());
  auto r = pipelineOptions(cfg);
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().message(),
            "environment variable DD_APM_ERROR_TPS: apm_config.errors_per_second: must be a number >= 0 (traces per "
            "second)");
  AgentConfig bad_env;
  auto st = applyEnvironment(bad_env, [](const char* name) -> const char* {
    return std::string(name) == "DD_APM_MAX_TPS" ? "fast" : nullptr;
  });
  ASSERT_FALSE(st.isOk());
  EXPECT_NE(st.message().find("DD_APM_MAX_TPS"), std::string::npos) << st.message();
}

// Issue 14: the trace agent's default env (comp/trace/config/setup.go and
// GetTraceAgentDefaultEnv: apm_config.env when set, else env, else pkg/trace/config's "none";
// DD_APM_ENV and DD_ENV by the agent's binding rule) and the writer keys pkg/config/setup/apm.go
// knows (apm_config.trace_writer.*/stats_writer.* connection_limit and queue_size, no environment
// variable; trace_writer.flush_period_seconds, 5 s by default).
TEST(PipelineOptionsTest, TraceDefaultEnvAndWriterKeys) {
  struct Case {
    const char* yaml;
    std::map<std::string, std::string> env;
    std::string default_env;
    double flush_s;
    int64_t trace_conns, trace_queue, stats_conns, stats_queue;
  };
  const Case cases[] = {
      {"", {}, "none", 5, 0, 0, 0, 0},
      {"env: staging\n", {}, "staging", 5, 0, 0, 0, 0},
      {"env: staging\napm_config:\n  env: prod\n", {}, "prod", 5, 0, 0, 0, 0},  // apm_config.env first
      {"env: staging\n", {{"DD_APM_ENV", "canary"}}, "canary", 5, 0, 0, 0, 0},
      {"", {{"DD_ENV", "dev"}}, "dev", 5, 0, 0, 0, 0},
      {"apm_config:\n  env: \"\"\n", {{"DD_ENV", "dev"}}, "dev", 5, 0, 0, 0, 0},  // empty: the next source
      {"apm_config:\n  trace_writer:\n    flush_period_seconds: 0.5\n    connection_limit: 4\n    queue_size: 8\n"
       "  stats_writer:\n    connection_limit: 2\n    queue_size: 3\n",
       {}, "none", 0.5, 4, 8, 2, 3},
      // No environment variable for the writer keys: the rule's names are ignored.
      {"", {{"DD_APM_TRACE_WRITER_CONNECTION_LIMIT", "9"}, {"DD_APM_STATS_WRITER_QUEUE_SIZE", "9"}}, "none", 5, 0, 0, 0,
       0},
  };
  for (const auto& c : cases) {
    auto r = optionsFrom(c.yaml, c.env);
    ASSERT_TRUE(r.isOk()) << r.status().message();
    EXPECT_EQ(r->traces.default_env, c.default_env) << c.yaml;
    EXPECT_EQ(r->traces.writer_flush_period_s, c.flush_s) << c.yaml;
    EXPECT_EQ(r->traces.trace_writer_connection_limit, c.trace_conns) << c.yaml;
    EXPECT_EQ(r->traces.trace_writer_queue_size, c.trace_queue) << c.yaml;
    EXPECT_EQ(r->traces.stats_writer_connection_limit, c.stats_conns) << c.yaml;
    EXPECT_EQ(r->traces.stats_writer_queue_size, c.stats_queue) << c.yaml;
  }
}

TEST(PipelineOptionsTest, BadTraceEnvAndWriterValuesNameTheKeyAndItsSource) {
  struct Case {
    const char* key;
    nlohmann::json value;
    const char* source;
    std::string message;
  };
  const Case cases[] = {
      {"apm_config.env", "!!!", "environment variable DD_APM_ENV",
       "environment variable DD_APM_ENV: apm_config.env: must hold a letter or digit (it becomes the env tag), got "
       "\"!!!\""},
      {"env", "  ", "datadog.yaml",
       "datadog.yaml: env: must hold a letter or digit (it becomes the env tag), got \"  \""},
      {"apm_config.trace_writer.flush_period_seconds", 0, "datadog.yaml",
       "datadog.yaml: apm_config.trace_writer.flush_period_seconds: must be a number of seconds in (0, 3600]"},
      {"apm_config.trace_writer.connection_limit", -1, "datadog.yaml",
       "datadog.yaml: apm_config.trace_writer.connection_limit: must be >= 0 (0 = the agent's default), got -1"},
      {"apm_config.stats_writer.queue_size", -5, "scenario agent settings",
       "scenario agent settings: apm_config.stats_writer.queue_size: must be >= 0 (0 = the agent's default), got -5"},
  };
  for (const auto& c : cases) {
    AgentConfig cfg;
    ASSERT_TRUE(cfg.set(c.key, c.value, c.source).isOk()) << c.key;
    auto r = pipelineOptions(cfg);
    ASSERT_FALSE(r.isOk()) << c.key;
    EXPECT_EQ(r.status().message(), c.message);
  }
}

// Issue 15: ddsim's own DogStatsD intake keys (docs/dogstatsd-ingest.md, "Knobs"): durations in
// seconds map onto microseconds, out-of-range values name the key.
TEST(PipelineOptionsTest, ContextCacheSizeAndAge) {
  AgentConfig defaults;
  auto d = pipelineOptions(defaults);
  ASSERT_TRUE(d.isOk()) << d.status().message();
  EXPECT_EQ(d->dogstatsd.processor.context_cache_bytes, size_t{32} << 20);
  EXPECT_EQ(d->dogstatsd.processor.context_cache_max_age_seconds, 20);  // dogstatsd_context_expiry_seconds
  AgentConfig cfg;
  ASSERT_TRUE(cfg.set("ddsim.dogstatsd_context_cache_bytes", 0, "t").isOk());
  ASSERT_TRUE(cfg.set("dogstatsd_context_expiry_seconds", 45, "t").isOk());
  auto r = pipelineOptions(cfg);
  ASSERT_TRUE(r.isOk()) << r.status().message();
  EXPECT_EQ(r->dogstatsd.processor.context_cache_bytes, 0u);
  EXPECT_EQ(r->dogstatsd.processor.context_cache_max_age_seconds, 45);
  AgentConfig bad;
  ASSERT_TRUE(bad.set("ddsim.dogstatsd_context_cache_bytes", -1, "datadog.yaml:2:1").isOk());
  auto b = pipelineOptions(bad);
  ASSERT_FALSE(b.isOk());
  EXPECT_EQ(b.status().message(),
            "datadog.yaml:2:1: ddsim.dogstatsd_context_cache_bytes: must be >= 0 (0 turns the cache off)");
}

TEST(PipelineOptionsTest, DogStatsdIntakeKnobs) {
  struct Case {
    const char* key;
    double value;
    int coalesce_us;    // expected when accepted
    int full_pause_us;  // expected when accepted
    const char* error;  // "" = accepted
    int watch_us = 200; // expected when accepted
  } cases[] = {
      {"ddsim.dogstatsd_queue_full_pause", 0.001, 100, 1000, ""},
      {"ddsim.dogstatsd_queue_full_pause", 0, 100, 0, ""},
      {"ddsim.dogstatsd_queue_full_pause", 0.1, 100, 100000, ""},
      {"ddsim.dogstatsd_queue_full_pause", 0.5, 0, 0, "t: ddsim.dogstatsd_queue_full_pause: must be between 0 and 0.1 s"},
      {"ddsim.dogstatsd_read_coalesce", 0.00025, 250, 1000, ""},
      {"ddsim.dogstatsd_read_coalesce", 1, 0, 0, "t: ddsim.dogstatsd_read_coalesce: must be between 0 and 0.1 s"},
      {"ddsim.dogstatsd_reader_watch", 0.0005, 100, 1000, "", 500},
      {"ddsim.dogstatsd_reader_watch", 0, 0, 0, "t: ddsim.dogstatsd_reader_watch: must be between 0.00001 and 0.1 s"},
      {"ddsim.dogstatsd_reader_watch", 0.2, 0, 0, "t: ddsim.dogstatsd_reader_watch: must be between 0.00001 and 0.1 s"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.key) + " = " + std::to_string(c.value));
    AgentConfig cfg;
    ASSERT_TRUE(cfg.set(c.key, c.value, "t").isOk());
    auto r = pipelineOptions(cfg);
    if (*c.error != 0) {
      ASSERT_FALSE(r.isOk());
      EXPECT_EQ(r.status().message(), c.error);
      continue;
    }
    ASSERT_TRUE(r.isOk()) << r.status().message();
    EXPECT_EQ(r->dogstatsd.read_coalesce_us, c.coalesce_us);
    EXPECT_EQ(r->dogstatsd.queue_full_pause_us, c.full_pause_us);
    EXPECT_EQ(r->dogstatsd.reader_watch_us, c.watch_us);
    EXPECT_TRUE(r->dogstatsd.worker_reads);  // the default
  }
  AgentConfig off;
  ASSERT_TRUE(off.set("ddsim.dogstatsd_worker_reads", false, "t").isOk());
  auto r = pipelineOptions(off);
  ASSERT_TRUE(r.isOk());
  EXPECT_FALSE(r->dogstatsd.worker_reads);
}

}  // namespace
}  // namespace ddsim::config
