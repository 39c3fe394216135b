#pragma once
// The aggregator's self-telemetry (spec §3.8): the agent's `aggregator` and `no_aggregation`
// expvars, plus every discard by reason. Thread-safe (atomics and CounterSets).
#include <array>
#include <atomic>
#include <cstdint>

#include "core/common/counters.h"
#include "core/metrics/metric_type.h"

namespace ddsim::aggregator {

struct AggregatorTelemetry {
  using Counter = std::atomic<int64_t>;
  // aggregator expvar map
  Counter series_flushed{0};
  Counter series_flush_errors{0};
  Counter service_check_flush_errors{0};
  Counter service_check_flushed{0};
  Counter sketches_flush_errors{0};
  Counter sketches_flushed{0};
  Counter events_flush_errors{0};
  Counter events_flushed{0};
  Counter number_of_flush{0};
  Counter dogstatsd_metric_sample{0};
  Counter checks_metric_sample{0};
  Counter checks_histogram_bucket_metric_sample{0};
  Counter service_check{0};
  Counter event{0};
  Counter hostname_update{0};
  Counter orchestrator_metadata{0};
  Counter orchestrator_metadata_errors{0};
  Counter orchestrator_manifests{0};
  Counter orchestrator_manifests_errors{0};
  // agent behaviour: set by each time sampler's flush, so with several pipelines it shows the
  // last flushed shard's count.
  Counter dogstatsd_contexts{0};
  std::array<Counter, metrics::kNumMetricTypes> dogstatsd_contexts_by_mtype{};
  // FlushCount: the size of the latest flush of each kind (LastFlush of the agent's stats).
  Counter flush_count_service_checks{0};
  Counter flush_count_series{0};
  Counter flush_count_events{0};
  Counter flush_count_sketches{0};
  Counter flush_count_manifests{0};
  // no_aggregation expvar map
  Counter no_agg_processed_ok{0};
  Counter no_agg_processed_unsupported_type{0};
  Counter no_agg_flush{0};
  // Inbox of the BufferedAggregator (the agent's channel sizes): current and peak depth.
  Counter inbox_depth{0};
  Counter inbox_max_depth{0};

  // Everything the pipeline discarded, by reason ("non_finite_value", "empty_name", ...).
  common::CounterSet dropped;

  // "aggregator.<ExpvarName>", "aggregator.DogstatsdContextsByMtype.<Type>",
  // "aggregator.FlushCount.<Kind>", "no_aggregation.<Name>", "aggregator.dropped.<reason>".
  void exportTo(common::TelemetrySnapshot& out) const;
};

}  // namespace ddsim::aggregator
