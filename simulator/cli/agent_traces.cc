#include "simulator/cli/agent_traces.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>

#include "core/trace/tag_normalizer.h"
#include "simulator/cli/trace_senders.h"

namespace ddsim::cli {

common::Result<std::unique_ptr<AgentTraces>> AgentTraces::start(const config::AgentConfig& cfg,
                                                                const config::TraceSamplingOptions& sampling,
                                                                const dogstatsd::DogStatsdServer& dsd,
                                                                size_t dsd_buffer_size,
                                                                serializer::PayloadForwarder& forwarder,
                                                                common::Clock& clock) {
  std::unique_ptr<AgentTraces> t(new AgentTraces());
  trace::TraceWriterOptions w;
  // writer/trace.go flush: the agent's hostname, default env (apm_config.env, else env, else
  // "none", normalized as a tag) and version, the samplers' targets
  // (apm_config.max_traces_per_second / errors_per_second, both 10 by default), the flush period
  // (apm_config.trace_writer.flush_period_seconds).
  w.header.host_name = cfg.getString("hostname");
  w.header.env = trace::normalizeTag(sampling.default_env);
  w.flush_period = std::chrono::duration_cast<common::Duration>(std::chrono::duration<double>(sampling.writer_flush_period_s));
  w.header.agent_version = cfg.getString("ddsim.agent_version");
  w.header.target_tps = sampling.target_tps;
  w.header.error_tps = sampling.error_tps;
  w.sender = trace::traceWriterSenderOptions(sampling.trace_writer_connection_limit, sampling.trace_writer_queue_size);
  t->clock_ = &clock;
  t->writer_ = std::make_unique<trace::TraceWriter>(w, forwarder);
  t->processor_ = std::make_unique<trace::TraceProcessor>(
      clock, [writer = t->writer_.get()](trace::TracerPayload&& p) { writer->add(std::move(p)); },
      sampling.target_tps, w.header.env, sampling.error_tps);
  if (sampling.rare_sampler) t->processor_->enableRareSampler();
  // Stats (concentrator.go NewConcentrator): the agent's hostname, env and version on every
  // payload; fed by the processor before sampling; /v0.6/stats through the client stats
  // aggregator to the same writer.
  trace::StatsPipelineOptions so;
  so.agent_env = w.header.env;
  so.agent_hostname = w.header.host_name;
  so.agent_version = w.header.agent_version;
  so.writer_sender = trace::statsWriterSenderOptions(sampling.stats_writer_connection_limit, sampling.stats_writer_queue_size);
  t->stats_ = std::make_unique<trace::StatsPipeline>(so, forwarder, t->nowNs(),
                                                     [writer = t->writer_.get()] { return writer->reportedLanguages(); });
  t->processor_->setStatsSink(t->stats_->sink());
  t->stats_period_ = std::chrono::duration_cast<common::Duration>(
      std::chrono::nanoseconds(trace::StatsConcentratorOptions{}.bucket_ns));
  t->next_stats_flush_ = clock.steadyNow() + t->stats_period_;

  trace::ReceiverServerOptions o;
  o.dogstatsd_port = dsd.udpPort();  // the /dogstatsd/v*/proxy routes relay there (0: off, 405)
  o.dogstatsd_buffer_size = dsd_buffer_size;
  o.port = static_cast<int>(cfg.getInt("apm_config.receiver_port"));
  if (o.port < -1 || o.port > 65535) {
    return common::invalidArgument("apm_config.receiver_port must be -1 (any free port), 0 (off) or a port");
  }
  o.receiver.agent_version = cfg.getString("ddsim.agent_version");
  o.receiver.default_env = w.header.env;  // /info config.default_env
  o.receiver.receiver_port = o.port;
  o.receiver.receiver_socket = cfg.getString("apm_config.receiver_socket");
  o.socket_path = o.receiver.receiver_socket;  // HTTP over this Unix socket too (not with port 0)
  o.forward = [processor = t->processor_.get()](trace::ReceivedPayload&& p) { processor->process(std::move(p)); };
  o.forward_stats = [raw = t.get()](trace::ClientStatsPayload&& p, const std::string& lang,
                                    const std::string& tracer_version) {
    raw->stats_->addClientStats(std::move(p), lang, tracer_version, raw->nowNs());
  };
  if (const std::string record = cfg.getString("ddsim.trace_record_path"); !record.empty()) {
    auto capture = trace::TraceCaptureWriter::create(record, static_cast<uint64_t>(cfg.getInt("ddsim.trace_record_max_bytes")));
    if (!capture.isOk()) return capture.status();
    t->capture_ = std::move(capture).value();
    o.record = [capture = t->capture_.get(), raw = t.get()](const trace::ReceiverRequest& r) {
      capture->write(r, raw->nowNs());
    };
    std::printf("recording tracer requests into %s\n", record.c_str());
  }
  t->server_ = std::make_unique<trace::ReceiverServer>(o);
  auto port = t->server_->start();
  if (!port.isOk()) return port.status();
  if (*port == 0) {
    spdlog::warn("apm_config.receiver_port is 0: no trace listener (nor on apm_config.receiver_socket)");
  } else {
    std::printf("trace receiver listening on http://127.0.0.1:%d\n", *port);
    if (!o.socket_path.empty()) std::printf("trace receiver listening on unix://%s\n", o.socket_path.c_str());
    std::fflush(stdout);
  }
  spdlog::info("trace agent: traces are normalized, sampled (max_traces_per_second {}, errors_per_second {}) and "
               "sent to /api/v0.2/traces",
               sampling.target_tps, sampling.error_tps);
  return t;
}

int64_t AgentTraces::nowNs() const {
  return trace::unixNanos(clock_->systemNow());
}

void AgentTraces::tick(common::SteadyTime now) {
  writer_->tick(now);
  stats_->pumpWriter();
  stats_->tickClientStats(nowNs());  // the aggregator's 1 s ticker
  // concentrator.go Run: a flush every bucket period (10 s).
  if (now >= next_stats_flush_) {
    next_stats_flush_ = now + stats_period_;
    stats_->flushConcentrator(nowNs());
  }
  uint64_t version = 0;
  auto rates = processor_->rates(&version);
  if (version != rates_version_) {
    rates_version_ = version;
    server_->setRates(std::move(rates), std::to_string(version));
  }
}

void AgentTraces::stop() {
  server_->stop();
  if (capture_) {
    if (auto st = capture_->close(); !st.isOk()) spdlog::error("{}", st.message());
    spdlog::info("trace recording {}: {} requests, {} bytes, {} not recorded (full)", capture_->path(),
                 capture_->records(), capture_->bytes(), capture_->dropped());
  }
  writer_->flush();
  stats_->flushAll(nowNs());
  // The senders' Stop: what the writers handed out finishes before the forwarder stops.
  const int64_t left = waitForTraceSenders([this] { return writer_->pending() + stats_->writerPending(); });
  if (left > 0) {
    spdlog::warn("trace agent: {} payload(s) still out after {} s; the forwarder's stop decides their fate", left,
                 kTraceSendersStopBudget.count() / 1000);
  }
}

common::TelemetrySnapshot AgentTraces::telemetry() const {
  common::TelemetrySnapshot all = server_->telemetry();
  if (capture_) {
    all["trace.record.requests"] = static_cast<double>(capture_->records());
    all["trace.record.bytes"] = static_cast<double>(capture_->bytes());
    all["trace.record.dropped.full"] = static_cast<double>(capture_->dropped());
  }
  for (const auto& part : {processor_->telemetry(), writer_->telemetry(), stats_->telemetry()}) {
    for (const auto& [k, v] : part) all[k] += v;
  }
  return all;
}

std::string AgentTraces::summary() const {
  const auto r = server_->telemetry();
  const auto p = processor_->counters();
  const auto w = writer_->counters();
  const auto sc = stats_->concentratorCounters();
  const auto sw = stats_->writerCounters();
  uint64_t refused = 0, sampled_out = 0;
  for (const auto& [k, v] : p.traces_dropped) refused += v;
  for (const auto& [k, v] : p.traces_sampled_out) sampled_out += v;
  char line[768];
  std::snprintf(line, sizeof line,
                "traces: %.0f received (%.0f spans), %.0f dropped by the receiver (payload too large %.0f, decoding "
                "error %.0f), %llu refused by the normalizer, %llu sampled out, %llu sent in %llu payloads "
                "(%llu spans), %llu dropped by the writer; stats: %llu spans counted, %llu groups sent in %llu "
                "payloads, %llu dropped",
                r.at("trace.receiver.traces_received"), r.at("trace.receiver.spans_received"),
                r.at("trace.receiver.traces_dropped.payload_too_large") + r.at("trace.receiver.traces_dropped.decoding_error"),
                r.at("trace.receiver.traces_dropped.payload_too_large"), r.at("trace.receiver.traces_dropped.decoding_error"),
                static_cast<unsigned long long>(refused), static_cast<unsigned long long>(sampled_out),
                static_cast<unsigned long long>(w.traces), static_cast<unsigned long long>(w.payloads),
                static_cast<unsigned long long>(w.spans),
                static_cast<unsigned long long>(w.traces_dropped_forwarder + w.traces_dropped_compression +
                                                w.traces_dropped_queue_full),
                static_cast<unsigned long long>(sc.spans_counted), static_cast<unsigned long long>(sw.stats_entries),
                static_cast<unsigned long long>(sw.payloads),
                static_cast<unsigned long long>(sw.entries_dropped_forwarder + sw.entries_dropped_compression));
  return line;
}

}  // namespace ddsim::cli
