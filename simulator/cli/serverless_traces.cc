#include "simulator/cli/serverless_traces.h"

#include <utility>

#include <spdlog/spdlog.h>

#include "core/trace/tag_normalizer.h"
#include "simulator/cli/trace_senders.h"

namespace ddsim::cli {

ServerlessTraces::ServerlessTraces(const config::AgentConfig& cfg, const config::TraceSamplingOptions& sampling,
                                   serializer::PayloadForwarder& forwarder, common::Clock& clock)
    : clock_(clock) {
  trace::TraceWriterOptions w;
  // trace.go Start: the hostname is emptied; env is the agent's default (apm_config.env, else
  // env, else "none"). The writer flushes at the extension's flush points, not on its period.
  w.header.env = trace::normalizeTag(sampling.default_env);
  w.header.agent_version = cfg.getString("ddsim.agent_version");
  w.header.target_tps = sampling.target_tps;
  w.header.error_tps = sampling.error_tps;
  w.sender = trace::traceWriterSenderOptions(sampling.trace_writer_connection_limit, sampling.trace_writer_queue_size);
  writer_ = std::make_unique<trace::TraceWriter>(w, forwarder);
  trace::StatsPipelineOptions so;
  so.agent_env = w.header.env;
  so.agent_version = w.header.agent_version;
  so.writer_sender = trace::statsWriterSenderOptions(sampling.stats_writer_connection_limit, sampling.stats_writer_queue_size);
  stats_ = std::make_unique<trace::StatsPipeline>(so, forwarder, trace::unixNanos(clock_.systemNow()),
                                                  [writer = writer_.get()] { return writer->reportedLanguages(); });
  processor_ = std::make_unique<trace::TraceProcessor>(
      clock, [writer = writer_.get()](trace::TracerPayload&& p) { writer->add(std::move(p)); }, sampling.target_tps,
      w.header.env, sampling.error_tps);
  if (sampling.rare_sampler) processor_->enableRareSampler();
  processor_->setStatsSink(stats_->sink());
}

void ServerlessTraces::processClientStats(trace::ClientStatsPayload&& p, const std::string& lang,
                                          const std::string& tracer_version) {
  stats_->addClientStats(std::move(p), lang, tracer_version, trace::unixNanos(clock_.systemNow()));
}

void ServerlessTraces::flush() {
  const int64_t now = trace::unixNanos(clock_.systemNow());
  stats_->flushConcentrator(now);
  stats_->tickClientStats(now);
  stats_->drainWriter();
  writer_->flush();
}

void ServerlessTraces::stop() {
  stats_->flushAll(trace::unixNanos(clock_.systemNow()));
  writer_->flush();
  // The senders' Stop: what the writers handed out finishes before the forwarder stops.
  if (const int64_t left = waitForTraceSenders([this] { return writer_->pending() + stats_->writerPending(); });
      left > 0) {
    spdlog::warn("trace agent: {} payload(s) still out after {} s", left, kTraceSendersStopBudget.count() / 1000);
  }
}

}  // namespace ddsim::cli
