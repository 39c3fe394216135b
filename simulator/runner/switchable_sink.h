#pragma once
// A SampleSink that forwards to the current agent, or drops (counted as "agent_down") while the
// agent is restarting. Thread-safe: listener workers call it while the driver swaps agents.
#include <atomic>
#include <shared_mutex>

#include "core/metrics/sample_sink.h"

namespace ddsim::runner {

class SwitchableSink final : public metrics::SampleSink {
 public:
  void setTarget(metrics::SampleSink* target);

  void addSamples(std::span<const metrics::MetricSample> samples, double now) override;
  void addSamplesWithoutAggregation(std::span<const metrics::MetricSample> samples) override;
  void addEvents(std::vector<metrics::Event>&& events) override;
  void addServiceChecks(std::vector<metrics::ServiceCheck>&& checks) override;

  struct Dropped {
    int64_t samples = 0, samples_with_timestamp = 0, events = 0, service_checks = 0;
  };
  // What arrived while no agent was running.
  Dropped dropped() const;
  // What was handed on to an agent.
  int64_t samplesForwarded() const { return forwarded_samples_.load(); }
  int64_t samplesWithTimestampForwarded() const { return forwarded_ts_samples_.load(); }
  int64_t eventsForwarded() const { return forwarded_events_.load(); }
  int64_t serviceChecksForwarded() const { return forwarded_checks_.load(); }

 private:
  mutable std::shared_mutex mu_;
  metrics::SampleSink* target_ = nullptr;
  std::atomic<int64_t> dropped_samples_{0}, dropped_ts_samples_{0}, dropped_events_{0}, dropped_checks_{0};
  std::atomic<int64_t> forwarded_samples_{0}, forwarded_ts_samples_{0}, forwarded_events_{0}, forwarded_checks_{0};
};

}  // namespace ddsim::runner
