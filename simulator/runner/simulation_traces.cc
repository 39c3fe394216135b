// The trace path's part of the end of a run (simulation_internal.h): its accounting stages,
// the report's summary.traces section and the facts its expectations read.
#include "simulator/runner/simulation_internal.h"

namespace ddsim::runner {

namespace {

// The traces workloads' counts, summed.
Generated traceTotals(const std::vector<std::unique_ptr<WorkloadDriver>>& drivers) {
  Generated t;
  for (const auto& d : drivers) {
    const Generated& g = d->generated();
    t.trace_traces += g.trace_traces;
    t.trace_spans += g.trace_spans;
    t.trace_requests += g.trace_requests;
    t.trace_spans_accepted += g.trace_spans_accepted;
    t.trace_spans_agent_down += g.trace_spans_agent_down;
    t.trace_spans_too_large += g.trace_spans_too_large;
    t.trace_spans_decoding_error += g.trace_spans_decoding_error;
    t.trace_spans_refused_other += g.trace_spans_refused_other;
    t.trace_bad_rate_answers += g.trace_bad_rate_answers;
    t.trace_unchanged_rate_answers += g.trace_unchanged_rate_answers;
    for (const auto& [r, n] : g.trace_client_dropped_traces) t.trace_client_dropped_traces[r] += n;
    for (const auto& [r, n] : g.trace_client_dropped_spans) t.trace_client_dropped_spans[r] += n;
    t.trace_stats_requests += g.trace_stats_requests;
    t.trace_stats_refused += g.trace_stats_refused;
  }
  return t;
}

int64_t count(const common::TelemetrySnapshot& t, const std::string& key) {
  auto it = t.find(key);
  return it == t.end() ? 0 : static_cast<int64_t>(it->second);
}

const std::string kForwarderEndpoint = "traces_v02";
const std::string kStatsEndpoint = "stats_v02";

// Payloads of one endpoint (one transaction each: one domain, one API key) through the forwarder.
StageBalance forwarderStage(const common::TelemetrySnapshot& A, const std::string& stage, const std::string& in_key,
                            const std::string& endpoint) {
  StageBalance b{stage, "payloads"};
  b.in = count(A, in_key);
  b.out = count(A, "forwarder.transactions.success_by_endpoint." + endpoint);
  // Every drop of the endpoint's payloads, by the forwarder's reason (http_400, retry_queue_at_stop...).
  for (const auto& [reason, n] : countsUnder(A, "forwarder.transactions.dropped_by_endpoint_reason." + endpoint + ".")) {
    b.dropped[reason] = n;
  }
  // Whole retry files dropped unread (evicted, corrupt) are counted under the endpoint
  // "unknown": what is left here is theirs when they cover it.
  const int64_t rest = b.in - b.out - b.droppedTotal();
  if (rest > 0) {
    int64_t unknown = 0;
    for (const auto& [reason, n] : countsUnder(A, "forwarder.transactions.dropped_by_endpoint_reason.unknown.")) {
      unknown += n;
    }
    if (unknown >= rest) b.dropped["retry_file_dropped_unread"] = rest;
  }
  b.note = "drops by the forwarder's reason for this endpoint (see the forwarder stage for all endpoints)";
  return b;
}

}  // namespace

void Simulation::accountTraces(Accounting& acc) const {
  if (!trace_options_) return;
  const auto& A = past_;
  const Generated g = traceTotals(drivers_);
  {  // Spans the tracers sent, into the processor or refused by the receiver with a reason.
    StageBalance b{"trace_receiver", "spans"};
    b.in = g.trace_spans;
    b.out = count(A, "trace.processor.spans_in");
    b.dropped["agent_down"] = g.trace_spans_agent_down;
    b.dropped["payload_too_large"] = g.trace_spans_too_large;
    b.dropped["decoding_error"] = g.trace_spans_decoding_error;
    b.dropped["refused"] = g.trace_spans_refused_other;
    // P0 traces a tracer with client-side stats never sent (by design, as sampling is).
    for (const auto& [reason, n] : g.trace_client_dropped_spans) b.dropped["client_dropped_p0_" + reason] = n;
    b.note = "spans counted by the tracer from the receiver's answers; out = what the processor took in";
    acc.stages.push_back(b);
  }
  {  // Traces: kept, refused by the normalizer, or sampled out (by design) by reason.
    StageBalance b{"trace_processor", "traces"};
    b.in = count(A, "trace.processor.traces_in");
    b.out = count(A, "trace.processor.traces_kept");
    for (const auto& [reason, n] : countsUnder(A, "trace.processor.traces_dropped.")) b.dropped["normalizer_" + reason] = n;
    for (const auto& [reason, n] : countsUnder(A, "trace.processor.traces_sampled_out.")) {
      b.dropped["sampled_out_" + reason] = n;
    }
    acc.stages.push_back(b);
  }
  {  // Kept traces into AgentPayloads handed to the forwarder.
    StageBalance b{"trace_writer", "traces"};
    b.in = count(A, "trace.processor.traces_kept");
    b.out = count(A, "trace.writer.traces");
    b.dropped["forwarder_refused"] = count(A, "trace.writer.traces_dropped.forwarder");
    b.dropped["compression"] = count(A, "trace.writer.traces_dropped.compression");
    b.dropped["sender_queue_full"] = count(A, "trace.writer.traces_dropped.sender_queue_full");
    acc.stages.push_back(b);
  }
  acc.stages.push_back(forwarderStage(A, "trace_forwarder", "trace.writer.payloads", kForwarderEndpoint));
  {  // Stats groups ("entries") the concentrator and the client stats aggregator flushed, into
     // payloads handed to the forwarder.
    StageBalance b{"trace_stats_writer", "stats groups"};
    b.in = count(A, "trace.stats_writer.stats_entries") + count(A, "trace.stats_writer.entries_dropped.forwarder") +
           count(A, "trace.stats_writer.entries_dropped.compression") +
           count(A, "trace.stats_writer.entries_dropped.sender_queue_full");
    b.out = count(A, "trace.stats_writer.stats_entries");
    b.dropped["forwarder_refused"] = count(A, "trace.stats_writer.entries_dropped.forwarder");
    b.dropped["compression"] = count(A, "trace.stats_writer.entries_dropped.compression");
    b.dropped["sender_queue_full"] = count(A, "trace.stats_writer.entries_dropped.sender_queue_full");
    b.note = "in = every group built (trace.stats.groups_flushed counts the concentrator's alone)";
    acc.stages.push_back(b);
  }
  acc.stages.push_back(forwarderStage(A, "trace_stats_forwarder", "trace.stats_writer.payloads", kStatsEndpoint));
}

expect::TraceFacts Simulation::traceFacts(const expect::DeliveredTraces* delivered) const {
  expect::TraceFacts f;
  f.present = trace_options_.has_value();
  f.spans_written = count(past_, "trace.writer.spans");
  f.sampled_out = countsUnder(past_, "trace.processor.traces_sampled_out.");
  f.load_start_unix = common::toUnixSeconds(t0_);
  f.load_end_unix = common::toUnixSeconds(load_end_);
  f.delivered = delivered;
  f.stats_built = &past_stats_built_;
  f.client_stats_built = &past_client_stats_built_;
  // Tracer stats payloads the agent did not take (refused, or sent while it was down).
  f.stats_lost["tracer stats payloads not accepted on /v0.6/stats"] = traceTotals(drivers_).trace_stats_refused;
  for (const auto& d : drivers_) {
    if (const trace::StatsTally* t = d->tracerStats()) {
      for (const auto& [k, v] : *t) f.tracer_stats[k] += v;
      f.tracer_stats_present = true;
    }
  }
  f.stats_lost["dropped by the stats writer (forwarder refused)"] =
      count(past_, "trace.stats_writer.payloads_dropped.forwarder");
  f.stats_lost["dropped by the stats writer (compression)"] =
      count(past_, "trace.stats_writer.payloads_dropped.compression");
  for (const auto& [reason, n] :
       countsUnder(past_, "forwarder.transactions.dropped_by_endpoint_reason." + kStatsEndpoint + ".")) {
    f.stats_lost["dropped by the forwarder (" + reason + ")"] += n;
  }
  return f;
}

nlohmann::json Simulation::tracesJson(const expect::DeliveredTraces* delivered) const {
  const auto& A = past_;
  const Generated g = traceTotals(drivers_);
  nlohmann::json j = {
      {"traces_generated", g.trace_traces},
      {"spans_generated", g.trace_spans},
      {"requests", g.trace_requests},
      {"spans_received", count(A, "trace.processor.spans_in")},
      {"spans_refused_by_receiver",
       {{"agent_down", g.trace_spans_agent_down},
        {"payload_too_large", g.trace_spans_too_large},
        {"decoding_error", g.trace_spans_decoding_error},
        {"other", g.trace_spans_refused_other}}},
      {"traces_received", count(A, "trace.processor.traces_in")},
      {"traces_dropped_by_normalizer", countsUnder(A, "trace.processor.traces_dropped.")},
      {"traces_sampled_out", countsUnder(A, "trace.processor.traces_sampled_out.")},
      {"traces_kept", count(A, "trace.processor.traces_kept")},
      {"spans_kept", count(A, "trace.processor.spans_kept")},
      {"traces_written", count(A, "trace.writer.traces")},
      {"spans_written", count(A, "trace.writer.spans")},
      {"payloads_written", count(A, "trace.writer.payloads")},
      {"payloads_delivered", count(A, "forwarder.transactions.success_by_endpoint." + kForwarderEndpoint)},
      {"payloads_lost", count(A, "forwarder.transactions.dropped_by_endpoint." + kForwarderEndpoint)},
      {"payloads_retried", count(A, "forwarder.transactions.retried_by_endpoint." + kForwarderEndpoint)},
      {"bad_rate_answers", g.trace_bad_rate_answers},
      {"unchanged_rate_answers", g.trace_unchanged_rate_answers},
      // Client-side stats: the P0 traces tracers dropped themselves, by reason, and their
      // /v0.6/stats requests.
      {"client_dropped_p0_traces", g.trace_client_dropped_traces},
      {"client_dropped_p0_spans", g.trace_client_dropped_spans},
      {"client_stats_requests", g.trace_stats_requests},
      {"client_stats_refused", g.trace_stats_refused},
  };
  const trace::StatsTotals built = trace::totalOf(past_stats_built_);
  j["stats"] = {{"spans_counted", count(A, "trace.stats.spans_counted")},
                {"groups_built", built.groups},
                {"hits", built.hits},
                {"errors", built.errors},
                {"top_level_hits", built.top_level_hits},
                {"duration_ns", built.duration},
                {"payloads_written", count(A, "trace.stats_writer.payloads")},
                {"payloads_delivered", count(A, "forwarder.transactions.success_by_endpoint." + kStatsEndpoint)},
                {"payloads_lost", count(A, "forwarder.transactions.dropped_by_endpoint." + kStatsEndpoint)}};
  if (delivered) {
    j["intake"] = {{"payloads", delivered->payloads},
                   {"traces", delivered->chunks},
                   {"spans", delivered->spans},
                   {"undecodable_payloads", delivered->undecodable}};
    if (!delivered->incomplete.empty()) j["intake"]["incomplete"] = delivered->incomplete;
    const trace::StatsTotals got = trace::totalOf(delivered->stats);
    j["stats"]["intake"] = {{"payloads", delivered->stats_payloads},
                            {"groups", got.groups},
                            {"hits", got.hits},
                            {"errors", got.errors},
                            {"top_level_hits", got.top_level_hits},
                            {"duration_ns", got.duration},
                            {"undecodable_payloads", delivered->stats_undecodable}};
    if (!delivered->stats_incomplete.empty()) j["stats"]["intake"]["incomplete"] = delivered->stats_incomplete;
  }
  return j;
}

}  // namespace ddsim::runner
