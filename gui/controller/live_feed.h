#pragma once
// The simulation-to-dashboard queue: a LiveObserver (simulator/runner/live.h) that turns what the
// run publishes into the model's events (gui/model/live_event.h) and queues them for the GUI
// thread. Bounded: when the GUI falls behind and `capacity` events wait, new flush, payload,
// attempt and telemetry events are dropped and counted (the run store keeps them all); markers,
// start and finish are always kept. The run's thread never waits for the GUI.
#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

#include "gui/model/live_event.h"
#include "simulator/runner/live.h"

namespace ddsim::gui {

class LiveFeed final : public runner::LiveObserver {
 public:
  explicit LiveFeed(size_t capacity = 200'000) : capacity_(capacity) {}

  void onStarted(double duration) override;
  void onFlush(double t, const pipeline::FlushRecord& f) override;
  void onPayload(double t, const pipeline::PayloadRecord& p) override;
  void onAttempt(double t, const pipeline::AttemptRecord& a) override;
  void onTelemetry(double t, const std::map<std::string, double>& m) override;
  void onMarker(double t, const std::string& kind, const std::string& label) override;
  void onProgress(double t, double real_seconds) override;
  void onFinished(bool passed, const std::string& summary) override;

  // GUI side: moves every queued event into `out` (appended), oldest first.
  void drain(std::vector<LiveEvent>& out);
  // Events dropped because the queue was full.
  uint64_t dropped() const { return dropped_.load(); }
  size_t capacity() const { return capacity_; }

 private:
  void push(LiveEvent e, bool always);

  const size_t capacity_;
  std::mutex mu_;
  std::deque<LiveEvent> queue_;
  std::atomic<uint64_t> dropped_{0};
  double last_t_ = 0;
};

}  // namespace ddsim::gui
