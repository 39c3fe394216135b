#include "simulator/pipeline/trace_agent.h"

#include <utility>

namespace ddsim::pipeline {

TraceAgent::TraceAgent(const TraceAgentOptions& options, serializer::PayloadForwarder& forwarder, common::Clock& clock)
    : clock_(clock) {
  trace::TraceWriterOptions w;
  w.header.host_name = options.hostname;
  w.header.env = options.env;
  w.header.agent_version = options.agent_version;
  w.header.target_tps = options.target_tps;
  w.header.error_tps = options.error_tps;
  writer_ = std::make_unique<trace::TraceWriter>(w, forwarder);
  processor_ = std::make_unique<trace::TraceProcessor>(
      clock, [writer = writer_.get()](trace::TracerPayload&& p) { writer->add(std::move(p)); }, options.target_tps,
      options.env);
  trace::ReceiverOptions r;
  r.agent_version = options.agent_version;
  r.default_env = options.env;
  r.target_tps = options.target_tps;
  receiver_ = std::make_unique<trace::TraceReceiver>(
      r, [processor = processor_.get()](trace::ReceivedPayload&& p) { processor->process(std::move(p)); });
}

trace::ReceiverResponse TraceAgent::handle(const trace::ReceiverRequest& request) {
  // The samplers' rates reach the answers as soon as they change (the agent updates its
  // dynamic config on every rate computation).
  uint64_t version = 0;
  auto rates = processor_->rates(&version);
  if (version != rates_version_) {
    rates_version_ = version;
    receiver_->setRates(std::move(rates), std::to_string(version));
  }
  return receiver_->handle(request);
}

void TraceAgent::tick(common::SteadyTime now) { writer_->tick(now); }

common::TelemetrySnapshot TraceAgent::telemetry() const {
  const trace::ReceiverCounters& c = receiver_->counters();
  auto d = [](uint64_t v) { return static_cast<double>(v); };
  common::TelemetrySnapshot all{{"trace.receiver.payloads_accepted", d(c.payloads_accepted)},
                                {"trace.receiver.traces_received", d(c.traces_received)},
                                {"trace.receiver.bytes_received", d(c.bytes_received)},
                                {"trace.receiver.payloads_too_large", d(c.payloads_too_large)},
                                {"trace.receiver.decoding_errors", d(c.decoding_errors)}};
  for (const auto& part : {processor_->telemetry(), writer_->telemetry()}) {
    for (const auto& [k, v] : part) all[k] += v;
  }
  return all;
}

}  // namespace ddsim::pipeline
