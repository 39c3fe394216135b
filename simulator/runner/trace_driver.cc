#include "simulator/runner/trace_driver.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <optional>

#include "core/trace/trace_chunk.h"
#include "simulator/workload/trace_generator.h"
#include "simulator/workload/tracer_stats.h"

namespace ddsim::runner {

namespace {

class TraceDriver final : public WorkloadDriver {
 public:
  TraceDriver(const scenario::TraceWorkload& w, uint64_t seed, double load_end)
      : w_(w), gen_(w, seed), seed_(seed), stop_(stopOr(w.stop, load_end)) {}
  const std::string& name() const override { return w_.name; }
  std::string_view type() const override { return "traces"; }
  bool sendsTraces() const override { return true; }
  void setRateScale(double factor) override { rate_scale_ = factor < 0 ? 0 : factor; }

  void tick(TickContext& ctx) override {
    if (w_.client_stats) startClientStats(ctx);
    const int64_t n = scaledCount(dueCount(w_.rate, w_.start, stop_, ctx.scenario_time, ctx.tick_end), rate_scale_, carry_);
    if (n > 0) sendTraces(ctx, n);
    if (stats_) flushStats(ctx);
  }

  const trace::StatsTally* tracerStats() const override { return stats_ ? &stats_->flushed() : nullptr; }
  const Generated& generated() const override { return g_; }
  nlohmann::json details() const override;

 private:
  void sendTraces(TickContext& ctx, int64_t n) {
    // The traces end evenly across the tick; a request goes out whenever one is full, and the
    // tick's last one goes out partly full (a tracer flushes on its own period).
    const double span_s = ctx.tick_end - ctx.scenario_time;
    const int64_t tick_start_ns = static_cast<int64_t>(std::llround(ctx.now_unix * 1e9));
    trace::Traces batch;
    int64_t want = gen_.nextPayloadSize();
    for (int64_t i = 0; i < n; ++i) {
      const int64_t end_ns = tick_start_ns + static_cast<int64_t>(span_s * 1e9 * static_cast<double>(i) /
                                                                    static_cast<double>(n));
      trace::Trace t = gen_.next(end_ns, rates_);
      if (stats_) {
        // A tracer with client stats marks top-level spans and counts every trace before it
        // drops any (span_stats.js, spec §8.6).
        trace::computeTopLevel(t);
        stats_->add(t);
        if (dropP0(t)) continue;
      }
      batch.push_back(std::move(t));
      if (static_cast<int64_t>(batch.size()) >= want) {
        send(ctx, batch);
        batch.clear();
        want = gen_.nextPayloadSize();
      }
    }
    if (!batch.empty()) send(ctx, batch);
  }

 private:
  nlohmann::json clientStatsJson() const {
    if (!w_.client_stats) return false;
    const trace::StatsTotals computed = stats_ ? trace::totalOf(stats_->flushed()) : trace::StatsTotals{};
    return {{"agent_allows_p0_drop", drop_p0s_},
            {"p0_traces_dropped", g_.trace_client_dropped_traces},
            {"p0_spans_dropped", g_.trace_client_dropped_spans},
            {"p0_traces_unreported", pending_p0_traces_},
            {"spans_counted", stats_ ? stats_->spansCounted() : 0},
            {"stats_requests", g_.trace_stats_requests},
            {"stats_refused", g_.trace_stats_refused},
            {"hits_sent", computed.hits},
            {"top_level_hits_sent", computed.top_level_hits}};
  }

  // The tracer's start: its stats buckets open at the first tick, and it reads the agent's /info
  // once (as dd-trace does) to learn whether the agent lets it drop P0 traces (client_drop_p0s).
  void startClientStats(TickContext& ctx) {
    const int64_t now_ns = static_cast<int64_t>(std::llround(ctx.now_unix * 1e9));
    if (!stats_) {
      workload::TracerStatsOptions o;
      o.env = w_.env;
      o.lang = w_.language;
      o.service = gen_.services().front();
      o.runtime_id = "ddsim-" + w_.name + "-" + std::to_string(seed_);
      stats_.emplace(o, now_ns);
    }
    if (info_read_ || !ctx.agent || !ctx.agent->traces()) return;
    info_read_ = true;
    trace::ReceiverRequest req;
    req.path = "/info";
    const trace::ReceiverResponse resp = ctx.agent->traces()->handle(req);
    const nlohmann::json info = nlohmann::json::parse(resp.body, nullptr, /*allow_exceptions=*/false);
    drop_p0s_ = resp.status == 200 && info.is_object() && info.value("client_drop_p0s", false);
  }

  // dd-trace's exporter with client stats on and the agent allowing it: a trace whose priority
  // is <= 0 is not sent; the next request reports it. Traces without a priority are sent.
  bool dropP0(const trace::Trace& t) {
    if (!drop_p0s_ || t.empty()) return false;
    const trace::Span& root = t[trace::rootSpanIndex(t)];
    auto p = root.metrics.find(std::string(trace::kSamplingPriorityKey));
    if (p == root.metrics.end() || p->second > 0) return false;
    const std::string reason = p->second < 0 ? "user_reject" : "auto_reject";
    const auto spans = static_cast<int64_t>(t.size());
    ++g_.trace_traces;
    g_.trace_spans += spans;
    ++g_.trace_client_dropped_traces[reason];
    g_.trace_client_dropped_spans[reason] += spans;
    ++pending_p0_traces_;
    pending_p0_spans_ += spans;
    return true;
  }

