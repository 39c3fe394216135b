#pragma once
// The trace agent inside `ddsim serverless` (docs/serverless.md, docs/trace-agent.md §8.5; the
// agent's pkg/serverless/trace/trace.go starts the full trace agent with synchronous flushing):
// the processor (normalize, sample) feeding the trace writer and, before sampling, the stats
// concentrator; /v0.6/stats through the client stats aggregator. Nothing is sent on a timer: at
// each of the extension's flush points flush() sends the stats that are due and then the traces
// (agent.go FlushSync: stats writer first, then trace writer) through the serverless sync
// forwarder; stop() sends every stats bucket still open when the extension stops.
#include <memory>
#include <string>

#include "core/common/clock.h"
#include "core/config/agent_config.h"
#include "core/config/pipeline_options.h"
#include "core/serializer/forwarder_interface.h"
#include "core/trace/receiver.h"
#include "core/trace/stats_pipeline.h"
#include "core/trace/unix_nanos.h"
#include "core/trace/trace_processor.h"
#include "core/trace/trace_writer.h"

namespace ddsim::cli {

class ServerlessTraces {
 public:
  // `forwarder` and `clock` must outlive this object.
  // `sampling`: the apm_config sampler keys (pipelineOptions).
  ServerlessTraces(const config::AgentConfig& cfg, const config::TraceSamplingOptions& sampling,
                   serializer::PayloadForwarder& forwarder, common::Clock& clock);

  void process(trace::ReceivedPayload&& p) { processor_->process(std::move(p)); }
  void processClientStats(trace::ClientStatsPayload&& p, const std::string& lang, const std::string& tracer_version);
  // One flush point: the concentrator's due buckets and the client stats older than 20 s, then
  // the trace writer.
  void flush();
  // The extension stops: every stats bucket (forced), sent at once.
  void stop();

  trace::StatsWriterCounters statsWriterCounters() const { return stats_->writerCounters(); }

 private:
  common::Clock& clock_;
  std::unique_ptr<trace::TraceWriter> writer_;
  std::unique_ptr<trace::StatsPipeline> stats_;
  std::unique_ptr<trace::TraceProcessor> processor_;
};

}  // namespace ddsim::cli
