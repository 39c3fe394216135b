#pragma once
// The trace agent inside `ddsim agent` (docs/trace-agent.md §1.1, §7): the receiver on
// 127.0.0.1, the processor (normalize, sample) and the writer that submits AgentPayloads to
// the pipeline's forwarder on /api/v0.2/traces, and the stats concentrator fed by the processor
// before sampling, flushed every 10 s bucket through the stats writer to /api/v0.2/stats
// (docs/trace-agent.md §8). The driver ticks it; stop() stops the receiver and flushes the
// writer and every stats bucket, before the forwarder stops.
#include <memory>
#include <string>

#include "core/common/clock.h"
#include "core/common/counters.h"
#include "core/common/status.h"
#include "core/config/agent_config.h"
#include "core/config/pipeline_options.h"
#include "core/dogstatsd/server.h"
#include "core/serializer/forwarder_interface.h"
#include "core/trace/receiver_server.h"
#include "core/trace/stats_pipeline.h"
#include "core/trace/trace_capture.h"
#include "core/trace/trace_processor.h"
#include "core/trace/trace_writer.h"
#include "core/trace/unix_nanos.h"

namespace ddsim::cli {

class AgentTraces {
 public:
  // Starts the receiver as apm_config configures it (port -1: any free port) and prints where
  // it listens. `forwarder`, `dsd` and `clock` must outlive this object.
  static common::Result<std::unique_ptr<AgentTraces>> start(const config::AgentConfig& cfg,
                                                            const config::TraceSamplingOptions& sampling,
                                                            const dogstatsd::DogStatsdServer& dsd,
                                                            size_t dsd_buffer_size,
                                                            serializer::PayloadForwarder& forwarder,
                                                            common::Clock& clock);

  // The writer's periodic flush, the concentrator's flush every bucket period, and the priority sampler's new rates into the receiver's
  // answers (the agent publishes them when its buckets turn, every 5 s at most).
  void tick(common::SteadyTime now);
  // Stops the receiver (answers in flight finish), then flushes what the writer holds and every
  // stats bucket (the agent's forced flush on exit), and waits up to 5 s for the writers'
  // payloads to be let go of (the senders' Stop, trace_senders.h).
  void stop();

  // trace.receiver.*, trace.processor.*, trace.writer.*, trace.stats.* and
  // trace.stats_writer.* counters.
  common::TelemetrySnapshot telemetry() const;
  // The exit line: received, dropped, sampled out, sent.
  std::string summary() const;

 private:
  AgentTraces() = default;
  int64_t nowNs() const;

  common::Clock* clock_ = nullptr;
  std::unique_ptr<trace::TraceWriter> writer_;
  std::unique_ptr<trace::StatsPipeline> stats_;  // concentrator, /v0.6/stats aggregator, stats writer
  common::Duration stats_period_{};  // the concentrator's bucket size
  common::SteadyTime next_stats_flush_{};
  std::unique_ptr<trace::TraceProcessor> processor_;
  std::unique_ptr<trace::ReceiverServer> server_;
  std::unique_ptr<trace::TraceCaptureWriter> capture_;  // ddsim.trace_record_path
  uint64_t rates_version_ = 0;
};

}  // namespace ddsim::cli
