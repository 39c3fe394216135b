#include "core/aggregator/no_aggregation.h"

#include <limits>
#include <string>

namespace ddsim::aggregator {

NoAggregationWorker::NoAggregationWorker(int batch_size, MetricSerializer* serializer, AggregatorTelemetry* telemetry)
    : batch_size_(batch_size),
      serializer_(serializer),
      telemetry_(telemetry),
      next_check_(std::numeric_limits<double>::infinity()) {}

void NoAggregationWorker::start(double now) {
  std::lock_guard<std::mutex> l(mu_);
  next_check_ = now + kCheckPeriodSeconds;
}

double NoAggregationWorker::nextDeadline() const {
  std::lock_guard<std::mutex> l(mu_);
  return next_check_;
}

size_t NoAggregationWorker::pendingCount() const {
  std::lock_guard<std::mutex> l(mu_);
  return pending_.size();
}

void NoAggregationWorker::addSamples(std::span<const metrics::MetricSample> samples, double now) {
  std::unique_lock<std::mutex> l(mu_);
  if (stopped_) {
    telemetry_->dropped.add("after_stop", static_cast<int64_t>(samples.size()));
    return;
  }
  int64_t ok = 0;
  int64_t unsupported = 0;
  for (const auto& s : samples) {
    metrics::ApiMetricType type;
    switch (s.mtype) {
      case metrics::MetricType::kGauge: type = metrics::ApiMetricType::kGauge; break;
      case metrics::MetricType::kCounter:
      case metrics::MetricType::kRate: type = metrics::ApiMetricType::kRate; break;
      default:
        ++unsupported;
        continue;
    }
    metrics::Serie serie;
    serie.name.assign(s.name);
    // agent behaviour: every rate is divided by the 10 s interval; no NaN/Inf check here.
    const double v = type == metrics::ApiMetricType::kRate ? s.value / kInterval : s.value;
    serie.points = {{s.timestamp, v}};
    // Metric tags then tagger tags, not de-duplicated.
    std::vector<std::string> tags;
    tags.reserve(s.tags.size() + s.tagger_tags.size());
    for (auto t : s.tags) tags.emplace_back(t);
    for (auto t : s.tagger_tags) tags.emplace_back(t);
    serie.tags = metrics::CompositeTags::of(std::move(tags));
    serie.host.assign(s.host);
    serie.mtype = type;
    serie.interval = kInterval;
    serie.source = s.source;
    serie.no_index = s.no_index;
    pending_.push_back(std::move(serie));
    ++ok;
  }
  last_stream_ = now;
  serialized_ += ok;
  telemetry_->no_agg_processed_ok += ok;
  telemetry_->no_agg_processed_unsupported_type += unsupported;
  if (unsupported > 0) telemetry_->dropped.add("no_aggregation_unsupported_type", unsupported);
  if (serialized_ > batch_size_) {
    telemetry_->no_agg_flush++;
    sendLocked(l);
  }
}

void NoAggregationWorker::sendLocked(std::unique_lock<std::mutex>& lock) {
  std::vector<metrics::Serie> out;
  out.swap(pending_);
  serialized_ = 0;
  // The agent streams into the serializer and sends when the stream is cut; even an empty cut
  // reaches SendIterableSeries. The call happens outside the lock.
  lock.unlock();
  (void)serializer_->sendSeries(std::move(out));
  lock.lock();
}

void NoAggregationWorker::tick(double now) {
  std::unique_lock<std::mutex> l(mu_);
  while (now >= next_check_) {
    const double check_time = next_check_;
    next_check_ += kCheckPeriodSeconds;
    if (serialized_ > 0 && last_stream_ < check_time - kIdleSeconds) {
      telemetry_->no_agg_flush++;
      sendLocked(l);
    }
  }
}

void NoAggregationWorker::stop() {
  std::unique_lock<std::mutex> l(mu_);
  if (stopped_) return;
  stopped_ = true;
  next_check_ = std::numeric_limits<double>::infinity();
  if (!pending_.empty()) sendLocked(l);
}

}  // namespace ddsim::aggregator
