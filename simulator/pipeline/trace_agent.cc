#include "simulator/pipeline/trace_agent.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "core/trace/tag_normalizer.h"

namespace ddsim::pipeline {

TraceAgent::TraceAgent(const TraceAgentOptions& options, serializer::PayloadForwarder& forwarder, common::Clock& clock)
    : clock_(clock) {
  trace::TraceWriterOptions w;
  const std::string env = trace::normalizeTag(options.env);
  w.header.host_name = options.hostname;
  w.header.env = env;
  w.flush_period = std::chrono::duration_cast<common::Duration>(std::chrono::duration<double>(options.writer_flush_period_s));
  w.header.agent_version = options.agent_version;
  w.header.target_tps = options.target_tps;
  w.header.error_tps = options.error_tps;
  w.sender = trace::traceWriterSenderOptions(options.writer_connection_limit, options.writer_queue_size);
  writer_ = std::make_unique<trace::TraceWriter>(w, forwarder);
  // Stats (concentrator.go NewConcentrator): the agent's hostname, env and version on every
  // payload, the random rounding seeded so that a replay repeats.
  trace::StatsPipelineOptions so;
  so.agent_env = env;
  so.agent_hostname = options.hostname;
  so.agent_version = options.agent_version;
  so.seed = options.stats_seed;
  so.writer_sender = trace::statsWriterSenderOptions(options.stats_writer_connection_limit, options.stats_writer_queue_size);
  stats_ = std::make_unique<trace::StatsPipeline>(so, forwarder, nowNs(),
                                                  [writer = writer_.get()] { return writer->reportedLanguages(); });
  stats_->setObserver([this](const trace::StatsPayload& p) {
    trace::tallyStatsPayload(stats_built_, p);
    if (p.client_computed) trace::tallyStatsPayload(client_stats_built_, p);
  });
  stats_period_ = std::chrono::duration_cast<common::Duration>(
      std::chrono::nanoseconds(trace::StatsConcentratorOptions{}.bucket_ns));
  next_stats_flush_ = clock.steadyNow() + stats_period_;
  next_client_tick_ = common::SteadyTime::max();

  processor_ = std::make_unique<trace::TraceProcessor>(
      clock, [writer = writer_.get()](trace::TracerPayload&& p) { writer->add(std::move(p)); }, options.target_tps,
      env, options.error_tps);
  if (options.rare_sampler) processor_->enableRareSampler();
  processor_->setStatsSink(stats_->sink());
  trace::ReceiverOptions r;
  r.agent_version = options.agent_version;
  r.default_env = env;
  r.target_tps = options.target_tps;
  r.client_stats = true;
  receiver_ = std::make_unique<trace::TraceReceiver>(
      r, [processor = processor_.get()](trace::ReceivedPayload&& p) { processor->process(std::move(p)); },
      [this](trace::ClientStatsPayload&& p, const std::string& lang, const std::string& tracer_version) {
        stats_->addClientStats(std::move(p), lang, tracer_version, nowNs());
        // The aggregator's 1 s ticker runs from the first tracer payload on.
        if (next_client_tick_ == common::SteadyTime::max()) {
          next_client_tick_ = clock_.steadyNow() + std::chrono::seconds(1);
        }
      });
}

int64_t TraceAgent::nowNs() const {
  return trace::unixNanos(clock_.systemNow());
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

void TraceAgent::tick(common::SteadyTime now) {
  writer_->tick(now);
  last_tick_ = now;
  stats_->pumpWriter();
  if (now >= next_client_tick_) {
    next_client_tick_ = now + std::chrono::seconds(1);
    stats_->tickClientStats(nowNs());
  }
  // concentrator.go Run: a flush every bucket period (10 s).
  if (now >= next_stats_flush_) {
    next_stats_flush_ = now + stats_period_;
    stats_->flushConcentrator(nowNs());
  }
}

common::SteadyTime TraceAgent::nextDeadline() const {
  // Stats payloads waiting for one of the stats writer's connections: look again soon, as the
  // trace writer does for its own (§6.1.1).
  const common::SteadyTime stats_sender =
      stats_->writerWaiting() > 0 ? last_tick_ + std::chrono::milliseconds(100) : common::SteadyTime::max();
  return std::min({writer_->nextDeadline(), next_stats_flush_, next_client_tick_, stats_sender});
}

void TraceAgent::stop() {
  writer_->flush();
  stats_->flushAll(nowNs());
}

common::TelemetrySnapshot TraceAgent::telemetry() const {
  const trace::ReceiverCounters& c = receiver_->counters();
  auto d = [](uint64_t v) { return static_cast<double>(v); };
  common::TelemetrySnapshot all{{"trace.receiver.payloads_accepted", d(c.payloads_accepted)},
                                {"trace.receiver.traces_received", d(c.traces_received)},
                                {"trace.receiver.bytes_received", d(c.bytes_received)},
                                {"trace.receiver.payloads_too_large", d(c.payloads_too_large)},
                                {"trace.receiver.decoding_errors", d(c.decoding_errors)}};
  for (const auto& part : {processor_->telemetry(), writer_->telemetry(), stats_->telemetry()}) {
    for (const auto& [k, v] : part) all[k] += v;
  }
  return all;
}

}  // namespace ddsim::pipeline
