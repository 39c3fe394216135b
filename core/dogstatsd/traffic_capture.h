#pragma once
// Records what arrives on a server's listeners into a .dog capture (spec §8.5; the agent's
// `agent dogstatsd-capture`, comp/dogstatsd/replay/impl/writer.go). Listener threads hand
// packets over through a bounded queue; a writer thread appends them to the file, so a slow
// disk never stalls the intake: a packet that finds the queue full is dropped and counted.
//
//   auto cap = TrafficCapture::start({.path = "x.dog"}, clock);
//   server.setPacketTap(*cap);        ...        server.setPacketTap(nullptr);
//   auto summary = (*cap)->stop();
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/common/clock.h"
#include "core/common/status.h"
#include "core/dogstatsd/capture_file.h"
#include "core/dogstatsd/listener.h"
#include "core/dogstatsd/options.h"
#include "core/metrics/sample_sink.h"

namespace ddsim::dogstatsd {

struct CaptureOptions {
  std::string path;        // the file to write (the agent names it datadog-capture-<unix s>)
  bool zstd = false;       // the agent's --compressed
  // dogstatsd_capture_depth is 0 in the agent (an unbuffered channel: listeners wait for the
  // disk). ddsim buffers this many packets instead and drops, counted, beyond.
  size_t depth = 4096;
};

struct CaptureSummary {
  std::string path;
  uint64_t records = 0;
  uint64_t bytes = 0;    // payload bytes recorded
  uint64_t dropped = 0;  // packets lost because the writer fell behind
};

// shared_ptr: the server's listeners hold it while they read (see ListenerContext::tap).
class TrafficCapture final : public PacketTap {
 public:
  // Creates the file and starts the writer thread. Timestamps are clock.systemNow() in
  // nanoseconds (version 3).
  static common::Result<std::shared_ptr<TrafficCapture>> start(CaptureOptions options,
                                                               const common::Clock& clock);
  ~TrafficCapture() override;

  void onPacket(Transport transport, std::string_view payload, int32_t pid,
                std::string_view ancillary) override;
  // Stops accepting packets, writes what is queued, the trailer and closes the file. The
  // agent's trailer maps pids to the container IDs the tagger resolved; ddsim has no tagger,
  // so its tagger state is empty (pids stay in the records). Idempotent.
  common::Result<CaptureSummary> stop();

  uint64_t recorded() const;
  uint64_t dropped() const;

 private:
  TrafficCapture(CaptureOptions options, const common::Clock& clock,
                 std::unique_ptr<CaptureWriter> writer);
  void writerLoop();

  CaptureOptions options_;
  const common::Clock& clock_;
  std::unique_ptr<CaptureWriter> writer_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<CaptureRecord> queue_;
  bool accepting_ = true;
  bool finished_ = false;
  uint64_t dropped_ = 0;
  uint64_t bytes_ = 0;
  common::Status write_status_;
  CaptureTaggerState state_;  // empty: no tagger in ddsim
  std::thread thread_;
  bool stopped_ = false;
  common::Status close_status_;
};

// Runs a DogStatsD server with `server_options` for `duration` of `clock` time and records
// every packet into `capture.path`; what arrives is also parsed into `sink` when given.
// Blocks. The simple driver behind `ddsim capture --duration D --out FILE`.
common::Result<CaptureSummary> runCapture(const ServerOptions& server_options,
                                          const CaptureOptions& capture, common::Duration duration,
                                          const common::Clock& clock,
                                          metrics::SampleSink* sink = nullptr);

}  // namespace ddsim::dogstatsd
