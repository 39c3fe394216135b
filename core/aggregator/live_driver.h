#pragma once
// An optional driver for live runs: one thread that calls Demultiplexer::tick() with the time
// of a Clock, every `poll` of real time. The simulator does not use it: it calls tick() itself
// at nextDeadline() in virtual time.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/aggregator/demultiplexer.h"
#include "core/common/clock.h"

namespace ddsim::aggregator {

class LiveDriver {
 public:
  struct Options {
    std::chrono::milliseconds poll{100};  // how often tick() runs (inbox latency, flush jitter)
  };
  // `demux` and `clock` must outlive the driver.
  LiveDriver(Demultiplexer* demux, const common::Clock* clock, Options opts);
  LiveDriver(Demultiplexer* demux, const common::Clock* clock) : LiveDriver(demux, clock, Options{}) {}
  ~LiveDriver();  // stops the thread (without stopping the demultiplexer)
  LiveDriver(const LiveDriver&) = delete;
  LiveDriver& operator=(const LiveDriver&) = delete;

  // Arms the demultiplexer's ticker at the clock's time and starts the thread. Idempotent.
  void start();
  // Stops the thread, then the demultiplexer (with a final synchronous flush when `flush`).
  void stop(bool flush);

 private:
  void run();
  double now() const { return common::toUnixSeconds(clock_->systemNow()); }

  Demultiplexer* demux_;
  const common::Clock* clock_;
  Options opts_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool running_ = false;
  std::thread thread_;
};

}  // namespace ddsim::aggregator
