#pragma once
// A DogStatsD server (comp/dogstatsd/server/server.go): the listeners of ServerOptions, a
// bounded queue of packet batches, and worker threads that parse into a metrics::SampleSink.
//
//   listeners --PacketBatch--> BatchQueue (queue_size, queue_max_bytes) --> workers --> SampleSink
//
// A reader thread never waits on the workers (nor on what they call: aggregator, serializer,
// forwarder): when the queue is full, the batch is dropped and counted as queue_full.
//
// start() opens every configured listener; one that fails is logged and reported by
// listenerErrors(), and start() fails only when none could be opened (agent behaviour).
// stop() is clean: listeners drain what their sockets already hold and close, the queue is
// drained, every worker flushes its last batch to the sink, threads are joined.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/common/clock.h"
#include "core/common/counters.h"
#include "core/common/status.h"
#include "core/dogstatsd/listener.h"
#include "core/dogstatsd/options.h"
#include "core/dogstatsd/packet_batch.h"
#include "core/dogstatsd/stats.h"
#include "core/metrics/sample_sink.h"

namespace ddsim::dogstatsd {

class DatagramListener;

class DogStatsdServer {
 public:
  // `sink` (called concurrently from every worker: it must be thread-safe) and `clock` (the
  // receive time of each batch) must outlive the server.
  DogStatsdServer(ServerOptions options, metrics::SampleSink& sink,
                  const common::Clock& clock = common::SystemClock::instance());
  ~DogStatsdServer();
  DogStatsdServer(const DogStatsdServer&) = delete;
  DogStatsdServer& operator=(const DogStatsdServer&) = delete;

  // start() and stop() are called from one thread (not concurrently with each other).
  common::Status start();
  void stop();
  bool running() const { return running_; }

  // The bound UDP port (useful with ServerOptions::kRandomPort); 0 without UDP.
  int udpPort() const { return udp_port_; }
  const std::vector<std::string>& listenerErrors() const { return listener_errors_; }
  std::vector<std::string> listenerDescriptions() const;
  size_t workerCount() const { return workers_.size(); }

  // Every packet the listeners receive is shown to `tap` (nullptr: none). Thread-safe. A
  // listener may still call the previous tap once after it was replaced.
  void setPacketTap(std::shared_ptr<PacketTap> tap) {
    tap_.store(std::move(tap), std::memory_order_release);
  }

  // Test hook: while paused, the datagram readers read nothing (as if descheduled), so the
  // kernel's receive buffer fills and overflows. Thread-safe.
  void setListenersPaused(bool paused) { paused_.store(paused); }

  const IntakeStats& stats() const { return stats_; }
  // stats() plus the queue depth and the packet-buffer memory.
  common::TelemetrySnapshot telemetry() const;

  // The agent's worker count: max(2, vCPUs - 1 - pipeline_count) unless workers_count > 0.
  static int defaultWorkerCount(int vcpus, int pipeline_count);
  // ddsim's automatic count: the agent's, but never more workers than usable CPUs. On one CPU a
  // second worker adds no parallelism, only a second context cache and more thread switches
  // (issue 15: about a third more CPU per line at 10,000 contexts, docs/dogstatsd-ingest.md).
  static int autoWorkerCount(int vcpus, int pipeline_count);
  // The CPUs this process may run on (its affinity mask), as the agent counts vCPUs.
  static int usableCpus();

 private:
  void workerLoop();

  ServerOptions options_;
  metrics::SampleSink& sink_;
  const common::Clock& clock_;
  IntakeStats stats_;
  std::atomic<std::shared_ptr<PacketTap>> tap_;
  std::atomic<bool> paused_{false};
  std::unique_ptr<BatchPool> pool_;
  std::unique_ptr<BatchQueue> queue_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::vector<DatagramListener*> datagram_listeners_;  // owned by listeners_; read by workers
  std::vector<std::thread> workers_;
  std::vector<std::string> listener_errors_;
  int udp_port_ = 0;
  bool running_ = false;
};

}  // namespace ddsim::dogstatsd
