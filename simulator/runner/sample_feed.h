#pragma once
// Delivers generated DogStatsD text to the agent the way the scenario asks: straight into a
// parsing worker on the driver thread (inproc), or over a real UDP socket, Unix datagram
// socket or Unix stream socket to a DogStatsD server's listeners. Everything lands in a
// SwitchableSink that forwards to the running agent.
//
// Virtual time: sync() makes delivery deterministic: it waits (boundedly, in real time) until
// the listeners' workers have parsed every packet sent so far, so virtual time only moves on
// once the samples are in the aggregator. Not thread-safe: the driver thread only.
#include <memory>
#include <set>
#include <string>

#include "core/common/clock.h"
#include "core/common/counters.h"
#include "core/dogstatsd/packet_processor.h"
#include "core/dogstatsd/replay.h"
#include "core/dogstatsd/server.h"
#include "simulator/runner/sample_batch.h"
#include "simulator/runner/switchable_sink.h"
#include "simulator/scenario/scenario.h"

namespace ddsim::runner {

// Parses in-process packets on a producer thread, into SampleBatches that SampleFeed::deliver()
// hands to the agent on the driver thread: the agent gets the calls send() would make, in the
// same order, while the parsing runs beside the aggregation. One per producer; not thread-safe.
class BatchParser {
 public:
  BatchParser(const dogstatsd::ProcessorOptions& options, const common::Clock& clock);
  // Parses one packet received at `now` (Unix seconds; the clock's time without it) into
  // `into`, and counts it there.
  void parse(std::string_view packet, SampleBatch& into);
  void parse(std::string_view packet, double now, SampleBatch& into);

 private:
  // The processor's sink: the batch being filled.
  class Target final : public metrics::SampleSink {
   public:
    SampleBatch* batch = nullptr;
    void addSamples(std::span<const metrics::MetricSample> s, double now) override { batch->addSamples(s, now); }
    void addSamplesWithoutAggregation(std::span<const metrics::MetricSample> s) override {
      batch->addSamplesWithoutAggregation(s);
    }
    void addEvents(std::vector<metrics::Event>&& e) override { batch->addEvents(std::move(e)); }
    void addServiceChecks(std::vector<metrics::ServiceCheck>&& c) override { batch->addServiceChecks(std::move(c)); }
  };
  const common::Clock& clock_;
  Target target_;
  dogstatsd::PacketProcessor processor_;
};

class SampleFeed {
 public:
  // `deterministic`: one parsing worker, so packets are parsed in the order they were sent.
  SampleFeed(const dogstatsd::ServerOptions& options, const common::Clock& clock, SwitchableSink& sink,
             bool deterministic);
  ~SampleFeed();

  // Opens what the transports need: a DogStatsD server with a UDP listener on an ephemeral
  // loopback port and/or Unix sockets in a private temporary directory.
  common::Status open(const std::set<scenario::SampleTransport>& transports);
  // Sends one packet (one or more messages separated by '\n').
  void send(scenario::SampleTransport transport, std::string_view packet);
  // A parser for in-process packets on another thread, and the hand-over of what it parsed
  // (the same accounting and sink calls as send() of those packets on this thread).
  std::unique_ptr<BatchParser> makeBatchParser() const;
  void deliver(SampleBatch& batch);
  // Waits until the listeners have parsed every packet sent (at most `max_wait` real time),
  // then hands the in-process samples held meanwhile to the sink, in the order they came.
  // Returns false on a timeout (the held samples are handed over all the same).
  bool sync(common::Duration max_wait = std::chrono::seconds(10));
  void close();

  // Packets handed to a transport, by transport name; packets whose send failed.
  int64_t packetsSent() const { return packets_sent_; }
  int64_t messagesSent() const { return messages_sent_; }
  const common::CounterSet& sendErrors() const { return send_errors_; }
  // Parser and listener counters of every path (names as dogstatsd::IntakeStats).
  common::TelemetrySnapshot telemetry() const;
  // Packets the workers have finished with (parsed, or dropped by the server with a reason).
  int64_t packetsAccountedByServer() const;

 private:
  const dogstatsd::ServerOptions options_;
  const common::Clock& clock_;
  SwitchableSink& sink_;
  const bool deterministic_;
  std::unique_ptr<dogstatsd::PacketProcessor> inproc_;
  dogstatsd::ProcessorCounters inproc_counters_;
  std::unique_ptr<dogstatsd::DogStatsdServer> server_;
  std::unique_ptr<dogstatsd::ReplayTarget> udp_, uds_, uds_stream_;
  std::string temp_dir_;
  int64_t packets_sent_ = 0;
  int64_t messages_sent_ = 0;
  int64_t server_packets_sent_ = 0;
  // In-process samples waiting for sync() (deterministic feeds with a socket transport only).
  std::unique_ptr<SampleBatch> held_;
  void releaseHeld();
  common::CounterSet send_errors_;
};

}  // namespace ddsim::runner
