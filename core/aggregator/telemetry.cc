#include "core/aggregator/telemetry.h"

#include <string>

namespace ddsim::aggregator {

void AggregatorTelemetry::exportTo(common::TelemetrySnapshot& out) const {
  auto put = [&](const std::string& name, const Counter& c) {
    out[name] = static_cast<double>(c.load(std::memory_order_relaxed));
  };
  const std::string a = "aggregator.";
  put(a + "SeriesFlushed", series_flushed);
  put(a + "SeriesFlushErrors", series_flush_errors);
  put(a + "ServiceCheckFlushErrors", service_check_flush_errors);
  put(a + "ServiceCheckFlushed", service_check_flushed);
  put(a + "SketchesFlushErrors", sketches_flush_errors);
  put(a + "SketchesFlushed", sketches_flushed);
  put(a + "EventsFlushErrors", events_flush_errors);
  put(a + "EventsFlushed", events_flushed);
  put(a + "NumberOfFlush", number_of_flush);
  put(a + "DogstatsdMetricSample", dogstatsd_metric_sample);
  put(a + "ChecksMetricSample", checks_metric_sample);
  put(a + "ChecksHistogramBucketMetricSample", checks_histogram_bucket_metric_sample);
  put(a + "ServiceCheck", service_check);
  put(a + "Event", event);
  put(a + "HostnameUpdate", hostname_update);
  put(a + "OrchestratorMetadata", orchestrator_metadata);
  put(a + "OrchestratorMetadataErrors", orchestrator_metadata_errors);
  put(a + "OrchestratorManifests", orchestrator_manifests);
  put(a + "OrchestratorManifestsErrors", orchestrator_manifests_errors);
  put(a + "DogstatsdContexts", dogstatsd_contexts);
  for (int i = 0; i < metrics::kNumMetricTypes; ++i) {
    put(a + "DogstatsdContextsByMtype." + std::string(metrics::metricTypeName(static_cast<metrics::MetricType>(i))),
        dogstatsd_contexts_by_mtype[static_cast<size_t>(i)]);
  }
  put(a + "FlushCount.ServiceChecks", flush_count_service_checks);
  put(a + "FlushCount.Series", flush_count_series);
  put(a + "FlushCount.Events", flush_count_events);
  put(a + "FlushCount.Sketches", flush_count_sketches);
  put(a + "FlushCount.Manifests", flush_count_manifests);
  put(a + "inbox_depth", inbox_depth);
  put(a + "inbox_max_depth", inbox_max_depth);
  put("no_aggregation.ProcessedOk", no_agg_processed_ok);
  put("no_aggregation.ProcessedUnsupportedType", no_agg_processed_unsupported_type);
  put("no_aggregation.Flush", no_agg_flush);
  for (const auto& [reason, n] : dropped.snapshot()) out[a + "dropped." + reason] = static_cast<double>(n);
}

}  // namespace ddsim::aggregator
