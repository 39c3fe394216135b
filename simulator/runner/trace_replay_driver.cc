#include "simulator/runner/trace_replay_driver.h"

#include "core/trace/msgpack_decoder.h"
#include "core/trace/trace_capture.h"
#include "simulator/runner/trace_driver.h"

namespace ddsim::runner {
namespace {

// Traces and spans in a recorded request, when its route is one ddsim decodes (else 0: the
// answer and the processor's counters tell how many were taken).
struct Count {
  int64_t traces = 0;
  int64_t spans = 0;
};

Count countOf(const trace::TraceCaptureRecord& r) {
  common::Result<trace::Traces> t = common::invalidArgument("");
  if (r.path == "/v0.4/traces") t = trace::decodeV04(r.body);
  else if (r.path == "/v0.5/traces") t = trace::decodeV05(r.body);
  if (!t.isOk()) return {};
  Count c;
  c.traces = static_cast<int64_t>(t->size());
  for (const auto& trace : *t) c.spans += static_cast<int64_t>(trace.size());
  return c;
}

class TraceReplayDriver final : public WorkloadDriver {
 public:
  TraceReplayDriver(const scenario::ReplayWorkload& w, trace::TraceCaptureReader reader, std::vector<Count> counts,
                    int64_t first_ns, int64_t last_ns)
      : w_(w), reader_(std::move(reader)), counts_(std::move(counts)), first_ns_(first_ns),
        span_s_(static_cast<double>(last_ns - first_ns) / 1e9) {}

  const std::string& name() const override { return w_.name; }
  std::string_view type() const override { return "replay"; }
  bool sendsTraces() const override { return true; }

  void tick(TickContext& ctx) override {
    while (loop_ < w_.loops && !counts_.empty()) {
      if (!pending_) {
        auto rec = reader_.next();
        if (!rec.isOk() || !rec->has_value()) {  // checked whole before the run: the file changed
          error_ = rec.isOk() ? "the capture ended early" : rec.status().message();
          loop_ = w_.loops;
          return;
        }
        pending_ = std::move(rec).value();
      }
      const double offset = w_.speed > 0 ? static_cast<double>(pending_->unix_ns - first_ns_) / 1e9 / w_.speed : 0;
      const double loop_len = w_.speed > 0 ? span_s_ / w_.speed : 0;
      if (w_.start + static_cast<double>(loop_) * loop_len + offset >= ctx.tick_end) return;
      send(ctx, *pending_, counts_[next_]);
      pending_.reset();
      if (++next_ == counts_.size()) {
        next_ = 0;
        ++loop_;
        if (loop_ < w_.loops && !reader_.rewind().isOk()) loop_ = w_.loops;
      }
    }
  }

  const Generated& generated() const override { return g_; }
  nlohmann::json details() const override {
    nlohmann::json j = {{"file", w_.file},           {"format", "trace capture"},
                        {"records", counts_.size()}, {"loops_completed", loop_},
                        {"requests", g_.trace_requests}, {"recorded_span_seconds", span_s_}};
    if (!error_.empty()) j["error"] = error_;
    return j;
  }

 private:
  void send(TickContext& ctx, const trace::TraceCaptureRecord& rec, const Count& c) {
    pipeline::TraceAgent* agent = ctx.agent ? ctx.agent->traces() : nullptr;
    if (!agent) {
      g_.trace_traces += c.traces;
      g_.trace_spans += c.spans;
      g_.trace_spans_agent_down += c.spans;
      return;
    }
    trace::ReceiverRequest req;
    req.path = rec.path;
    req.headers = rec.headers;
    req.body = rec.body;
    ++g_.trace_requests;
    const auto before = agent->processorCounters();
    const trace::ReceiverResponse resp = agent->handle(req);
    const auto after = agent->processorCounters();
    // Accepted: what the processor took in (exact whatever the route); refused: the decoded count.
    const int64_t spans = resp.status == 200 ? static_cast<int64_t>(after.spans_in - before.spans_in) : c.spans;
    g_.trace_traces += resp.status == 200 ? static_cast<int64_t>(after.traces_in - before.traces_in) : c.traces;
    g_.trace_spans += spans;
    countTraceAnswer(resp.status, spans, g_);
  }

  scenario::ReplayWorkload w_;
  trace::TraceCaptureReader reader_;
  std::vector<Count> counts_;
  int64_t first_ns_;
  double span_s_;
  std::optional<trace::TraceCaptureRecord> pending_;
  size_t next_ = 0;
  int64_t loop_ = 0;
  std::string error_;
  Generated g_;
};

}  // namespace

common::Result<std::unique_ptr<WorkloadDriver>> makeTraceReplayDriver(const scenario::ReplayWorkload& w,
                                                                      const std::string& path) {
  auto reader = trace::TraceCaptureReader::open(path);
  if (!reader.isOk()) return reader.status();
  // The whole capture is read once before the run: a cut or corrupt one is refused, not
  // replayed in part.
  std::vector<Count> counts;
  int64_t first = 0, last = 0;
  while (true) {
    auto rec = reader->next();
    if (!rec.isOk()) return rec.status();
    if (!rec->has_value()) break;
    if (counts.empty()) first = (*rec)->unix_ns;
    last = std::max(last, (*rec)->unix_ns);
    counts.push_back(countOf(**rec));
  }
  if (counts.empty()) return common::invalidArgument(path + ": the trace capture holds no requests");
  if (auto st = reader->rewind(); !st.isOk()) return st;
  return std::unique_ptr<WorkloadDriver>(
      new TraceReplayDriver(w, std::move(reader).value(), std::move(counts), first, std::max(first, last)));
}

}  // namespace ddsim::runner
