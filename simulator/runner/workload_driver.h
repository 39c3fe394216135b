#pragma once
// Turns each scenario workload into traffic, tick by tick: DogStatsD metrics, events and
// service checks as DogStatsD text through the SampleFeed; check metrics and orchestrator
// metadata through the running agent's senders; .dog captures replayed with their cadence.
// Not thread-safe: the driver thread only.
#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>

#include "core/trace/stats_totals.h"
#include "simulator/pipeline/agent.h"
#include "simulator/runner/sample_feed.h"
#include "simulator/scenario/scenario.h"

namespace ddsim::runner {

// What a workload produced, in the units the accounting uses.
struct Generated {
  int64_t packets = 0;               // DogStatsD packets handed to the feed
  int64_t metric_samples = 0;        // DogStatsD metric values (without a |T timestamp)
  int64_t timestamped_samples = 0;   // DogStatsD metric values with |T
  int64_t events = 0;
  int64_t service_checks = 0;
  int64_t check_samples = 0;         // submitted through a check sender
  int64_t check_samples_agent_down = 0;
  int64_t orchestrator_messages = 0;
  int64_t orchestrator_agent_down = 0;
  int64_t commits = 0;
  // Traces workloads (spans and traces generated; spans by the receiver's answer).
  int64_t trace_traces = 0;
  int64_t trace_spans = 0;
  int64_t trace_requests = 0;
  int64_t trace_spans_accepted = 0;          // answered 200
  int64_t trace_spans_agent_down = 0;        // no agent to send to (restart)
  int64_t trace_spans_too_large = 0;         // answered 413
  int64_t trace_spans_decoding_error = 0;    // answered 400
  int64_t trace_spans_refused_other = 0;     // any other answer
  int64_t trace_bad_rate_answers = 0;        // 200 answers whose rates did not parse
  int64_t trace_unchanged_rate_answers = 0;  // "{}" answers: the tracer's rates version was current
  // Client-side stats (client_stats): traces and spans the tracer dropped itself as priority
  // <= 0, by reason (the decision: "auto_reject", "user_reject"), and its /v0.6/stats requests.
  std::map<std::string, int64_t> trace_client_dropped_traces;
  std::map<std::string, int64_t> trace_client_dropped_spans;
  int64_t trace_stats_requests = 0;
  int64_t trace_stats_refused = 0;  // /v0.6/stats answered other than 200 (or agent down)
};

struct TickContext {
  SampleFeed& feed;
  pipeline::Agent* agent;  // null while the agent is down (restart)
  double scenario_time;    // seconds since the run started (start of the tick)
  double tick_end;         // end of the tick, same origin
  double now_unix;         // wall/virtual Unix time at the start of the tick
};

// Virtual time without live changes: the ticks are known before the run. Tick k covers
// [k·tick_seconds, min(duration, (k+1)·tick_seconds)) and runs when the clock reads
// start + k·tick_seconds, until k·tick_seconds reaches the duration.
struct TickPlan {
  double tick_seconds = 1;
  double duration = 0;
  common::SystemTime start;
};

class WorkloadDriver {
 public:
  virtual ~WorkloadDriver() = default;
  virtual const std::string& name() const = 0;
  virtual std::string_view type() const = 0;
  // Emits the work due in [ctx.scenario_time, ctx.tick_end).
  virtual void tick(TickContext& ctx) = 0;
  virtual const Generated& generated() const = 0;
  // Workload-specific figures for the report.
  virtual nlohmann::json details() const = 0;
  // Live changes from a dashboard (LiveControl): the rate as a factor of the scenario's, and the
  // share of the workload's contexts in use (0 < f <= 1). Workloads without such knobs ignore them.
  virtual void setRateScale(double /*factor*/) {}
  virtual void setContextScale(double /*fraction*/) {}
  // Called before the first tick when the ticks follow `plan` and no live change will come: a
  // workload may then prepare ticks ahead of time, on a thread of its own, provided tick() emits
  // exactly what it would have without the plan.
  virtual void planTicks(const TickPlan& /*plan*/) {}
  // The run is over: frees what only generating needed (threads, queued batches, parse caches)
  // before the verdicts and the store's finalize, so they do not add to the run's peak memory.
  // generated() and details() still answer; tick() is not called again.
  virtual void releaseMemory() {}
  // The workload talks to the agent's trace agent (the simulated agent then runs one).
  virtual bool sendsTraces() const { return false; }
  // The stats totals a tracer computed itself and sent to /v0.6/stats (client_stats), by service
  // and resource; null for workloads that compute none.
  virtual const trace::StatsTally* tracerStats() const { return nullptr; }
};

// Items due in [t0, t1) of a rate profile active in [start, stop): the difference of the
// floored cumulative counts, so totals are exact whatever the tick size (rate_profile.h).
int64_t dueCount(const scenario::RateProfile& rate, double start, double stop, double t0, double t1);
// A live rate change (WorkloadDriver::setRateScale): `n` scaled by `factor`, the fraction
// carried to the next tick in `carry`.
int64_t scaledCount(int64_t n, double factor, double& carry);
// A workload's stop: its own, capped by the load's end.
double stopOr(const std::optional<double>& stop, double load_end);

// `base_dir` resolves relative file names (replay). `load_end` is the scenario duration.
common::Result<std::unique_ptr<WorkloadDriver>> makeWorkloadDriver(const scenario::Workload& w, uint64_t seed,
                                                                   double load_end, const std::string& base_dir);

}  // namespace ddsim::runner
