#pragma once
// Options of the aggregation pipeline with the agent's defaults (spec §3.1, §10). The config
// layer maps agent keys onto these structs; each field names its key.
#include <cstdint>
#include <functional>
#include <string>
#include <string>
#include <vector>

#include "core/metrics/histogram_config.h"

namespace ddsim::aggregator {

// Runs a task somewhere else (a thread pool, the simulator's event queue). Used for the sends
// the agent makes from goroutines when waitForSerializer is false.
using Executor = std::function<void(std::function<void()>)>;

struct TimeSamplerOptions {
  int64_t bucket_seconds = 10;                 // fixed in the agent (bucketSize)
  int64_t dogstatsd_expiry_seconds = 300;      // dogstatsd_expiry_seconds: counters report 0s this long
  int64_t dogstatsd_context_expiry_seconds = 20;  // dogstatsd_context_expiry_seconds
  bool use_tags_store = true;                  // aggregator_use_tags_store
  // telemetry.enabled && telemetry.dogstatsd_origin: each flush adds one
  // datadog.agent.aggregator.dogstatsd_contexts_by_origin gauge per tagger-tag set.
  bool dogstatsd_origin_telemetry = false;
  std::string hostname;                        // their host (the demultiplexer sets the agent hostname)
  // Sample timestamps accepted (Unix s). Outside (0 excluded, uses the receive time) the agent's
  // int64 arithmetic would overflow; such samples are dropped and counted.
  double max_timestamp = 1e11;
};

struct CheckSamplerOptions {
  int64_t bucket_commits_count_expiry = 2;     // check_sampler_bucket_commits_count_expiry
  bool expire_metrics = true;                  // check_sampler_expire_metrics
  double stateful_metric_expiration_seconds = 25 * 3600;  // check_sampler_stateful_metric_expiration_time
  bool context_metrics = false;                // check_sampler_context_metrics (telemetry only)
};

struct BufferedAggregatorOptions {
  std::string hostname;                        // the agent's hostname ("" = unknown)
  std::string flavor = "agent";                // pkg/util/flavor: names datadog.<flavor>.running/up
  std::string agent_version = "7.57.0";        // version:<v> tag on datadog.<flavor>.running
  std::string package_version;                 // package_version:<v> tag when set
  std::vector<std::string> global_tags;        // the tagger's global tags (host tags)
  bool use_tags_store = true;                  // aggregator_use_tags_store
  CheckSamplerOptions check_sampler;
  // Series added to every flush (AddRecurrentSeries, e.g. datadog.djm.agent_host).
  bool djm_enabled = false;                    // djm_config.enabled
  // Cumulative splitter payload drops (the serializer's split.GetPayloadDrops), reported as
  // n_o_i_n_d_e_x.datadog.<flavor>.payload.dropped. Unset: 0.
  std::function<int64_t()> payload_drops;
  // Where asynchronous sends run when waitForSerializer is false. Unset: inline, after the
  // flush has released its locks (same order as synchronous).
  Executor async_executor;
};

struct DemultiplexerOptions {
  BufferedAggregatorOptions aggregator;
  TimeSamplerOptions time_sampler;
  metrics::HistogramOptions histogram;         // histogram_aggregates / histogram_percentiles
  int pipeline_count = 1;                      // dogstatsd_pipeline_count
  double flush_interval_seconds = 15;          // DefaultFlushInterval (0: never flush on tick)
  bool no_aggregation_pipeline = true;         // dogstatsd_no_aggregation_pipeline
  int no_aggregation_batch_size = 2048;        // dogstatsd_no_aggregation_pipeline_batch_size
  bool flush_incomplete_buckets = false;       // dogstatsd_flush_incomplete_buckets: shutdown flush takes open buckets
};

}  // namespace ddsim::aggregator
