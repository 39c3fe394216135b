#pragma once
// A test double for aggregator::MetricSerializer that records every call, in order.
// Thread-safe. Header-only; link ddsim_aggregator_api (or anything that brings ddsim_metrics).
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/aggregator/serializer_interface.h"

namespace ddsim::testing {

class RecordingSerializer : public aggregator::MetricSerializer {
 public:
  enum class Call { kSeries, kSketches, kServiceChecks, kEvents, kOrchestratorMetadata, kOrchestratorManifests };

  // One sendX call: which kind and how many items it carried.
  struct CallRecord {
    Call kind;
    size_t items;
  };

  common::Status sendSeries(std::vector<metrics::Serie>&& series) override {
    std::lock_guard<std::mutex> l(mu_);
    calls_.push_back({Call::kSeries, series.size()});
    series_batches_.push_back(std::move(series));
    return status_for_series_;
  }
  common::Status sendSketches(std::vector<metrics::SketchSeries>&& sketches) override {
    std::lock_guard<std::mutex> l(mu_);
    calls_.push_back({Call::kSketches, sketches.size()});
    sketch_batches_.push_back(std::move(sketches));
    return status_for_sketches_;
  }
  common::Status sendServiceChecks(std::vector<metrics::ServiceCheck>&& checks) override {
    std::lock_guard<std::mutex> l(mu_);
    calls_.push_back({Call::kServiceChecks, checks.size()});
    service_check_batches_.push_back(std::move(checks));
    return status_for_service_checks_;
  }
  common::Status sendEvents(std::vector<metrics::Event>&& events) override {
    std::lock_guard<std::mutex> l(mu_);
    calls_.push_back({Call::kEvents, events.size()});
    event_batches_.push_back(std::move(events));
    return status_for_events_;
  }
  common::Status sendOrchestratorMetadata(metrics::OrchestratorMetadata&& metadata) override {
    std::lock_guard<std::mutex> l(mu_);
    calls_.push_back({Call::kOrchestratorMetadata, metadata.messages.size()});
    orchestrator_metadata_.push_back(std::move(metadata));
    return status_for_orchestrator_;
  }
  common::Status sendOrchestratorManifests(std::vector<metrics::OrchestratorManifest>&& manifests) override {
    std::lock_guard<std::mutex> l(mu_);
    calls_.push_back({Call::kOrchestratorManifests, manifests.size()});
    manifest_batches_.push_back(std::move(manifests));
    return status_for_orchestrator_;
  }

  // Failure injection: what the next calls of each kind return.
  void failSeries(common::Status s) { std::lock_guard<std::mutex> l(mu_); status_for_series_ = std::move(s); }
  void failSketches(common::Status s) { std::lock_guard<std::mutex> l(mu_); status_for_sketches_ = std::move(s); }
  void failServiceChecks(common::Status s) { std::lock_guard<std::mutex> l(mu_); status_for_service_checks_ = std::move(s); }
  void failEvents(common::Status s) { std::lock_guard<std::mutex> l(mu_); status_for_events_ = std::move(s); }
  void failOrchestrator(common::Status s) { std::lock_guard<std::mutex> l(mu_); status_for_orchestrator_ = std::move(s); }

  // Snapshots (copies, safe to inspect while other threads keep calling).
  std::vector<CallRecord> calls() const { std::lock_guard<std::mutex> l(mu_); return calls_; }
  std::vector<Call> callKinds() const {
    std::lock_guard<std::mutex> l(mu_);
    std::vector<Call> k;
    for (const auto& c : calls_) k.push_back(c.kind);
    return k;
  }
  std::vector<std::vector<metrics::Serie>> seriesBatches() const { std::lock_guard<std::mutex> l(mu_); return series_batches_; }
  std::vector<std::vector<metrics::SketchSeries>> sketchBatches() const { std::lock_guard<std::mutex> l(mu_); return sketch_batches_; }
  std::vector<std::vector<metrics::ServiceCheck>> serviceCheckBatches() const { std::lock_guard<std::mutex> l(mu_); return service_check_batches_; }
  std::vector<std::vector<metrics::Event>> eventBatches() const { std::lock_guard<std::mutex> l(mu_); return event_batches_; }
  std::vector<metrics::OrchestratorMetadata> orchestratorMetadata() const { std::lock_guard<std::mutex> l(mu_); return orchestrator_metadata_; }
  std::vector<std::vector<metrics::OrchestratorManifest>> manifestBatches() const { std::lock_guard<std::mutex> l(mu_); return manifest_batches_; }

  // Every serie / sketch / check / event recorded so far, flattened in arrival order.
  std::vector<metrics::Serie> allSeries() const { return flatten(seriesBatches()); }
  std::vector<metrics::SketchSeries> allSketches() const { return flatten(sketchBatches()); }
  std::vector<metrics::ServiceCheck> allServiceChecks() const { return flatten(serviceCheckBatches()); }
  std::vector<metrics::Event> allEvents() const { return flatten(eventBatches()); }

  // The series named `name` (all batches), in arrival order.
  std::vector<metrics::Serie> seriesNamed(const std::string& name) const {
    std::vector<metrics::Serie> out;
    for (auto& s : allSeries())
      if (s.name == name) out.push_back(s);
    return out;
  }

  void clear() {
    std::lock_guard<std::mutex> l(mu_);
    calls_.clear();
    series_batches_.clear();
    sketch_batches_.clear();
    service_check_batches_.clear();
    event_batches_.clear();
    orchestrator_metadata_.clear();
    manifest_batches_.clear();
  }

 private:
  template <typename T>
  static std::vector<T> flatten(const std::vector<std::vector<T>>& batches) {
    std::vector<T> out;
    for (const auto& b : batches) out.insert(out.end(), b.begin(), b.end());
    return out;
  }

  mutable std::mutex mu_;
  std::vector<CallRecord> calls_;
  std::vector<std::vector<metrics::Serie>> series_batches_;
  std::vector<std::vector<metrics::SketchSeries>> sketch_batches_;
  std::vector<std::vector<metrics::ServiceCheck>> service_check_batches_;
  std::vector<std::vector<metrics::Event>> event_batches_;
  std::vector<metrics::OrchestratorMetadata> orchestrator_metadata_;
  std::vector<std::vector<metrics::OrchestratorManifest>> manifest_batches_;
  common::Status status_for_series_;
  common::Status status_for_sketches_;
  common::Status status_for_service_checks_;
  common::Status status_for_events_;
  common::Status status_for_orchestrator_;
};

}  // namespace ddsim::testing
