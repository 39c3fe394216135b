#pragma once
// Replays a .dog capture (spec §8.5, the agent's TrafficCaptureReader): each recorded packet is
// sent at its recorded offset from the first one, divided by a speed factor, to a UDP address,
// a Unix socket, or straight into an in-process SampleSink.
//
// The API behind `ddsim replay FILE [--speed N] [--loops K] [--target URL]`:
//   ReplayOptions o; o.speed = N; o.loops = K; o.on_progress = print;
//   auto totals = replayFile(FILE, "udp://127.0.0.1:8125", o);          // or "unix:///path",
//   auto totals = replayFile(FILE, "inproc", o, &demultiplexer);        // "unixstream:///path"
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/common/clock.h"
#include "core/common/status.h"
#include "core/dogstatsd/capture_file.h"
#include "core/dogstatsd/options.h"
#include "core/dogstatsd/stats.h"
#include "core/metrics/sample_sink.h"

namespace ddsim::dogstatsd {

struct ReplayProgress {
  int loop = 0;                   // 0-based loop being played
  int loops = 1;
  uint64_t records = 0;           // sent so far, all loops
  uint64_t bytes = 0;
  uint64_t send_errors = 0;
  uint64_t records_per_loop = 0;  // known once the first loop is done (0 before)
  common::Duration elapsed{0};    // since the replay started (clock steady time)
  bool loop_done = false;         // this report closes a loop
};

struct ReplayOptions {
  // The recorded cadence is divided by this: 2 = twice as fast, 0 = as fast as possible.
  double speed = 1.0;
  // Times through the file (>= 1); each loop keeps the recorded cadence from its own start.
  int loops = 1;
  // Records between progress reports (0: only at the end of each loop).
  uint64_t progress_every = 1000;
  std::function<void(const ReplayProgress&)> on_progress;
  // When set and true, the replay stops after the record in flight (totals say so).
  const std::atomic<bool>* cancel = nullptr;
};

struct ReplayTotals {
  uint64_t records = 0;
  uint64_t bytes = 0;
  uint64_t send_errors = 0;
  int loops_completed = 0;
  uint64_t records_per_loop = 0;
  common::Duration elapsed{0};        // clock steady time the replay took
  common::Duration recorded_span{0};  // last - first record timestamp of the file
  bool cancelled = false;
};

// Where replayed packets go.
class ReplayTarget {
 public:
  virtual ~ReplayTarget() = default;
  // Sends one recorded packet. An error is counted by the replay, which goes on.
  virtual common::Status send(std::string_view payload) = 0;
  // After the last packet (the in-process target hands its last batch to the sink).
  virtual void finish() {}
  virtual std::string describe() const = 0;
};

// "udp://HOST:PORT", "unix:///path" (datagrams, like dogstatsd_socket) or
// "unixstream:///path" (length-prefixed frames, like dogstatsd_stream_socket).
common::Result<std::unique_ptr<ReplayTarget>> openReplayTarget(const std::string& url);

// Parses packets in the calling thread, like one DogStatsD worker, into `sink` (which must
// outlive the target). The receive time of each batch is clock.systemNow().
class InprocReplayTarget final : public ReplayTarget {
 public:
  InprocReplayTarget(metrics::SampleSink& sink, const ProcessorOptions& options,
                     const common::Clock& clock);
  ~InprocReplayTarget() override;
  common::Status send(std::string_view payload) override;
  void finish() override;
  std::string describe() const override { return "inproc"; }
  // What the parser counted (parse errors by reason, samples, ...).
  const ProcessorCounters& counters() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Waits until a steady time: the real one sleeps; tests and the simulator advance a clock.
class Pacer {
 public:
  virtual ~Pacer() = default;
  virtual void sleepUntil(common::SteadyTime t) = 0;
};

class SleepingPacer final : public Pacer {
 public:
  explicit SleepingPacer(const common::Clock& clock) : clock_(clock) {}
  void sleepUntil(common::SteadyTime t) override;

 private:
  const common::Clock& clock_;
};

// Plays `reader` from its current position to the end, options.loops times (rewinding between
// loops). A truncated or record-less file is refused before the first send (DataLoss naming the
// byte offset, CaptureReader::checkComplete); a corrupt record stops the replay with its error.
common::Result<ReplayTotals> replay(CaptureReader& reader, ReplayTarget& target,
                                    const ReplayOptions& options, const common::Clock& clock,
                                    Pacer& pacer);

// Opens `path` and `target` ("inproc" needs `inproc_sink`) and replays in real time.
common::Result<ReplayTotals> replayFile(const std::string& path, const std::string& target,
                                        const ReplayOptions& options,
                                        metrics::SampleSink* inproc_sink = nullptr,
                                        const ProcessorOptions& inproc_options = {});

}  // namespace ddsim::dogstatsd
