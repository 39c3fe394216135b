#include "core/metrics/metric_type.h"

namespace ddsim::metrics {

std::string_view metricTypeName(MetricType t) {
  switch (t) {
    case MetricType::kGauge: return "Gauge";
    case MetricType::kRate: return "Rate";
    case MetricType::kCount: return "Count";
    case MetricType::kMonotonicCount: return "MonotonicCount";
    case MetricType::kCounter: return "Counter";
    case MetricType::kHistogram: return "Histogram";
    case MetricType::kHistorate: return "Historate";
    case MetricType::kSet: return "Set";
    case MetricType::kDistribution: return "Distribution";
    case MetricType::kGaugeWithTimestamp: return "GaugeWithTimestamp";
    case MetricType::kCountWithTimestamp: return "CountWithTimestamp";
  }
  return "Unknown";
}

std::string_view apiMetricTypeName(ApiMetricType t) {
  switch (t) {
    case ApiMetricType::kGauge: return "gauge";
    case ApiMetricType::kRate: return "rate";
    case ApiMetricType::kCount: return "count";
  }
  return "gauge";
}

}  // namespace ddsim::metrics
