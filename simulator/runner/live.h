#pragma once
// The seam a dashboard drives a running simulation through (issue 12). Two directions:
// - LiveObserver: what the run publishes while it runs (flushes, payloads, attempts, telemetry
//   samples, markers), each stamped with seconds since the run started. Called on the run's
//   thread; an implementation must not block it (the dashboard's feed queues and drops, counted).
// - LiveControl: what a user changes while it runs (pause, speed, faults, an agent restart, the
//   load's rate and contexts, stop). Thread-safe; the run applies commands between its steps, at
//   the virtual time it has reached, and records each as a marker in the run store.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "simulator/pipeline/observer.h"

namespace ddsim::runner {

class LiveObserver {
 public:
  virtual ~LiveObserver() = default;
  virtual void onStarted(double /*duration*/) {}
  virtual void onFlush(double /*t*/, const pipeline::FlushRecord&) {}
  virtual void onPayload(double /*t*/, const pipeline::PayloadRecord&) {}
  virtual void onAttempt(double /*t*/, const pipeline::AttemptRecord&) {}
  // The pipeline's counters and gauges (names as in the run store's telemetry table).
  virtual void onTelemetry(double /*t*/, const std::map<std::string, double>&) {}
  virtual void onMarker(double /*t*/, const std::string& /*kind*/, const std::string& /*label*/) {}
  // Where the run is, about every progress interval of real time.
  virtual void onProgress(double /*t*/, double /*real_seconds*/) {}
  virtual void onFinished(bool /*passed*/, const std::string& /*summary*/) {}
};

// One change asked for while the run goes on.
struct LiveCommand {
  enum class Kind { kFault, kRestart, kRateScale, kContextScale };
  Kind kind = Kind::kFault;
  nlohmann::json rule;  // kFault: a fault rule as in a scenario's "faults[].rule" (docs/fakeintake-api.md)
  std::string label;    // the marker's text
  double value = 0;     // kRestart: downtime s; kRateScale, kContextScale: the factor
};

class LiveControl {
 public:
  // Pause and resume the run (virtual mode: virtual time stops; the run's thread waits).
  void pause();
  void resume();
  bool paused() const { return paused_.load(); }
  // Runs until virtual time `t` (seconds since the start), then pauses. Unset: no such stop.
  void pauseAt(std::optional<double> t);
  // Virtual seconds per real second; 0 = as fast as possible (the default).
  void setSpeed(double speed);
  double speed() const { return speed_.load(); }
  // Queues a command; false (and counted) when `kMaxPending` wait already: the queue from the
  // GUI to the run is bounded like the one back.
  bool request(LiveCommand c);
  static constexpr size_t kMaxPending = 1024;
  uint64_t refused() const { return refused_.load(); }
  // Asks the run to stop where it is (as a SIGINT would: last flush, report).
  void stop();
  bool stopRequested() const { return stop_.load(); }

  // The run's side. Commands asked for since the last call, in order.
  std::vector<LiveCommand> take();
  // Blocks while paused (or once `t` reaches the pause-at point) until resumed or stopped; returns
  // true when the run waited.
  bool waitWhilePaused(double t);
  // Seconds of real time the run should still wait so that virtual time `t` keeps pace with the
  // speed; re-anchors when the speed changes or after a pause.
  double paceDelay(double t, double real_now);

 private:
  std::atomic<bool> paused_{false};
  std::atomic<bool> stop_{false};
  std::atomic<double> speed_{0};
  std::atomic<uint64_t> refused_{0};
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::optional<double> pause_at_;
  std::deque<LiveCommand> commands_;
  // Pacing anchor: virtual and real seconds when the current speed took effect.
  double anchor_t_ = -1, anchor_real_ = 0, anchor_speed_ = -1;
};

}  // namespace ddsim::runner
