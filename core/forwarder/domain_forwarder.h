#pragma once
// One destination domain (spec §6.4, domain_forwarder.go + worker.go): a high-priority channel
// for new transactions, a low-priority channel for retries, a requeue channel from the workers,
// forwarder_num_workers workers, the retry loop (every 5 s), a circuit breaker and a retry queue.
//
// Live mode: start() spawns the worker threads; the owner's driver thread calls tick(now),
// which moves requeued transactions into the retry queue and runs the retry loop when due.
// Virtual mode: no threads; tick(now) also dispatches transactions to free workers through the
// transport on the caller's thread. A worker stays busy for the attempt's simulated latency
// and its outcome (breaker, requeue, counters) applies when that time is reached.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/common/clock.h"
#include "core/common/random.h"
#include "core/forwarder/blocked_endpoints.h"
#include "core/forwarder/forwarder_options.h"
#include "core/forwarder/forwarder_telemetry.h"
#include "core/forwarder/response_policy.h"
#include "core/forwarder/retry_queue.h"
#include "core/forwarder/transaction.h"
#include "core/forwarder/transport.h"

namespace ddsim::forwarder {

class DomainForwarder {
 public:
  struct Deps {
    const ForwarderOptions& options;  // must outlive the domain forwarder
    Transport& transport;
    common::Clock& clock;
    ForwarderTelemetry& telemetry;
    common::Random random;                           // the circuit breaker's draws
    std::unique_ptr<TransactionDiskStorage> storage; // null: no disk spill
    std::function<void()> wake_driver;               // live: a transaction was requeued
  };

  DomainForwarder(std::string domain, Deps deps);
  // Stops without purging if still started.
  ~DomainForwarder();
  DomainForwarder(const DomainForwarder&) = delete;
  DomainForwarder& operator=(const DomainForwarder&) = delete;

  const std::string& domain() const { return domain_; }

  // Starts the retry cadence at `now` (first retry at now + 5 s); live mode spawns the workers.
  void start(common::SteadyTime now);

  // Stop (domain_forwarder_stop.cc). Agent mode, as the agent's domainForwarder.Stop(purgeHighPrio)
  // does, in order: workers stop (an attempt in flight is cancelled and requeued), remaining
  // high-priority transactions are sent synchronously when `purge`, the requeue channel is drained
  // into the retry queue, and the retry queue is flushed to disk. Whatever is then left in memory
  // is lost and counted. Drain mode (ddsim): first the workers keep sending what is queued (high
  // and low priority) and in flight until all of it has an answer or the drain deadline passes;
  // failures wait in the retry queue; then the agent's steps run without the purge, and what is
  // still queued joins the retry queue (so disk storage keeps it) instead of being dropped.
  // Live: `purge_cancel` aborts the purge when the owner's stop budget runs out; the owner then
  // sets `budget_exceeded` before the final step, and everything still in memory is counted as
  // kStopTimeout instead of being flushed (the agent process would exit first).
  // Virtual: the purge and the drain run in virtual time from `now`; they give up when the
  // attempts' simulated latencies exceed `budget` (forwarder_stop_timeout).
  // Every stop adds its StopTally to the telemetry and logs it.
  struct StopControl {
    bool purge = true;
    StopMode mode = StopMode::kAgent;
    CancelToken* purge_cancel = nullptr;                 // live
    const std::atomic<bool>* budget_exceeded = nullptr;  // live
    common::SteadyTime drain_deadline{};                 // live, drain mode
    common::SteadyTime now{};                            // virtual
    common::Duration budget = common::Duration::zero();  // virtual
  };
  void stop(const StopControl& control);

  // New transaction (agent sendHTTPTransactions): non-blocking push to the high-priority channel,
  // else into the retry queue (HighPriorityQueueFull). Thread-safe.
  void submit(TransactionPtr t);

  // Driver step at `now` (see the file comment). Thread-safe in live mode; in virtual mode call
  // it (and submit/stop) from one thread.
  void tick(common::SteadyTime now);
  // When tick() must next run: the next retry, the next connection reset, the next virtual
  // completion, or the last tick's time when virtual work is waiting for a free worker.
  std::optional<common::SteadyTime> nextDeadline() const;

