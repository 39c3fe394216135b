#pragma once
// Sinks that stand for a slow aggregator: they hold the workers inside addSamples.
#include <condition_variable>
#include <mutex>

#include "tests/unit/dogstatsd/recording_sink.h"

namespace ddsim::dogstatsd::testing {

// Holds the first addSamples call until open() (one worker stuck, the others free).
class GateSink : public RecordingSink {
 public:
  void addSamples(std::span<const metrics::MetricSample> s, double now) override {
    {
      std::unique_lock<std::mutex> l(mu_);
      entered_ = true;
      cv_.notify_all();
      cv_.wait(l, [&] { return open_; });
    }
    RecordingSink::addSamples(s, now);
  }
  void waitEntered() {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return entered_; });
  }
  void open() {
    std::lock_guard<std::mutex> l(mu_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool entered_ = false;
  bool open_ = false;
};

// Holds every addSamples call while held (every worker stuck, as behind a flush that holds
// the aggregator); release() lets them all through.
class HoldingSink : public RecordingSink {
 public:
  void addSamples(std::span<const metrics::MetricSample> s, double now) override {
    {
      std::unique_lock<std::mutex> l(mu_);
      ++entered_;
      cv_.notify_all();
      cv_.wait(l, [&] { return !held_; });
    }
    RecordingSink::addSamples(s, now);
  }
  // Calls that reached the sink so far (held or not).
  size_t entered() {
    std::lock_guard<std::mutex> l(mu_);
    return entered_;
  }
  void release() {
    std::lock_guard<std::mutex> l(mu_);
    held_ = false;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  size_t entered_ = 0;
  bool held_ = true;
};

}  // namespace ddsim::dogstatsd::testing
