#pragma once
// The trace agent inside a simulated agent (docs/trace-agent.md §1, §7, §6.1): requests go
// through the receiver's handling (decoding, limits, the rate-by-service answer), the
// processor (normalize, sample) and the writer, whose AgentPayloads go to the agent's
// forwarder on /api/v0.2/traces. No socket and no thread: the workload calls handle(), the
// agent's driver calls tick() at nextDeadline(), in virtual or real time.
#include <memory>
#include <string>

#include "core/common/clock.h"
#include "core/common/counters.h"
#include "core/serializer/forwarder_interface.h"
#include "core/trace/receiver.h"
#include "core/trace/trace_processor.h"
#include "core/trace/trace_writer.h"

namespace ddsim::pipeline {

struct TraceAgentOptions {
  double target_tps = 10;  // apm_config.max_traces_per_second (the agent's default)
  double error_tps = 10;   // apm_config.errors_per_second
  std::string hostname = "ddsim-host";
  std::string env = "none";  // the agent's default env
  std::string agent_version = "ddsim";
};

class TraceAgent {
 public:
  // `forwarder` and `clock` must outlive the trace agent.
  TraceAgent(const TraceAgentOptions& options, serializer::PayloadForwarder& forwarder, common::Clock& clock);

  // One tracer request. The answer carries the priority sampler's latest rates.
  trace::ReceiverResponse handle(const trace::ReceiverRequest& request);
  // The writer's periodic flush (the first call starts its period).
  void tick(common::SteadyTime now);
  common::SteadyTime nextDeadline() const { return writer_->nextDeadline(); }
  // Sends what the writer holds (before the forwarder stops).
  void stop() { writer_->flush(); }

  const trace::ReceiverCounters& receiverCounters() const { return receiver_->counters(); }
  trace::ProcessorCounters processorCounters() const { return processor_->counters(); }
  trace::TraceWriterCounters writerCounters() const { return writer_->counters(); }
  // trace.receiver.*, trace.processor.* and trace.writer.* counters.
  common::TelemetrySnapshot telemetry() const;

 private:
  common::Clock& clock_;
  std::unique_ptr<trace::TraceWriter> writer_;
  std::unique_ptr<trace::TraceProcessor> processor_;
  std::unique_ptr<trace::TraceReceiver> receiver_;
  uint64_t rates_version_ = 0;
};

}  // namespace ddsim::pipeline
