#pragma once
// The trace agent's stats path in one piece (docs/trace-agent.md §8): the concentrator fed by
// the processor before sampling, the client stats aggregator for /v0.6/stats and the stats
// writer that sends both to /api/v0.2/stats through a forwarder. The simulator's trace agent
// and `ddsim serverless` drive it; time is an argument (wall time, Unix ns), no thread. The
// observer sees every payload before the writer (the simulator tallies them).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/common/counters.h"
#include "core/serializer/forwarder_interface.h"
#include "core/trace/client_stats_aggregator.h"
#include "core/trace/stats_concentrator.h"
#include "core/trace/stats_writer.h"
#include "core/trace/trace_processor.h"

namespace ddsim::trace {

struct StatsPipelineOptions {
  // The payload's agent fields (concentrator.go NewConcentrator); env also stands in for a
  // trace or tracer payload without one.
  std::string agent_env = "none";
  std::string agent_hostname;
  std::string agent_version;
  uint64_t seed = 0;  // the concentrator's random rounding of weighted counts
  // apm_config.stats_writer.{connection_limit,queue_size} (§8.3.1).
  WriterSenderOptions writer_sender = statsWriterSenderOptions(0, 0);
};

class StatsPipeline {
 public:
  // X-Datadog-Reported-Languages at each write (the trace writer's reportedLanguages()).
  using Languages = std::function<std::string()>;
  using Observer = std::function<void(const StatsPayload&)>;
  // `forwarder` must outlive the pipeline. `now_ns`: wall time at start.
  StatsPipeline(const StatsPipelineOptions& options, serializer::PayloadForwarder& forwarder, int64_t now_ns,
                Languages languages);

  // For TraceProcessor::setStatsSink.
  TraceProcessor::StatsSink sink();
  // One /v0.6/stats payload (agent.go ProcessStats, then the aggregator).
  void addClientStats(ClientStatsPayload&& p, const std::string& lang, const std::string& tracer_version,
                      int64_t now_ns);
  // concentrator.go Run's ticker: the buckets old enough go out.
  void flushConcentrator(int64_t now_ns);
  // The client stats aggregator's 1 s ticker.
  void tickClientStats(int64_t now_ns);
  // The writer's sender: waiting payloads go out as connections free up (each driver tick).
  void pumpWriter();
  // Hands every waiting payload over, whatever is out (a serverless flush point).
  void drainWriter();
  size_t writerWaiting() const;
  // Payloads the writer holds or the forwarder has not let go of (what a stop waits for).
  int64_t writerPending() const;
  // At stop: every bucket of both, and every payload waiting in the writer's sender.
  void flushAll(int64_t now_ns);
  void setObserver(Observer o) { observer_ = std::move(o); }

  StatsConcentratorCounters concentratorCounters() const { return concentrator_->counters(); }
  StatsWriterCounters writerCounters() const { return writer_->counters(); }
  ClientStatsCounters clientCounters() const { return client_->counters(); }
  // trace.stats.*, trace.stats_writer.* and trace.client_stats.* counters.
  common::TelemetrySnapshot telemetry() const;

 private:
  void write(StatsPayload&& p);

  std::string env_;
  Languages languages_;
  Observer observer_;
  std::unique_ptr<StatsWriter> writer_;
  std::unique_ptr<StatsConcentrator> concentrator_;
  std::unique_ptr<ClientStatsAggregator> client_;
};

}  // namespace ddsim::trace