  // The tracer's stats timer: buckets that closed go to /v0.6/stats; after the load stops, the
  // tracer's shutdown sends the rest once.
  void flushStats(TickContext& ctx) {
    if (stats_final_) return;
    const bool force = ctx.tick_end >= stop_;
    const int64_t now_ns = static_cast<int64_t>(std::llround((ctx.now_unix + ctx.tick_end - ctx.scenario_time) * 1e9));
    for (trace::ClientStatsPayload& p : stats_->flush(now_ns, force)) sendStats(ctx, p);
    stats_final_ = force;
  }

  void sendStats(TickContext& ctx, const trace::ClientStatsPayload& p) {
    ++g_.trace_stats_requests;
    pipeline::TraceAgent* agent = ctx.agent ? ctx.agent->traces() : nullptr;
    if (!agent) {
      ++g_.trace_stats_refused;
      return;
    }
    const std::string body = trace::encodeClientStatsPayloadMsgpack(p);
    trace::ReceiverRequest req;
    req.path = "/v0.6/stats";
    req.headers = {{"content-type", "application/msgpack"},
                   {"datadog-meta-lang", w_.language},
                   {"datadog-meta-tracer-version", "ddsim"}};
    req.body = body;
    if (agent->handle(req).status != 200) ++g_.trace_stats_refused;
  }

  void send(TickContext& ctx, const trace::Traces& traces) {
    int64_t spans = 0;
    for (const auto& t : traces) spans += static_cast<int64_t>(t.size());
    g_.trace_traces += static_cast<int64_t>(traces.size());
    g_.trace_spans += spans;
    pipeline::TraceAgent* agent = ctx.agent ? ctx.agent->traces() : nullptr;
    if (!agent) {
      g_.trace_spans_agent_down += spans;
      return;
    }
    const std::string body = gen_.encode(traces);
    bytes_ += static_cast<int64_t>(body.size());
    ++g_.trace_requests;
    trace::ReceiverRequest req;
    req.path = std::string(gen_.path());
    req.headers = {{"content-type", "application/msgpack"},
                   {"datadog-meta-lang", w_.language},
                   {"datadog-meta-tracer-version", "ddsim"},
                   {"x-datadog-trace-count", std::to_string(traces.size())}};
    if (!rates_.version().empty()) req.headers["datadog-rates-payload-version"] = rates_.version();
    if (stats_) {
      req.headers["datadog-client-computed-stats"] = "yes";
      req.headers["datadog-client-computed-top-level"] = "yes";
      if (pending_p0_traces_ > 0) {
        req.headers["datadog-client-dropped-p0-traces"] = std::to_string(pending_p0_traces_);
        req.headers["datadog-client-dropped-p0-spans"] = std::to_string(pending_p0_spans_);
        pending_p0_traces_ = pending_p0_spans_ = 0;
      }
    }
    req.body = body;
    const trace::ReceiverResponse resp = agent->handle(req);
    countTraceAnswer(resp.status, spans, g_);
    if (resp.status != 200) return;
    auto v = resp.headers.find("Datadog-Rates-Payload-Version");
    auto changed = rates_.update(resp.body, v == resp.headers.end() ? "" : v->second);
    if (changed.isOk()) {
      if (!*changed) ++g_.trace_unchanged_rate_answers;  // "{}": the tracer's version was current
    } else {
      if (g_.trace_bad_rate_answers++ == 0) {
        spdlog::warn("traces workload '{}': the trace agent's answer has no readable rates: {}", w_.name, resp.body);
      }
    }
  }

  scenario::TraceWorkload w_;
  workload::TraceGenerator gen_;
  workload::TracerRates rates_;
  uint64_t seed_;
  double stop_;
  std::optional<workload::TracerStats> stats_;  // client_stats only
  bool info_read_ = false, drop_p0s_ = false, stats_final_ = false;
  int64_t pending_p0_traces_ = 0, pending_p0_spans_ = 0;  // for the next request's headers
  double rate_scale_ = 1.0;
  double carry_ = 0;
  int64_t bytes_ = 0;
  Generated g_;
};

nlohmann::json TraceDriver::details() const {
  nlohmann::json decisions = nlohmann::json::object();
  for (const auto& [d, count] : gen_.decisions()) decisions[std::string(workload::traceDecisionName(d))] = count;
  return {{"traces", g_.trace_traces},
          {"spans", g_.trace_spans},
          {"requests", g_.trace_requests},
          {"bytes", bytes_},
          {"protocol", w_.protocol == scenario::TraceProtocol::kV05 ? "v0.5" : "v0.4"},
          {"decisions", decisions},
          {"rates_known", rates_.size()},
          {"rates_version", rates_.version()},
          {"client_stats", clientStatsJson()}};
}

}  // namespace

void countTraceAnswer(int status, int64_t spans, Generated& g) {
  switch (status) {
    case 200: g.trace_spans_accepted += spans; break;
    case 413: g.trace_spans_too_large += spans; break;
    case 400: g.trace_spans_decoding_error += spans; break;
    default: g.trace_spans_refused_other += spans; break;
  }
}

std::unique_ptr<WorkloadDriver> makeTraceDriver(const scenario::TraceWorkload& w, uint64_t seed, double load_end) {
  return std::make_unique<TraceDriver>(w, seed, load_end);
}

}  // namespace ddsim::runner
