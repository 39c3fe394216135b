#pragma once
// A metrics::SampleSink that keeps owned copies of everything it is given. Thread-safe.
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "core/metrics/sample_sink.h"

namespace ddsim::dogstatsd::testing {

struct RecordedSample {
  std::string name;
  double value = 0;
  std::string raw_value;
  metrics::MetricType mtype = metrics::MetricType::kGauge;
  std::vector<std::string> tags;
  std::string host;
  double sample_rate = 1;
  double timestamp = 0;
  metrics::MetricSource source = metrics::MetricSource::kUnknown;
  double now = 0;              // the receive time given with the batch (aggregated path)
  bool no_aggregation = false; // came through addSamplesWithoutAggregation
};

class RecordingSink : public metrics::SampleSink {
 public:
  void addSamples(std::span<const metrics::MetricSample> samples, double now) override {
    record(samples, now, false);
  }
  void addSamplesWithoutAggregation(std::span<const metrics::MetricSample> samples) override {
    record(samples, 0, true);
  }
  void addEvents(std::vector<metrics::Event>&& events) override {
    std::lock_guard<std::mutex> l(mu_);
    for (auto& e : events) events_.push_back(std::move(e));
    cv_.notify_all();
  }
  void addServiceChecks(std::vector<metrics::ServiceCheck>&& checks) override {
    std::lock_guard<std::mutex> l(mu_);
    for (auto& c : checks) checks_.push_back(std::move(c));
    cv_.notify_all();
  }

  std::vector<RecordedSample> samples() const {
    std::lock_guard<std::mutex> l(mu_);
    return samples_;
  }
  std::vector<metrics::Event> events() const {
    std::lock_guard<std::mutex> l(mu_);
    return events_;
  }
  std::vector<metrics::ServiceCheck> serviceChecks() const {
    std::lock_guard<std::mutex> l(mu_);
    return checks_;
  }
  size_t sampleCount() const {
    std::lock_guard<std::mutex> l(mu_);
    return samples_.size();
  }
  size_t batchCount() const {
    std::lock_guard<std::mutex> l(mu_);
    return batches_;
  }
  // Blocks until at least n samples, e events and c checks arrived or the (real-time) limit
  // passes; for tests with real sockets and threads. Returns whether they arrived.
  template <typename Rep, typename Period>
  bool waitFor(size_t n, size_t e, size_t c, std::chrono::duration<Rep, Period> limit) {
    std::unique_lock<std::mutex> l(mu_);
    return cv_.wait_for(l, limit, [&] {
      return samples_.size() >= n && events_.size() >= e && checks_.size() >= c;
    });
  }

 private:
  void record(std::span<const metrics::MetricSample> samples, double now, bool no_agg) {
    std::lock_guard<std::mutex> l(mu_);
    ++batches_;
    for (const auto& s : samples) {
      RecordedSample r;
      r.name = std::string(s.name);
      r.value = s.value;
      r.raw_value = std::string(s.raw_value);
      r.mtype = s.mtype;
      for (auto t : s.tags) r.tags.emplace_back(t);
      r.host = std::string(s.host);
      r.sample_rate = s.sample_rate;
      r.timestamp = s.timestamp;
      r.source = s.source;
      r.now = now;
      r.no_aggregation = no_agg;
      samples_.push_back(std::move(r));
    }
    cv_.notify_all();
  }

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<RecordedSample> samples_;
  std::vector<metrics::Event> events_;
  std::vector<metrics::ServiceCheck> checks_;
  size_t batches_ = 0;
};

}  // namespace ddsim::dogstatsd::testing
