#include "simulator/workload/tracer_stats.h"

#include <utility>

#include "core/trace/trace_chunk.h"

namespace ddsim::workload {

namespace {

trace::StatsConcentratorOptions concentratorOptions(const TracerStatsOptions& o) {
  trace::StatsConcentratorOptions c;
  c.agent_env = o.env;
  c.agent_hostname = o.hostname;
  c.agent_version = o.version;
  // A tracer keeps no previous bucket open: what ended before the current 10 s goes out.
  c.buffer_len = 1;
  return c;
}

}  // namespace

TracerStats::TracerStats(TracerStatsOptions options, int64_t now_ns)
    : options_(std::move(options)), concentrator_(concentratorOptions(options_), now_ns) {}

void TracerStats::add(const trace::Trace& trace) {
  if (trace.empty()) return;
  trace::TraceChunk chunk;
  chunk.spans = trace;
  const size_t root = trace::rootSpanIndex(chunk.spans);
  trace::StatsChunkContext ctx;
  ctx.tracer_env = options_.env;
  ctx.tracer_hostname = options_.hostname;
  ctx.app_version = options_.version;
  concentrator_.add(chunk, root, ctx);
}

std::vector<trace::ClientStatsPayload> TracerStats::flush(int64_t now_ns, bool force) {
  trace::StatsPayload all = concentrator_.flush(now_ns, force);
  std::vector<trace::ClientStatsPayload> out;
  for (trace::ClientStatsPayload& p : all.stats) {
    if (p.stats.empty()) continue;
    p.lang = options_.lang;
    p.tracer_version = options_.tracer_version;
    p.runtime_id = options_.runtime_id;
    p.service = options_.service;
    p.sequence = ++sequence_;
    trace::StatsPayload one;
    one.stats.push_back(p);
    trace::tallyStatsPayload(flushed_, one);
    out.push_back(std::move(p));
  }
  return out;
}

int64_t TracerStats::spansCounted() const { return static_cast<int64_t>(concentrator_.counters().spans_counted); }

}  // namespace ddsim::workload
