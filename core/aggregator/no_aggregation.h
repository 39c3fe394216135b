#pragma once
// The no-aggregation pipeline (spec §3.6): DogStatsD samples carrying their own timestamp go
// straight to series, without buckets. Only gauges and counters/rates are supported (rates are
// divided by the 10 s interval); other types are dropped and counted. Series are handed to the
// serializer when more than `batch_size` samples are pending, or on a 2 s check that finds no
// traffic for over 1 s.
//
// Threading: addSamples() from any thread; tick()/stop() from the driver. No clock is read:
// arrival times come from the caller.
#include <cstdint>
#include <mutex>
#include <span>
#include <vector>

#include "core/aggregator/serializer_interface.h"
#include "core/aggregator/telemetry.h"
#include "core/metrics/metric_sample.h"
#include "core/metrics/series.h"

namespace ddsim::aggregator {

class NoAggregationWorker {
 public:
  static constexpr double kCheckPeriodSeconds = 2;  // noAggWorkerStreamCheckFrequency
  static constexpr double kIdleSeconds = 1;
  static constexpr int64_t kInterval = 10;          // bucketSize

  // `serializer` and `telemetry` must outlive the worker.
  NoAggregationWorker(int batch_size, MetricSerializer* serializer, AggregatorTelemetry* telemetry);

  // Converts the samples to series at arrival time `now` (Unix s).
  void addSamples(std::span<const metrics::MetricSample> samples, double now);
  // Runs the idle check when due (every 2 s from start()).
  void tick(double now);
  void start(double now);
  // The next idle check; +inf before start().
  double nextDeadline() const;
  // Hands over what is pending (the agent's worker ends its stream on stop) and drops
  // anything added later.
  void stop();
  size_t pendingCount() const;

 private:
  void sendLocked(std::unique_lock<std::mutex>& lock);

  int batch_size_;
  MetricSerializer* serializer_;
  AggregatorTelemetry* telemetry_;
  mutable std::mutex mu_;
  std::vector<metrics::Serie> pending_;
  int64_t serialized_ = 0;  // samples in this payload stream
  double last_stream_ = 0;
  double next_check_;
  bool stopped_ = false;
};

}  // namespace ddsim::aggregator
