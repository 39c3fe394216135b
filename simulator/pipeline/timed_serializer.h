#pragma once
// A MetricSerializer decorator: counts what each flush hands on and measures the time spent
// serializing, then passes everything to the real serializer. Thread-safe counters.
#include <atomic>

#include "core/aggregator/serializer_interface.h"

namespace ddsim::pipeline {

class TimedSerializer final : public aggregator::MetricSerializer {
 public:
  explicit TimedSerializer(aggregator::MetricSerializer& inner) : inner_(inner) {}

  common::Status sendSeries(std::vector<metrics::Serie>&& series) override;
  common::Status sendSketches(std::vector<metrics::SketchSeries>&& sketches) override;
  common::Status sendServiceChecks(std::vector<metrics::ServiceCheck>&& checks) override;
  common::Status sendEvents(std::vector<metrics::Event>&& events) override;
  common::Status sendOrchestratorMetadata(metrics::OrchestratorMetadata&& metadata) override;
  common::Status sendOrchestratorManifests(std::vector<metrics::OrchestratorManifest>&& manifests) override;

  struct Totals {
    int64_t series = 0, points = 0, sketches = 0, sketch_points = 0, service_checks = 0, events = 0;
    int64_t orchestrator_messages = 0, manifests = 0, errors = 0;
    double seconds = 0;
    double cpu_seconds = 0;  // CPU time of the calling threads
  };
  Totals totals() const;

 private:
  void add(std::atomic<int64_t>& c, int64_t n) { c.fetch_add(n, std::memory_order_relaxed); }
  void addTime(double s, double cpu_s);
  void noteStatus(const common::Status& st);
  // Runs one send of the inner serializer, timing it and noting its status.
  template <typename F>
  common::Status timed(F&& send);

  aggregator::MetricSerializer& inner_;
  std::atomic<int64_t> series_{0}, points_{0}, sketches_{0}, sketch_points_{0}, service_checks_{0}, events_{0};
  std::atomic<int64_t> orchestrator_messages_{0}, manifests_{0}, errors_{0};
  std::atomic<int64_t> nanos_{0};
  std::atomic<int64_t> cpu_nanos_{0};
};

}  // namespace ddsim::pipeline
