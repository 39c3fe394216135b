#pragma once
// A PayloadForwarder decorator: reports every payload (route, sizes, items, points) to the
// observer, then submits to the real forwarder. Thread-safe if the observer is.
#include <atomic>
#include <functional>

#include "core/serializer/forwarder_interface.h"
#include "simulator/pipeline/observer.h"

namespace ddsim::pipeline {

class ObservedForwarder final : public serializer::PayloadForwarder {
 public:
  ObservedForwarder(serializer::PayloadForwarder& inner, PipelineObserver* observer)
      : inner_(inner), observer_(observer) {}

  common::Status submit(serializer::Submission&& submission) override;
  // The flush whose payloads are being submitted (-1 between flushes).
  void setFlushIndex(int64_t i) { flush_index_.store(i, std::memory_order_relaxed); }
  // Runs after every accepted submission. Virtual time uses it to let the forwarder's workers
  // pick transactions up while the flush is still serializing, as the agent's goroutines do,
  // instead of finding a whole flush's payloads queued at once.
  void setAfterSubmit(std::function<void()> f) { after_submit_ = std::move(f); }
  int64_t submitErrors() const { return submit_errors_.load(); }

 private:
  common::Status forward(serializer::Submission&& submission);

  serializer::PayloadForwarder& inner_;
  PipelineObserver* observer_;
  std::atomic<int64_t> flush_index_{-1};
  std::atomic<int64_t> submit_errors_{0};
  std::function<void()> after_submit_;
};

}  // namespace ddsim::pipeline
