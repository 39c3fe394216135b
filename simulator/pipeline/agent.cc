#include "simulator/pipeline/agent.h"

#include <cmath>

#include "simulator/pipeline/stopwatch.h"

namespace ddsim::pipeline {

Agent::Agent(const config::PipelineOptions& options, AgentDeps deps) : options_(options), deps_(deps) {}

Agent::~Agent() { stop(); }

common::Result<std::unique_ptr<Agent>> Agent::create(const config::PipelineOptions& options, AgentDeps deps) {
  std::unique_ptr<Agent> a(new Agent(options, deps));
  auto fopts = options.forwarder;
  fopts.run_mode = deps.virtual_time ? forwarder::RunMode::kVirtual : forwarder::RunMode::kLive;
  auto fwd = forwarder::DefaultForwarder::create(fopts, forwarder::ForwarderDeps{deps.transport, deps.clock, deps.random, deps.disk_usage});
  if (!fwd.isOk()) return fwd.status();
  a->forwarder_ = std::move(fwd).value();
  a->observed_forwarder_ = std::make_unique<ObservedForwarder>(*a->forwarder_, deps.observer);
  if (deps.virtual_time) {
    auto* forwarder = a->forwarder_.get();
    auto* clock = &deps.clock;
    a->observed_forwarder_->setAfterSubmit([forwarder, clock] { forwarder->tick(clock->steadyNow()); });
  }
  a->serializer_ = std::make_unique<serializer::Serializer>(options.serializer, *a->observed_forwarder_, deps.clock);
  a->timed_ = std::make_unique<TimedSerializer>(*a->serializer_);
  auto dopts = options.aggregator;
  a->flush_interval_ = dopts.flush_interval_seconds;
  dopts.flush_interval_seconds = 0;  // the agent schedules (and measures) its flushes itself
  auto* ser = a->serializer_.get();
  dopts.aggregator.payload_drops = [ser] {
    return ser->counters().splitter.payload_drops.load(std::memory_order_relaxed);
  };
  a->demux_ = std::make_unique<aggregator::Demultiplexer>(dopts, a->timed_.get());
  if (deps.traces) a->traces_ = std::make_unique<TraceAgent>(*deps.traces, *a->observed_forwarder_, deps.clock);
  return a;
}

common::Status Agent::start() {
  if (started_) return common::failedPrecondition("agent already started");
  if (auto st = forwarder_->start(); !st.isOk()) return st;
  const double now = nowUnix();
  demux_->start(now);
  demux_->addAgentStartupTelemetry(now);
  next_flush_ = now + flush_interval_;
  if (traces_) traces_->tick(deps_.clock.steadyNow());  // starts the writer's flush period
  started_ = true;
  return common::Status::ok();
}

void Agent::stop() {
  if (!started_ || stopped_) return;
  stopped_ = true;
  const double now = nowUnix();
  flush(now, options_.aggregator.flush_incomplete_buckets);
  demux_->stop(now, /*flush=*/false);
  if (traces_) traces_->stop();  // the writer's last payload, before the forwarder stops
  forwarder_->stop();
}

void Agent::flush(double now, bool all_buckets) {
  const int64_t index = flush_index_++;
  observed_forwarder_->setFlushIndex(index);
  const auto before = timed_->totals();
  Stopwatch sw;
  CpuStopwatch cpu;
  demux_->flush(now, /*wait_for_serializer=*/false, all_buckets);
  const double total = sw.seconds();
  const double total_cpu = cpu.seconds();
  const auto after = timed_->totals();
  observed_forwarder_->setFlushIndex(-1);
  if (deps_.observer) {
    FlushRecord r;
    r.index = index;
    r.start = now;
    r.serialize_seconds = after.seconds - before.seconds;
    r.aggregate_seconds = std::max(0.0, total - r.serialize_seconds);
    r.serialize_cpu_seconds = after.cpu_seconds - before.cpu_seconds;
    r.aggregate_cpu_seconds = std::max(0.0, total_cpu - r.serialize_cpu_seconds);
    r.series = after.series - before.series;
    r.sketches = after.sketches - before.sketches;
    r.service_checks = after.service_checks - before.service_checks;
    r.events = after.events - before.events;
    r.contexts = static_cast<int64_t>(demux_->dogstatsdContextCount());
    deps_.observer->onFlush(r);
  }
}

int64_t Agent::flushNow() {
  flush(nowUnix());
  return flush_index_ - 1;
}

void Agent::tick() {
  if (!started_ || stopped_) return;
  const double now = nowUnix();
  demux_->tick(now);
  // Catch up on every flush that is due (a driver that slept long still flushes each one).
  while (now + 1e-9 >= next_flush_) {
    flush(next_flush_);
    next_flush_ += flush_interval_;
  }
  if (traces_) traces_->tick(deps_.clock.steadyNow());
  if (deps_.virtual_time) forwarder_->tick(deps_.clock.steadyNow());
}

common::SystemTime Agent::toSystem(common::SteadyTime t) const {
  const auto offset = deps_.clock.systemNow().time_since_epoch() -
                      std::chrono::duration_cast<common::SystemTime::duration>(deps_.clock.steadyNow().time_since_epoch());
  return common::SystemTime(std::chrono::duration_cast<common::SystemTime::duration>(t.time_since_epoch()) + offset);
}

std::optional<common::SystemTime> Agent::nextDeadline() const {
  if (!started_ || stopped_) return std::nullopt;
  common::SystemTime best = common::fromUnixSeconds(next_flush_);
  const double d = demux_->nextDeadline();
  if (std::isfinite(d)) best = std::min(best, common::fromUnixSeconds(d));
  if (traces_) best = std::min(best, toSystem(traces_->nextDeadline()));
  if (deps_.virtual_time) {
    if (auto f = forwarder_->nextDeadline()) best = std::min(best, toSystem(*f));
  }
  return best;
}

bool Agent::forwarderIdle() const {
  for (const auto& d : forwarder_->domains()) {
    auto* df = forwarder_->domainForwarder(d);
    if (!df) continue;
    if (df->retryQueueCount() || df->highPriorityQueued() || df->lowPriorityQueued() || df->inFlight()) return false;
  }
  return true;
}

}  // namespace ddsim::pipeline
