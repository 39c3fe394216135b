#pragma once
// Delivers Telemetry API events to the subscriber: buffered as the subscription's buffering
// asks (a batch goes when it holds maxItems events or maxBytes bytes, or its oldest event is
// timeoutMs old), each batch a JSON array POSTed to the destination URI. "sandbox" and
// "sandbox.localdomain" (the names an extension uses inside Lambda) resolve to 127.0.0.1.
// While paused (the extension is frozen) nothing is sent. Thread-safe.
#include <nlohmann/json.hpp>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "simulator/lambda/extensions_api.h"

namespace ddsim::lambda {

struct TelemetryCounters {
  int64_t batches = 0;          // POSTs answered 2xx
  int64_t events = 0;           // events in them
  int64_t failed_batches = 0;   // POSTs that failed or were answered otherwise (their events are dropped)
  int64_t dropped_events = 0;   // failed batches, types not subscribed, undelivered to a subscriber at stop
};

class TelemetrySender {
 public:
  explicit TelemetrySender(common::Clock& clock = common::SystemClock::instance());
  ~TelemetrySender();
  TelemetrySender(const TelemetrySender&) = delete;
  TelemetrySender& operator=(const TelemetrySender&) = delete;

  // Starts delivering to `sub`; events added before are kept (Lambda buffers from the start of
  // init) and go out with the first batch.
  void subscribe(const TelemetrySubscription& sub);
  bool subscribed() const;

  // Adds one event {"time", "type", "record"}; `category` is platform, function or extension.
  void add(const std::string& category, nlohmann::json event);

  // Pause waits for a batch in flight to finish, then holds batches until resume().
  void pause();
  void resume();
  // Sends everything buffered now (ignoring the buffering limits), when subscribed and not paused.
  void flush();
  // Flushes, then stops; what could not be delivered is counted as dropped.
  void stop();

  TelemetryCounters counters() const;

 private:
  void run();
  bool due(common::SteadyTime now) const;  // mu_ held
  void sendBatch(std::unique_lock<std::mutex>& lock);

  common::Clock& clock_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::thread thread_;
  bool stopping_ = false;
  bool paused_ = false;
  bool in_flight_ = false;
  std::optional<TelemetrySubscription> sub_;
  std::string host_;
  int port_ = 80;
  std::string path_;
  std::deque<std::pair<common::SteadyTime, nlohmann::json>> buffer_;
  size_t buffered_bytes_ = 0;
  TelemetryCounters counters_;
};

}  // namespace ddsim::lambda
