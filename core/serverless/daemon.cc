#include "core/serverless/daemon.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

namespace ddsim::serverless {
namespace {
constexpr auto kColdStartWindow = std::chrono::seconds(10);   // init < 10 s ago: a cold start
constexpr auto kDeadlineMargin = std::chrono::milliseconds(20);
constexpr size_t kMaxEarlyDone = 16;
}  // namespace

Daemon::Daemon(DaemonOptions options, LambdaEventSource& api, ServerlessMetricAgent* metrics, LogsSender* logs,
               FlushPolicy policy, common::Clock& clock)
    : options_(std::move(options)),
      api_(api),
      metrics_(metrics),
      logs_(logs),
      clock_(clock),
      init_time_(clock.steadyNow()),
      policy_(std::move(policy)),
      lifecycle_(options_.seed, options_.inferred_spans) {}

void Daemon::setTraceAgent(std::function<void(trace::ReceivedPayload&&)> sink, std::function<void()> flush) {
  trace_sink_ = std::move(sink);
  trace_flush_ = std::move(flush);
}

void Daemon::restoreState() {
  auto restored = restoreExecutionState(options_.cache_path);
  if (!restored.isOk()) {
    spdlog::debug("Unable to restore the execution state: {}", restored.status().message());
    return;
  }
  std::lock_guard l(mu_);
  state_ = *restored;
  spdlog::debug("Restored the execution state from {} (last request {})", options_.cache_path, state_.last_request_id);
}

void Daemon::setRegistration(const Registration& r) {
  std::lock_guard l(mu_);
  registration_ = r;
  state_.arn = "arn:" + options_.partition + ":lambda:" + options_.region + ":" + r.account_id + ":function:" +
               r.function_name;
}

std::vector<std::string> Daemon::tags() const {
  std::vector<std::string> out = {"functionname:" + registration_.function_name, "region:" + options_.region,
                                  "account_id:" + registration_.account_id, "aws_account:" + registration_.account_id,
                                  "resource:" + registration_.function_name};
  out.insert(out.end(), options_.extra_tags.begin(), options_.extra_tags.end());
  return out;
}

CommHandlers Daemon::handlers() {
  CommHandlers h;
  h.hello = [this] {
    std::lock_guard l(mu_);
    library_detected_ = true;
  };
  h.start_invocation = [this](const auto& headers, const auto& body) {
    return lifecycle_.onStart(headers, body, clock_.systemNow());
  };
  h.end_invocation = [this](const auto& headers, const auto& body) { endInvocation(headers, body); };
  h.trace_context = [this] { return lifecycle_.traceContext(); };
  h.telemetry = [this](const std::string& body) { return onTelemetry(body); };
  return h;
}

void Daemon::endInvocation(const std::map<std::string, std::string>& headers, const std::string& response) {
  InvocationEnd end;
  end.response = response;
  bool library = false;
  {
    std::lock_guard l(mu_);
    end.request_id = state_.last_request_id;
    end.cold_start = !state_.coldstart_request_id.empty() && state_.coldstart_request_id == state_.last_request_id;
    end.function_name = registration_.function_name;
    end.function_arn = state_.arn;
    library = library_detected_;
  }
  auto span = lifecycle_.onEnd(headers, end, library, clock_.systemNow());
  if (span && trace_sink_) trace_sink_(std::move(*span));
}

RuntimeProxyHooks Daemon::proxyHooks() {
  RuntimeProxyHooks h;
  h.on_start = [this](const std::string& event) { lifecycle_.onStart({}, event, clock_.systemNow()); };
  h.on_end = [this](const std::string& payload, bool error) {
    std::map<std::string, std::string> headers;
    if (error) headers[kInvocationErrorHeader] = "true";
    endInvocation(headers, payload);
  };
  return h;
}

void Daemon::sendEnhanced(const std::string& name, double value, common::SystemTime t) {
  if (!metrics_ || !options_.enhanced_metrics) return;
  metrics_->addEnhanced({name, value, common::toUnixSeconds(t)});
}

common::Status Daemon::onTelemetry(const std::string& body) {
  auto events = parseTelemetryBatch(body);
  std::vector<std::string> done;
  {
    std::lock_guard l(mu_);
    ++counters_.telemetry_batches;
    if (!events.isOk()) {
      ++counters_.telemetry_rejected;
      spdlog::warn("Telemetry API batch rejected: {}", events.status().message());
      return events.status();
    }
    const auto t = tags();
    for (const auto& e : *events) {
      if (options_.enhanced_metrics && metrics_) {
        for (const auto& p : tracker_.onEvent(e)) metrics_->addEnhanced(p);
      }
      if (e.type == "function" && logs_) {
        ++counters_.log_lines;
        logs_->add(e.time, e.log_line, state_.arn, t);
      }
      if (e.type == "platform.runtimeDone") done.push_back(e.request_id);
    }
  }
  for (const auto& id : done) onRuntimeDone(id);
  return common::Status::ok();
}

void Daemon::onRuntimeDone(const std::string& request_id) {
  bool flush = false;
  {
    std::lock_guard l(mu_);
    if (request_id != state_.last_request_id) {
      // The platform's event can overtake the loop's handling of the INVOKE it belongs to:
      // remember it for onInvoke (a few ids, oldest forgotten).
      early_done_.push_back(request_id);
      if (early_done_.size() > kMaxEarlyDone) early_done_.pop_front();
      return;
    }
    if (runtime_done_) return;
    flush = metrics_ && policy_.shouldFlush(FlushMoment::kStopping, clock_.systemNow());
  }
  if (flush) triggerFlush(false);
  {
    std::lock_guard l(mu_);
    runtime_done_ = true;
    state_.end_time = clock_.systemNow();
  }
  cv_.notify_all();
}

struct Daemon::FlushRun {
  std::mutex mu;
  std::condition_variable cv;
  bool finished = false;
  common::Duration took{};
  std::thread thread;
};

Daemon::~Daemon() {
  std::vector<std::shared_ptr<FlushRun>> runs;
  {
    std::lock_guard l(runs_mu_);
    runs.swap(runs_);
  }
  for (auto& r : runs) {
    if (r->thread.joinable()) r->thread.join();
  }
}

size_t Daemon::flushesInFlight() const {
  std::lock_guard l(runs_mu_);
  size_t n = 0;
  for (const auto& r : runs_) {
    std::lock_guard rl(r->mu);
    n += !r->finished;
  }
  return n;
}

common::Duration Daemon::flushNow() {
  std::lock_guard f(flush_mu_);
  const auto start = clock_.steadyNow();
  if (metrics_) metrics_->flush(clock_.systemNow());
  if (trace_flush_) trace_flush_();
  if (logs_) logs_->flush();
  return clock_.steadyNow() - start;
}

void Daemon::keepRun(const std::shared_ptr<FlushRun>& run) {
  // Finished runs are joined here; the one still running is kept until it ends.
  std::lock_guard l(runs_mu_);
  runs_.push_back(run);
  std::erase_if(runs_, [](const std::shared_ptr<FlushRun>& r) {
    std::lock_guard rl(r->mu);
    if (!r->finished) return false;
    r->thread.join();
    return true;
  });
}

void Daemon::triggerFlush(bool final_flush) {
  // Agent behaviour (daemon.TriggerFlush): the caller waits at most the flush timeout; a flush
  // still running then "may be continued on the next invocation" and counts as a failure.
  // In virtual time nothing runs beside the loop, so the flush is done in place and judged on
  // the virtual clock alone (a slow intake there advances the clock).
  bool finished = true;
  common::Duration took{};
  if (options_.synchronous_flush) {
    took = flushNow();
  } else {
    auto run = std::make_shared<FlushRun>();
    run->thread = std::thread([this, run] {
      const auto t = flushNow();
      std::lock_guard l(run->mu);
      run->finished = true;
      run->took = t;
      run->cv.notify_all();
    });
    {
      std::unique_lock rl(run->mu);
      finished = run->cv.wait_for(rl, forwarder::kServerlessFlushTimeout, [&] { return run->finished; });
      took = run->took;
    }
    keepRun(run);
  }
  std::lock_guard l(mu_);
  ++counters_.flushes;
  // §7.3: a flush longer than the flush timeout counts as a failure (backoff).
  if (!finished || took > forwarder::kServerlessFlushTimeout) {
    if (!finished) took = forwarder::kServerlessFlushTimeout;
    ++counters_.flush_failures;
    policy_.flushFailed(clock_.systemNow());
    spdlog::warn("Flush took {:.1f} s (over the {} s flush timeout): backing off", common::toSeconds(took),
                 std::chrono::duration_cast<std::chrono::seconds>(forwarder::kServerlessFlushTimeout).count());
  } else {
    policy_.flushSucceeded();
  }
  if (!final_flush) policy_.updateStrategy();
}

void Daemon::onInvoke(const LambdaEvent& e) {
  const auto now = clock_.systemNow();
  bool flush_at_start = false;
  {
    std::lock_guard l(mu_);
    ++counters_.invocations;
    policy_.recordInvocation(now);
    if (!e.invoked_function_arn.empty()) state_.arn = stripArnQualifier(e.invoked_function_arn);
    const bool first = state_.coldstart_request_id.empty();
    if (first) {
      state_.coldstart_request_id = e.request_id;
      if (clock_.steadyNow() - init_time_ < kColdStartWindow) {
        ++counters_.cold_starts;
      } else {
        ++counters_.proactive_inits;
      }
    }
    state_.last_request_id = e.request_id;
    state_.start_time = now;
    runtime_done_ = false;
    spdlog::debug("Invocation {} started (INVOKE received)", e.request_id);
    if (first) policy_.updateStrategy();
    flush_at_start = metrics_ && policy_.shouldFlush(FlushMoment::kStarting, now);
  }
  sendEnhanced(std::string(kInvocationsMetric), 1, now);
  if (flush_at_start) triggerFlush(false);
  bool done_early = false;
  {
    std::lock_guard l(mu_);
    auto it = std::find(early_done_.begin(), early_done_.end(), e.request_id);
    if (it != early_done_.end()) {
      early_done_.erase(it);
      done_early = true;
    }
  }
  if (done_early) onRuntimeDone(e.request_id);
  api_.beforeRuntimeWait(e);
  // WaitForDaemon: with flush-at-end, until runtime-done; a deadline forces it.
  const auto deadline = common::SystemTime(std::chrono::milliseconds(e.deadline_ms)) - kDeadlineMargin;
  std::unique_lock l(mu_);
  if (policy_.current().isPeriodic()) return;
  while (!runtime_done_ && !stopping_) {
    const auto left = deadline - clock_.systemNow();
    if (e.deadline_ms > 0 && left <= common::Duration::zero()) {
      ++counters_.deadline_exceeded;
      spdlog::debug("Invocation {} passed its deadline: runtime done forced", e.request_id);
      runtime_done_ = true;
      break;
    }
    cv_.wait_for(l, e.deadline_ms > 0 ? std::min<common::Duration>(left, std::chrono::milliseconds(50))
                                      : common::Duration(std::chrono::milliseconds(50)));
  }
}

void Daemon::shutdown(const LambdaEvent* e) {
  const auto now = clock_.systemNow();
  if (e && e->shutdown_reason == "timeout") {
    sendEnhanced("aws.lambda.enhanced.timeouts", 1, now);
    sendEnhanced("aws.lambda.enhanced.errors", 1, now);
  }
  ExecutionState snapshot;
  bool final_flush = false;
  {
    std::lock_guard l(mu_);
    snapshot = state_;
    final_flush = metrics_ && policy_.shouldFlush(FlushMoment::kStopping, now);
  }
  if (auto st = saveExecutionState(snapshot, options_.cache_path); !st.isOk()) spdlog::warn("{}", st.message());
  // §7.4 daemon.Stop: final flush only when the strategy says so (not for periodically).
  if (final_flush) triggerFlush(true);
  if (metrics_) metrics_->stopDogStatsd();
}

common::Status Daemon::run() {
  for (;;) {
    auto e = api_.nextEvent();
    {
      std::lock_guard l(mu_);
      if (stopping_) break;
    }
    if (!e.isOk()) {
      spdlog::error("Unable to read the next event: {}", e.status().message());
      shutdown(nullptr);
      return e.status();
    }
    if (e->event_type == "INVOKE") {
      onInvoke(*e);
    } else if (e->event_type == "SHUTDOWN") {
      spdlog::info("Received SHUTDOWN ({})", e->shutdown_reason);
      shutdown(&*e);
      return common::Status::ok();
    } else {
      spdlog::warn("Unknown event type '{}' ignored", e->event_type);
    }
  }
  shutdown(nullptr);
  return common::Status::ok();
}

common::Status Daemon::runNoOp() {
  for (;;) {
    auto e = api_.nextEvent();
    if (!e.isOk()) {
      std::lock_guard l(mu_);
      return stopping_ ? common::Status::ok() : e.status();
    }
    if (e->event_type == "SHUTDOWN") return common::Status::ok();
  }
}

void Daemon::stop() {
  {
    std::lock_guard l(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  api_.cancel();
}

DaemonCounters Daemon::counters() const {
  std::lock_guard l(mu_);
  return counters_;
}

std::string Daemon::currentStrategy() const {
  std::lock_guard l(mu_);
  return policy_.current().name();
}

}  // namespace ddsim::serverless
