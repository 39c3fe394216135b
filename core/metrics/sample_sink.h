#pragma once
// Where parsed samples go (spec §0, §3.5): the demultiplexer implements this; DogStatsD
// listeners, replay and generators feed it. Thread-safety is the implementation's to state.
#include <span>
#include <vector>

#include "core/metrics/event.h"
#include "core/metrics/metric_sample.h"
#include "core/metrics/service_check.h"

namespace ddsim::metrics {

class SampleSink {
 public:
  virtual ~SampleSink() = default;
  // Samples without their own timestamp, to be aggregated by a time sampler. `now` (Unix
  // seconds) is the receive time used for samples whose timestamp is 0.
  virtual void addSamples(std::span<const MetricSample> samples, double now) = 0;
  // Samples that carry a client timestamp (`|T`), for the no-aggregation pipeline (spec §3.6).
  virtual void addSamplesWithoutAggregation(std::span<const MetricSample> samples) = 0;
  virtual void addEvents(std::vector<Event>&& events) = 0;
  virtual void addServiceChecks(std::vector<ServiceCheck>&& checks) = 0;
};

}  // namespace ddsim::metrics
