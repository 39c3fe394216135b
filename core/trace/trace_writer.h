#pragma once
// The trace writer (docs/trace-agent.md §6.1, from the agent's pkg/trace/writer/trace.go):
// buffers the tracer payloads the samplers kept, and turns them into AgentPayloads for
// /api/v0.2/traces — protobuf, gzip at the fastest level, one payload whenever the next tracer
// payload would push the buffer past max_payload_size, and on every flush period. Payloads go to
// the forwarder as Submissions on Endpoint::kTraces, so retries, drops by reason and the report
// see them. Time is an argument (tick(now)); thread-safe (add() comes from the receiver's
// threads, tick() from the driver).
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/common/clock.h"
#include "core/common/counters.h"
#include "core/serializer/compression.h"
#include "core/serializer/forwarder_interface.h"
#include "core/trace/agent_payload.h"
#include "core/trace/writer_sender.h"

namespace ddsim::trace {

struct TraceWriterOptions {
  // writer/trace.go MaxPayloadSize: 3.2 MB of encoded tracer payloads triggers a flush.
  size_t max_payload_size = 3200000;
  // apm_config.trace_writer.flush_period_seconds; the agent's default tick is 5 s.
  common::Duration flush_period = std::chrono::seconds(5);
  // gzip.BestSpeed, as the agent compresses trace payloads.
  int gzip_level = 1;
  // hostname, env (apm_config.env / the default "none"), agent version, the samplers' TPS.
  AgentPayloadHeader header;
  // apm_config.trace_writer.{connection_limit,queue_size} (writer/sender.go; §6.1.1).
  WriterSenderOptions sender = traceWriterSenderOptions(0, 0);
};

struct TraceWriterCounters {
  uint64_t payloads = 0;            // AgentPayloads handed to the forwarder
  uint64_t tracer_payloads = 0;
  uint64_t traces = 0;              // chunks written
  uint64_t spans = 0;
  uint64_t bytes = 0;               // compressed
  uint64_t bytes_uncompressed = 0;
  uint64_t flushes_by_size = 0;     // flushes because the buffer was full
  // Dropped by reason: the forwarder refused the submission, or compression failed.
  uint64_t payloads_dropped_forwarder = 0;
  uint64_t traces_dropped_forwarder = 0;
  uint64_t payloads_dropped_compression = 0;
  uint64_t traces_dropped_compression = 0;
  // Dropped from the sender's full queue (the oldest waiting payload makes room, §6.1.1).
  uint64_t payloads_dropped_queue_full = 0;
  uint64_t traces_dropped_queue_full = 0;
  uint64_t payloads_waiting = 0;  // in the sender's queue now (gauge)
};

class TraceWriter {
 public:
  // `forwarder` must outlive the writer.
  TraceWriter(TraceWriterOptions options, serializer::PayloadForwarder& forwarder);

  // Buffers one tracer payload (ignored when it has no chunk, as the agent does), flushing first
  // when it would push the buffered size past max_payload_size.
  void add(TracerPayload&& payload);
  // Flushes when the flush period has passed since the last periodic flush (the first call
  // starts the period); hands waiting payloads over as the sender's connections free up.
  void tick(common::SteadyTime now);
  common::SteadyTime nextDeadline() const;
  // Sends whatever is buffered and whatever waits in the sender (also on stop, before the
  // forwarder stops).
  void flush();
  // Payloads waiting in the sender or not yet let go of by the forwarder (sender.go `inflight`,
  // what the agent's Stop waits for).
  int64_t pending() const;

  TraceWriterCounters counters() const;
  // Every tracer language seen, sorted and joined by "|" (X-Datadog-Reported-Languages; the
  // stats writer sends the same header).
  std::string reportedLanguages() const;
  // trace.writer.* counters for the telemetry snapshot.
  common::TelemetrySnapshot telemetry() const;

 private:
  void flushLocked();
  std::string languagesLocked() const;

  TraceWriterOptions options_;
  serializer::PayloadForwarder* forwarder_;
  std::unique_ptr<serializer::Compressor> gzip_;
  mutable std::mutex mu_;
  // Each tracer payload is encoded once, when added; a flush only frames them.
  std::vector<std::string> buffered_;
  size_t buffered_size_ = 0;
  uint64_t buffered_traces_ = 0;
  uint64_t buffered_spans_ = 0;
  std::set<std::string> languages_;  // every tracer language seen (X-Datadog-Reported-Languages)
  bool started_ = false;
  common::SteadyTime next_flush_{};
  TraceWriterCounters counters_;
  WriterSender sender_;
  common::SteadyTime last_tick_{};
};

}  // namespace ddsim::trace
