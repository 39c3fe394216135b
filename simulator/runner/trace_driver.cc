#include "simulator/runner/trace_driver.h"

#include <spdlog/spdlog.h>

#include <cmath>

#include "simulator/workload/trace_generator.h"

namespace ddsim::runner {

namespace {

class TraceDriver final : public WorkloadDriver {
 public:
  TraceDriver(const scenario::TraceWorkload& w, uint64_t seed, double load_end)
      : w_(w), gen_(w, seed), stop_(stopOr(w.stop, load_end)) {}
  const std::string& name() const override { return w_.name; }
  std::string_view type() const override { return "traces"; }
  bool sendsTraces() const override { return true; }
  void setRateScale(double factor) override { rate_scale_ = factor < 0 ? 0 : factor; }

  void tick(TickContext& ctx) override {
    const int64_t n = scaledCount(dueCount(w_.rate, w_.start, stop_, ctx.scenario_time, ctx.tick_end), rate_scale_, carry_);
    if (n <= 0) return;
    // The traces end evenly across the tick; a request goes out whenever one is full, and the
    // tick's last one goes out partly full (a tracer flushes on its own period).
    const double span_s = ctx.tick_end - ctx.scenario_time;
    const int64_t tick_start_ns = static_cast<int64_t>(std::llround(ctx.now_unix * 1e9));
    trace::Traces batch;
    int64_t want = gen_.nextPayloadSize();
    for (int64_t i = 0; i < n; ++i) {
      const int64_t end_ns = tick_start_ns + static_cast<int64_t>(span_s * 1e9 * static_cast<double>(i) /
                                                                    static_cast<double>(n));
      batch.push_back(gen_.next(end_ns, rates_));
      if (static_cast<int64_t>(batch.size()) >= want) {
        send(ctx, batch);
        batch.clear();
        want = gen_.nextPayloadSize();
      }
    }
    if (!batch.empty()) send(ctx, batch);
  }

  const Generated& generated() const override { return g_; }
  nlohmann::json details() const override {
    nlohmann::json decisions = nlohmann::json::object();
    for (const auto& [d, count] : gen_.decisions()) decisions[std::string(workload::traceDecisionName(d))] = count;
    return {{"traces", g_.trace_traces},
            {"spans", g_.trace_spans},
            {"requests", g_.trace_requests},
            {"bytes", bytes_},
            {"protocol", w_.protocol == scenario::TraceProtocol::kV05 ? "v0.5" : "v0.4"},
            {"decisions", decisions},
            {"rates_known", rates_.size()},
            {"rates_version", rates_.version()}};
  }

 private:
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
  double stop_;
  double rate_scale_ = 1.0;
  double carry_ = 0;
  int64_t bytes_ = 0;
  Generated g_;
};

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
