#pragma once
// What a flush hands on: the aggregator's view of the serializer (spec §3.4, §3.5).
// The serializer module implements it; tests use a recording implementation.
#include <vector>

#include "core/common/status.h"
#include "core/metrics/event.h"
#include "core/metrics/orchestrator.h"
#include "core/metrics/series.h"
#include "core/metrics/service_check.h"

namespace ddsim::aggregator {

class MetricSerializer {
 public:
  virtual ~MetricSerializer() = default;
  // Called on every flush, even with no series (the agent always calls SendIterableSeries).
  virtual common::Status sendSeries(std::vector<metrics::Serie>&& series) = 0;
  // Called only when the flush produced at least one sketch series.
  virtual common::Status sendSketches(std::vector<metrics::SketchSeries>&& sketches) = 0;
  // Called on every flush (it always holds at least the datadog.<flavor>.up check).
  virtual common::Status sendServiceChecks(std::vector<metrics::ServiceCheck>&& checks) = 0;
  // Called only when the flush holds at least one event.
  virtual common::Status sendEvents(std::vector<metrics::Event>&& events) = 0;
  // Orchestrator metadata is handed on as it arrives, not at flush time.
  virtual common::Status sendOrchestratorMetadata(metrics::OrchestratorMetadata&& metadata) = 0;
  // Called only when the flush holds at least one manifest.
  virtual common::Status sendOrchestratorManifests(std::vector<metrics::OrchestratorManifest>&& manifests) = 0;
};

}  // namespace ddsim::aggregator