  // Introspection (tests, telemetry). Thread-safe.
  size_t retryQueueCount() const;
  int64_t retryQueueBytes() const;
  size_t highPriorityQueued() const;
  size_t lowPriorityQueued() const;
  size_t inFlight() const;
  bool draining() const { return draining_.load(); }  // a drain-mode stop is waiting for sends
  const BlockedEndpoints& breaker() const { return breaker_; }
  void publishGauges();

 private:
  struct VirtualWorker {
    TransactionPtr in_flight;
    TransportResult result;
    common::SteadyTime busy_until{};
  };

  bool isVirtual() const { return options_.run_mode == RunMode::kVirtual; }
  // Breaker access: virtual mode uses the given time; live mode reads the clock under the
  // breaker's lock (see BlockedEndpoints).
  bool targetBlocked(const std::string& target, common::SteadyTime now) const;
  void breakerClose(const std::string& target, common::SteadyTime at);
  void breakerRecover(const std::string& target, common::SteadyTime at);
  TransactionPtr popNext();  // high first, then low; null when both are empty
  // Sends `t` at `now` unless its target is blocked (then it is requeued and nullopt returned).
  std::optional<TransportResult> dispatch(TransactionPtr& t, common::SteadyTime now, CancelToken* cancel);
  // Applies an attempt's outcome at `at`: counters, breaker, requeue.
  Outcome complete(TransactionPtr t, const TransportResult& r, common::SteadyTime at);
  void requeue(TransactionPtr t);  // worker -> requeue channel (dropped when full)
  size_t drainRequeued();          // requeue channel -> retry queue
  size_t addToRetryQueue(TransactionPtr t);  // returns evictions (counted)
  void retryTransactions(common::SteadyTime now);
  bool runDueTimers(common::SteadyTime now);        // locks retry_mu_
  bool runDueTimersLocked(common::SteadyTime now);  // retry_mu_ held
  bool virtualStep(common::SteadyTime now);
  void workerLoop(CancelToken* token);
  // Stop steps (domain_forwarder_stop.cc).
  void stopWorkers();
  bool drainLive(const StopControl& control);  // true when everything got an answer
  bool drainVirtual(const StopControl& control, common::SteadyTime& vnow);
  void purgeLive(const StopControl& control, StopTally& tally);
  bool purgeVirtual(const StopControl& control, StopTally& tally);  // true: budget exceeded
  void cancelVirtualInFlight(common::SteadyTime at);
  void finishStop(bool budget_exceeded, StopMode mode, StopTally& tally);
  int64_t dropAll(std::vector<TransactionPtr> txs, DropReason reason);

  const std::string domain_;
  const ForwarderOptions& options_;
  Transport& transport_;
  common::Clock& clock_;
  ForwarderTelemetry& telemetry_;
  BlockedEndpoints breaker_;
  std::function<void()> wake_driver_;

  // Channels (agent highPrio / lowPrio / requeuedTransaction) and worker state.
  mutable std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<TransactionPtr> high_, low_, requeued_;
  bool stopping_workers_ = false;
  std::vector<std::thread> workers_;
  std::vector<std::unique_ptr<CancelToken>> worker_tokens_;
  std::vector<VirtualWorker> virtual_workers_;
  common::SteadyTime last_tick_{};
  size_t live_in_flight_ = 0;        // live workers between taking a transaction and its outcome
  std::condition_variable idle_cv_;  // live_in_flight_ went down (the drain waits on it)

  // Stop bookkeeping: attempts the stop cancelled, deliveries while draining.
  std::atomic<bool> draining_{false};
  std::atomic<int64_t> stop_cancelled_{0};
  std::atomic<int64_t> stop_drained_{0};

  // Retry queue and timers (agent retry goroutine).
  mutable std::mutex retry_mu_;
  RetryQueue retry_queue_;
  std::optional<common::SteadyTime> next_retry_;
  std::optional<common::SteadyTime> next_connection_reset_;
  bool started_ = false;
};

}  // namespace ddsim::forwarder
