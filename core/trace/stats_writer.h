#pragma once
// The trace agent's stats writer (docs/trace-agent.md §8.3, from pkg/trace/writer/stats.go):
// each StatsPayload the concentrator flushes (or the client-stats aggregator hands over) is
// split so that no payload holds more than 4000 grouped stats ("entries"), each payload is
// encoded as msgpack, gzipped at the fastest level and submitted to the forwarder on
// Endpoint::kStats (/api/v0.2/stats) with the agent's headers. Sent at once, as the agent's
// writer does outside its synchronous mode, through the writer's own sender
// (apm_config.stats_writer.{connection_limit,queue_size}, §8.3.1). Thread-safe.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/common/counters.h"
#include "core/serializer/compression.h"
#include "core/serializer/forwarder_interface.h"
#include "core/trace/stats_payload.h"
#include "core/trace/writer_sender.h"

namespace ddsim::trace {

struct StatsWriterOptions {
  // stats.go maxEntriesPerPayload.
  size_t max_entries_per_payload = 4000;
  // gzip.BestSpeed.
  int gzip_level = 1;
  // apm_config.stats_writer.{connection_limit,queue_size} (writer/stats.go; §8.3.1).
  WriterSenderOptions sender = statsWriterSenderOptions(0, 0);
};

struct StatsWriterCounters {
  uint64_t payloads = 0;          // StatsPayloads handed to the forwarder
  uint64_t client_payloads = 0;
  uint64_t stats_buckets = 0;
  uint64_t stats_entries = 0;
  uint64_t splits = 0;            // writes that needed more than one payload
  uint64_t bytes = 0;             // compressed
  uint64_t bytes_uncompressed = 0;
  // Dropped by reason, with the entries they held.
  uint64_t payloads_dropped_forwarder = 0;
  uint64_t entries_dropped_forwarder = 0;
  uint64_t payloads_dropped_compression = 0;
  uint64_t entries_dropped_compression = 0;
  // Dropped from the sender's full queue (the oldest waiting payload makes room).
  uint64_t payloads_dropped_queue_full = 0;
  uint64_t entries_dropped_queue_full = 0;
  uint64_t payloads_waiting = 0;  // in the sender's queue now (gauge)
};

// stats.go buildPayloads: each ClientStatsPayload with max_entries or more entries is cut into
// ceil(entries / max) payloads, entries dealt round-robin (one bucket per time window in each);
// then client payloads are grouped into StatsPayloads of at most max entries, all marked
// split_payload when there is more than one. Agent quirks kept: the cut pieces keep neither the
// container tags, git commit sha nor image tag; a client payload without a container id loses
// its tags. Empty input gives no payload.
std::vector<StatsPayload> buildStatsPayloads(const StatsPayload& in, size_t max_entries);

class StatsWriter {
 public:
  // `forwarder` must outlive the writer.
  StatsWriter(StatsWriterOptions options, serializer::PayloadForwarder& forwarder);

  // Splits, encodes and hands to the sender. `languages`: X-Datadog-Reported-Languages (the
  // tracer languages seen, joined by "|").
  void write(const StatsPayload& payload, const std::string& languages = "");
  // Hands waiting payloads over as the sender's connections free up (the driver's tick).
  void pump();
  // Hands every waiting payload over, whatever is out (stop).
  void drain();
  size_t waiting() const;
  // Payloads waiting or not yet let go of by the forwarder (what the agent's Stop waits for).
  int64_t pending() const;

  StatsWriterCounters counters() const;
  // trace.stats_writer.* counters for the telemetry snapshot.
  common::TelemetrySnapshot telemetry() const;

 private:
  StatsWriterOptions options_;
  std::unique_ptr<serializer::Compressor> gzip_;
  mutable std::mutex mu_;
  StatsWriterCounters counters_;
  WriterSender sender_;
};

}  // namespace ddsim::trace
