#include "core/trace/stats_pipeline.h"

#include <utility>

namespace ddsim::trace {

StatsPipeline::StatsPipeline(const StatsPipelineOptions& options, serializer::PayloadForwarder& forwarder,
                             int64_t now_ns, Languages languages)
    : env_(options.agent_env), languages_(std::move(languages)) {
  StatsWriterOptions wo;
  wo.sender = options.writer_sender;
  writer_ = std::make_unique<StatsWriter>(wo, forwarder);
  StatsConcentratorOptions so;
  so.agent_env = options.agent_env;
  so.agent_hostname = options.agent_hostname;
  so.agent_version = options.agent_version;
  so.seed = options.seed;
  concentrator_ = std::make_unique<StatsConcentrator>(so, now_ns);
  ClientStatsAggregatorOptions ao;
  ao.agent_env = options.agent_env;
  ao.agent_hostname = options.agent_hostname;
  ao.agent_version = options.agent_version;
  client_ = std::make_unique<ClientStatsAggregator>(ao, now_ns, [this](StatsPayload&& p) { write(std::move(p)); });
}

TraceProcessor::StatsSink StatsPipeline::sink() {
  return [c = concentrator_.get()](const TraceChunk& chunk, size_t root, const StatsChunkContext& ctx) {
    c->add(chunk, root, ctx);
  };
}

void StatsPipeline::addClientStats(ClientStatsPayload&& p, const std::string& lang, const std::string& tracer_version,
                                   int64_t now_ns) {
  processClientStats(p, lang, tracer_version, env_);
  client_->add(now_ns, std::move(p));
}

void StatsPipeline::flushConcentrator(int64_t now_ns) { write(concentrator_->flush(now_ns, false)); }

void StatsPipeline::tickClientStats(int64_t now_ns) { client_->tick(now_ns); }

void StatsPipeline::pumpWriter() { writer_->pump(); }

void StatsPipeline::drainWriter() { writer_->drain(); }

size_t StatsPipeline::writerWaiting() const { return writer_->waiting(); }

int64_t StatsPipeline::writerPending() const { return writer_->pending(); }

void StatsPipeline::flushAll(int64_t now_ns) {
  write(concentrator_->flush(now_ns, true));
  client_->flushAll();
  writer_->drain();
}

void StatsPipeline::write(StatsPayload&& p) {
  if (p.stats.empty()) return;
  if (observer_) observer_(p);
  writer_->write(p, languages_ ? languages_() : std::string());
}

common::TelemetrySnapshot StatsPipeline::telemetry() const {
  common::TelemetrySnapshot all;
  for (const auto& part : {concentrator_->telemetry(), writer_->telemetry(), client_->telemetry()}) {
    for (const auto& [k, v] : part) all[k] += v;
  }
  return all;
}

}  // namespace ddsim::trace
