#include "core/trace/trace_processor.h"

#include <chrono>
#include <utility>

#include "core/trace/trace_chunk.h"

namespace ddsim::trace {

std::string_view sampleDecisionName(SampleDecision d) {
  switch (d) {
    case SampleDecision::kKeep: return "kept";
    case SampleDecision::kDropUserReject: return "user_reject";
    case SampleDecision::kDropPriority: return "priority_sampler";
    case SampleDecision::kDropErrors: return "error_sampler";
    case SampleDecision::kDropNoPriority: return "no_priority_sampler";
  }
  return "unknown";
}

namespace {

bool containsError(const Trace& spans) {
  for (const Span& s : spans) {
    if (s.error != 0) return true;
  }
  return false;
}

// The normalizer's status message ends in "(reason:<tag>)...": the tag.
std::string reasonTag(const std::string& message) {
  const auto at = message.find("(reason:");
  if (at == std::string::npos) return "invalid";
  const auto end = message.find(')', at);
  return message.substr(at + 8, end == std::string::npos ? std::string::npos : end - at - 8);
}

// A meta value from the root, else from the first span that has it (traceutil.GetEnv; ddsim
// reads traceutil.GetAppVersion's "version" the same way).
std::string rootOrFirstMeta(const TraceChunk& chunk, const Span& root, const std::string& key) {
  if (auto it = root.meta.find(key); it != root.meta.end() && !it->second.empty()) return it->second;
  for (const Span& s : chunk.spans) {
    if (auto it = s.meta.find(key); it != s.meta.end() && !it->second.empty()) return it->second;
  }
  return {};
}

const std::string kEnvKey = "env";
const std::string kVersionKey = "version";

}  // namespace

SampleDecision runSamplers(int64_t now_s, TraceChunk& chunk, size_t root, const std::string& env, double p0_weight,
                           Samplers& samplers, int64_t now_ns) {
  const bool has_priority = chunk.priority != kPriorityNone;
  // agent.go sample: a negative priority is dropped before any sampler runs.
  if (has_priority && chunk.priority < 0) return SampleDecision::kDropUserReject;
  const bool error = containsError(chunk.spans);
  if (has_priority) {
    // samplePriorityTrace: the rare sampler first (every signature counted), then the priority
    // sampler, then the error sampler for errors; else what the rare sampler decided.
    const bool rare = samplers.rare_enabled &&
                      samplers.rare.sample(now_ns >= 0 ? now_ns : now_s * 1'000'000'000, chunk, env);
    if (samplers.priority.sample(now_s, chunk, root, env, p0_weight)) return SampleDecision::kKeep;
    if (error) return samplers.errors.sample(now_s, chunk, root, env) ? SampleDecision::kKeep : SampleDecision::kDropErrors;
    return rare ? SampleDecision::kKeep : SampleDecision::kDropPriority;
  }
  // sampleNoPriorityTrace.
  if (error) return samplers.errors.sample(now_s, chunk, root, env) ? SampleDecision::kKeep : SampleDecision::kDropErrors;
  return samplers.no_priority.sample(now_s, chunk, root, env) ? SampleDecision::kKeep : SampleDecision::kDropNoPriority;
}

TraceProcessor::TraceProcessor(common::Clock& clock, Output out, double target_tps, std::string agent_env,
                               double error_tps)
    : clock_(&clock), out_(std::move(out)), samplers_(target_tps, error_tps, std::move(agent_env)) {}

std::map<std::string, double> TraceProcessor::rates(uint64_t* version) const {
  std::lock_guard lock(mu_);
  if (version) *version = samplers_.priority.ratesVersion();
  return samplers_.priority.ratesByService();
}

void TraceProcessor::enableRareSampler(RareSamplerOptions options) {
  std::lock_guard lock(mu_);
  samplers_.rare = RareSampler(options);
  samplers_.rare_enabled = true;
}

void TraceProcessor::setStatsSink(StatsSink sink) {
  std::lock_guard lock(mu_);
  stats_ = std::move(sink);
}

void TraceProcessor::process(ReceivedPayload&& payload) {
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          clock_->systemNow().time_since_epoch()).count();
  TracerPayload tp;
  tp.language_name = payload.lang;
  tp.language_version = payload.lang_version;
  tp.tracer_version = payload.tracer_version;
  // The stats context of the payload's chunks; env and app version change only from empty to set.
  StatsChunkContext ctx;
  const double p0_weight = static_cast<double>(payload.client_dropped_p0_traces) /
                           static_cast<double>(payload.traces.size());
  {
    std::lock_guard lock(mu_);
    for (Trace& trace : payload.traces) {
      ++counters_.traces_in;
      counters_.spans_in += trace.size();
      // agent.go Process: normalizeTrace refuses the whole trace with a reason.
      if (auto st = normalizeTrace(trace, payload.lang, now, counters_.spans_fixed); !st.isOk()) {
        ++counters_.traces_dropped[reasonTag(st.message())];
        continue;
      }
      TraceChunk chunk;
      chunk.spans = std::move(trace);
      const size_t root = rootSpanIndex(chunk.spans);
      setChunkAttributes(chunk, chunk.spans[root]);
      for (Span& s : chunk.spans) truncateSpan(s);
      if (!payload.client_computed_top_level) computeTopLevel(chunk.spans);
      if (tp.env.empty()) tp.env = rootOrFirstMeta(chunk, chunk.spans[root], kEnvKey);
      // agent.go Process: the payload's app version, from the first chunk that has one
      // (traceutil.GetAppVersion); the stats take it from there.
      if (tp.app_version.empty()) tp.app_version = rootOrFirstMeta(chunk, chunk.spans[root], kVersionKey);
      // agent.go Process: stats from every chunk, before sampling, unless the tracer computed them.
      if (stats_ && !payload.client_computed_stats) {
        if (ctx.tracer_env != tp.env) ctx.tracer_env = tp.env;
        if (ctx.tracer_hostname != tp.hostname) ctx.tracer_hostname = tp.hostname;
        if (ctx.app_version != tp.app_version) ctx.app_version = tp.app_version;
        stats_(chunk, root, ctx);
      }
      const SampleDecision d = runSamplers(now / 1'000'000'000, chunk, root, tp.env, p0_weight, samplers_, now);
      if (d != SampleDecision::kKeep) {
        ++counters_.traces_sampled_out[std::string(sampleDecisionName(d))];
        continue;
      }
      ++counters_.traces_kept;
      counters_.spans_kept += chunk.spans.size();
      tp.chunks.push_back(std::move(chunk));
    }
  }
  if (tp.chunks.empty()) return;
  if (out_) out_(std::move(tp));
}

ProcessorCounters TraceProcessor::counters() const {
  std::lock_guard lock(mu_);
  return counters_;
}

common::TelemetrySnapshot TraceProcessor::telemetry() const {
  const ProcessorCounters c = counters();
  auto d = [](uint64_t v) { return static_cast<double>(v); };
  common::TelemetrySnapshot t{{"trace.processor.traces_in", d(c.traces_in)},
                              {"trace.processor.spans_in", d(c.spans_in)},
                              {"trace.processor.traces_kept", d(c.traces_kept)},
                              {"trace.processor.spans_kept", d(c.spans_kept)}};
  for (const auto& [k, v] : c.traces_dropped) t["trace.processor.traces_dropped." + k] = d(v);
  for (const auto& [k, v] : c.traces_sampled_out) t["trace.processor.traces_sampled_out." + k] = d(v);
  for (const auto& [k, v] : c.spans_fixed) t["trace.processor.spans_normalized." + k] = d(v);
  {
    std::lock_guard lock(mu_);
    if (samplers_.rare_enabled) {
      const RareSamplerCounters& r = samplers_.rare.counters();
      t["trace.processor.rare_sampler.hits"] = d(r.hits);
      t["trace.processor.rare_sampler.misses"] = d(r.misses);
      t["trace.processor.rare_sampler.shrinks"] = d(r.shrinks);
    }
  }
  return t;
}

}  // namespace ddsim::trace
