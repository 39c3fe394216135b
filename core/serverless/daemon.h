#pragma once
// The extension's invocation loop and flushes (spec §7.2, §7.4): GET event/next, INVOKE (cold
// start vs proactive init, the enhanced invocations metric, flush at start when the strategy
// says, wait for runtime-done or the deadline), runtime-done from the Telemetry API (flush when
// the strategy says), SHUTDOWN (timeout metrics, state saved, final flush as the strategy says).
// Also the handlers of the communication server.
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/common/clock.h"
#include "core/serverless/comm_server.h"
#include "core/serverless/execution_state.h"
#include "core/serverless/lambda_event_source.h"
#include "core/serverless/extension_api.h"
#include "core/serverless/flush_strategy.h"
#include "core/serverless/invocation_lifecycle.h"
#include "core/serverless/logs_sender.h"
#include "core/serverless/metric_agent.h"
#include "core/serverless/runtime_proxy.h"
#include "core/serverless/telemetry_events.h"

namespace ddsim::serverless {

struct DaemonOptions {
  std::string cache_path = kDefaultCachePath;
  bool enhanced_metrics = true;       // DD_ENHANCED_METRICS
  std::string region;                 // AWS_REGION (ARN and tags)
  std::string partition = "aws";
  std::vector<std::string> extra_tags;  // DD_TAGS
  uint64_t seed = 0;                    // trace and span ids of the execution spans
  InferredSpanOptions inferred_spans;   // DD_TRACE_MANAGED_SERVICES, DD_SERVICE_MAPPING
  // Virtual time (the virtual Lambda): a flush runs on the caller's thread and is judged by how
  // long it took on the daemon's clock only. Off (the real process): a flush thread and a real
  // 5 s wait, as the agent's TriggerFlush does.
  bool synchronous_flush = false;
};

// What happened, for logs, the report and tests.
struct DaemonCounters {
  uint64_t invocations = 0;
  uint64_t cold_starts = 0;
  uint64_t proactive_inits = 0;
  uint64_t flushes = 0;
  uint64_t flush_failures = 0;  // flushes longer than the 5 s flush timeout
  uint64_t deadline_exceeded = 0;
  uint64_t telemetry_batches = 0;
  uint64_t telemetry_rejected = 0;
  uint64_t log_lines = 0;
};

class Daemon {
 public:
  // Every pointer must outlive the daemon. `metrics` and `logs` may be null (no-op extension).
  Daemon(DaemonOptions options, LambdaEventSource& api, ServerlessMetricAgent* metrics, LogsSender* logs,
         FlushPolicy policy, common::Clock& clock);
  // Joins the flushes still in flight (bounded by the senders' timeouts).
  ~Daemon();

  // The trace agent: where execution spans go (the trace processor) and how its writer flushes
  // (called in every flush, with the metrics and logs). Call before run(); either may be empty.
  void setTraceAgent(std::function<void(trace::ReceivedPayload&&)> sink, std::function<void()> flush);

  // Restores the cache file's state (spec §7.1 step 4); logs and ignores a missing file.
  void restoreState();
  void setRegistration(const Registration& r);
  // The comm server's handlers, bound to this daemon.
  CommHandlers handlers();
  // The runtime-API proxy's hooks (its /next answer starts an invocation, /response and /error
  // end it), bound to the same invocation lifecycle as /lambda/start-invocation.
  RuntimeProxyHooks proxyHooks();

  // Runs the invocation loop until SHUTDOWN, stop() or an event/next failure. Returns the exit
  // status: OK after a SHUTDOWN or stop().
  common::Status run();
  // Loops on event/next ignoring events (the agent's no-op extension, no usable API key).
  common::Status runNoOp();
  // SIGINT/SIGTERM: unblocks the loop; run() then stops as after SHUTDOWN. Thread-safe.
  void stop();

  // Flushes metrics and logs now on a flush thread (one flush at a time) and waits for it at most
  // the 5 s flush timeout (real time): a flush still running then, or one that took longer on
  // the clock, is a failure (§7.3 backoff) and goes on in the background, as the agent's does.
  // With synchronous_flush the flush runs on the calling thread and only its clock time counts.
  void triggerFlush(bool final_flush);
  // Flushes started but not finished (they outlived the flush timeout). Thread-safe.
  size_t flushesInFlight() const;
  // A Telemetry API batch (the /lambda/logs route).
  common::Status onTelemetry(const std::string& body);

  DaemonCounters counters() const;
  const ExecutionState& state() const { return state_; }
  std::string currentStrategy() const;

 private:
  struct FlushRun;  // one flush thread and its completion
  void onInvoke(const LambdaEvent& e);
  void onRuntimeDone(const std::string& request_id);
  void shutdown(const LambdaEvent* e);
  void endInvocation(const std::map<std::string, std::string>& headers, const std::string& response);
  // Runs one flush (metrics, traces, logs) under flush_mu_; returns how long it took on the clock.
  common::Duration flushNow();
  void keepRun(const std::shared_ptr<FlushRun>& run);
  void sendEnhanced(const std::string& name, double value, common::SystemTime t);
  std::vector<std::string> tags() const;

  DaemonOptions options_;
  LambdaEventSource& api_;
  ServerlessMetricAgent* metrics_;
  LogsSender* logs_;
  common::Clock& clock_;
  common::SteadyTime init_time_;

  std::mutex flush_mu_;         // one flush at a time (a new one queues behind a slow one)
  mutable std::mutex runs_mu_;
  std::vector<std::shared_ptr<FlushRun>> runs_;  // shared with the flush thread that finishes it
  mutable std::mutex mu_;       // everything below
  std::condition_variable cv_;
  FlushPolicy policy_;
  ExecutionState state_;
  Registration registration_;
  EnhancedMetricsTracker tracker_;
  DaemonCounters counters_;
  std::deque<std::string> early_done_;  // runtime-done ids seen before their INVOKE was handled
  bool runtime_done_ = true;
  bool stopping_ = false;
  bool library_detected_ = false;
  InvocationLifecycle lifecycle_;
  std::function<void(trace::ReceivedPayload&&)> trace_sink_;
  std::function<void()> trace_flush_;
};

}  // namespace ddsim::serverless
