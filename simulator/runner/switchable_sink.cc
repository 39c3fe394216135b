#include "simulator/runner/switchable_sink.h"

#include <mutex>

namespace ddsim::runner {

void SwitchableSink::setTarget(metrics::SampleSink* target) {
  std::unique_lock lock(mu_);
  target_ = target;
}

void SwitchableSink::addSamples(std::span<const metrics::MetricSample> samples, double now) {
  std::shared_lock lock(mu_);
  const auto n = static_cast<int64_t>(samples.size());
  if (!target_) {
    dropped_samples_ += n;
    return;
  }
  forwarded_samples_ += n;
  target_->addSamples(samples, now);
}

void SwitchableSink::addSamplesWithoutAggregation(std::span<const metrics::MetricSample> samples) {
  std::shared_lock lock(mu_);
  const auto n = static_cast<int64_t>(samples.size());
  if (!target_) {
    dropped_ts_samples_ += n;
    return;
  }
  forwarded_ts_samples_ += n;
  target_->addSamplesWithoutAggregation(samples);
}

void SwitchableSink::addEvents(std::vector<metrics::Event>&& events) {
  std::shared_lock lock(mu_);
  const auto n = static_cast<int64_t>(events.size());
  if (!target_) {
    dropped_events_ += n;
    return;
  }
  forwarded_events_ += n;
  target_->addEvents(std::move(events));
}

void SwitchableSink::addServiceChecks(std::vector<metrics::ServiceCheck>&& checks) {
  std::shared_lock lock(mu_);
  const auto n = static_cast<int64_t>(checks.size());
  if (!target_) {
    dropped_checks_ += n;
    return;
  }
  forwarded_checks_ += n;
  target_->addServiceChecks(std::move(checks));
}

SwitchableSink::Dropped SwitchableSink::dropped() const {
  return {dropped_samples_.load(), dropped_ts_samples_.load(), dropped_events_.load(), dropped_checks_.load()};
}

}  // namespace ddsim::runner
