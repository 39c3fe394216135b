#pragma once
// The trace agent inside a simulated agent (docs/trace-agent.md §1, §7, §6.1, §8): requests go
// through the receiver's handling (decoding, limits, the rate-by-service answer), the
// processor (normalize, sample) and the writer, whose AgentPayloads go to the agent's
// forwarder on /api/v0.2/traces. Before sampling, the processor feeds the stats concentrator;
// its 10 s buckets (and the tracers' own /v0.6/stats through the client stats aggregator) go
// to /api/v0.2/stats through the stats writer on the same forwarder, as `ddsim agent` does
// (simulator/cli/agent_traces.cc). No socket and no thread: the workload calls handle(), the
// agent's driver calls tick() at nextDeadline(), in virtual or real time.
#include <memory>
#include <string>

#include "core/common/clock.h"
#include "core/common/counters.h"
#include "core/serializer/forwarder_interface.h"
#include "core/trace/receiver.h"
#include "core/trace/stats_pipeline.h"
#include "core/trace/unix_nanos.h"
#include "core/trace/stats_totals.h"
#include "core/trace/trace_processor.h"
#include "core/trace/trace_writer.h"

namespace ddsim::pipeline {

struct TraceAgentOptions {
  double target_tps = 10;  // apm_config.max_traces_per_second (the agent's default)
  double error_tps = 10;   // apm_config.errors_per_second
  bool rare_sampler = false;  // apm_config.enable_rare_sampler
  std::string hostname = "ddsim-host";
  std::string env = "none";  // the agent's default env (apm_config.env / env), normalized as a tag here
  double writer_flush_period_s = 5;  // apm_config.trace_writer.flush_period_seconds
  // apm_config.trace_writer.{connection_limit,queue_size} (0 = the agent's default)
  int64_t writer_connection_limit = 0, writer_queue_size = 0;
  // apm_config.stats_writer.{connection_limit,queue_size} (0: the agent's defaults).
  int64_t stats_writer_connection_limit = 0, stats_writer_queue_size = 0;
  std::string agent_version = "ddsim";
  uint64_t stats_seed = 0;  // the concentrator's random rounding of weighted counts (the scenario's seed)
};

class TraceAgent {
 public:
  // `forwarder` and `clock` must outlive the trace agent.
  TraceAgent(const TraceAgentOptions& options, serializer::PayloadForwarder& forwarder, common::Clock& clock);

  // One tracer request. The answer carries the priority sampler's latest rates.
  trace::ReceiverResponse handle(const trace::ReceiverRequest& request);
  // The writer's periodic flush (the first call starts its period), the concentrator's flush
  // every 10 s and, once tracers sent stats, the client stats aggregator's 1 s ticker.
  void tick(common::SteadyTime now);
  common::SteadyTime nextDeadline() const;
  // Sends what the writer holds and every stats bucket still open (before the forwarder stops),
  // as the agent's stop does.
  void stop();

  const trace::ReceiverCounters& receiverCounters() const { return receiver_->counters(); }
  trace::ProcessorCounters processorCounters() const { return processor_->counters(); }
  trace::TraceWriterCounters writerCounters() const { return writer_->counters(); }
  trace::StatsConcentratorCounters concentratorCounters() const { return stats_->concentratorCounters(); }
  trace::StatsWriterCounters statsWriterCounters() const { return stats_->writerCounters(); }
  // The totals of every stats payload built (sent or dropped), by service and resource.
  const trace::StatsTally& statsBuilt() const { return stats_built_; }
  // The part of statsBuilt() that came from tracers' /v0.6/stats (the client stats aggregator).
  const trace::StatsTally& clientStatsBuilt() const { return client_stats_built_; }
  // trace.receiver.*, trace.processor.*, trace.writer.*, trace.stats.*, trace.stats_writer.* and
  // trace.client_stats.* counters.
  common::TelemetrySnapshot telemetry() const;

 private:
  int64_t nowNs() const;

  common::Clock& clock_;
  std::unique_ptr<trace::TraceWriter> writer_;
  std::unique_ptr<trace::StatsPipeline> stats_;
  std::unique_ptr<trace::TraceProcessor> processor_;
  std::unique_ptr<trace::TraceReceiver> receiver_;
  uint64_t rates_version_ = 0;
  common::Duration stats_period_{};
  common::SteadyTime next_stats_flush_{};
  common::SteadyTime next_client_tick_{};
  common::SteadyTime last_tick_{};  // for the stats sender's poll
  trace::StatsTally stats_built_;  // the simulator drives the agent from one thread
  trace::StatsTally client_stats_built_;
};

}  // namespace ddsim::pipeline
