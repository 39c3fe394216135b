#pragma once
// Where a metric came from (the agent's MetricSource, pkg/metrics/metricsource.go). It decides
// the origin metadata written into v2 series and sketches (spec §5.6).
// The serializer issue owns the full table; this is the base set every module needs.
#include <cstdint>

namespace ddsim::metrics {

enum class MetricSource : uint16_t {
  kUnknown = 0,
  kDogstatsd = 1,
  kJmxCustom = 2,
  // Integrations and core checks follow (serializer: origin mapping table).
};

}  // namespace ddsim::metrics
