#include "core/forwarder/domain_forwarder.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/common/process_stats.h"
#include "core/forwarder/transaction_attempt.h"

namespace ddsim::forwarder {
namespace {

// A virtual tick that keeps finding work past this many steps has a bug; stop rather than spin.
constexpr int kMaxVirtualSteps = 1'000'000;

size_t capacity(int configured) { return configured > 0 ? static_cast<size_t>(configured) : 0; }

}  // namespace

DomainForwarder::DomainForwarder(std::string domain, Deps deps)
    : domain_(std::move(domain)),
      options_(deps.options),
      transport_(deps.transport),
      clock_(deps.clock),
      telemetry_(deps.telemetry),
      breaker_(BackoffPolicy::fromOptions(deps.options), deps.random),
      wake_driver_(std::move(deps.wake_driver)),
      retry_queue_(deps.options.retryQueueMaxBytes(), deps.options.forwarder_flush_to_disk_mem_ratio,
                   std::move(deps.storage), deps.telemetry) {}

DomainForwarder::~DomainForwarder() {
  StopControl c;
  c.purge = false;
  c.now = last_tick_;
  stop(c);
}

void DomainForwarder::start(common::SteadyTime now) {
  {
    std::lock_guard lock(retry_mu_);
    if (started_) return;
    started_ = true;
    next_retry_ = now + kRetryInterval;
    if (options_.forwarder_connection_reset_interval > common::Duration::zero()) {
      next_connection_reset_ = now + options_.forwarder_connection_reset_interval;
    }
  }
  std::lock_guard lock(queue_mu_);
  stopping_workers_ = false;
  last_tick_ = now;
  const auto n = static_cast<size_t>(std::max(1, options_.forwarder_num_workers));
  if (isVirtual()) {
    virtual_workers_.clear();
    virtual_workers_.resize(n);
    for (auto& w : virtual_workers_) w.busy_until = now;
  } else {
    // Every token exists before any worker starts: workers never touch the vector itself.
    for (size_t i = 0; i < n; ++i) worker_tokens_.push_back(std::make_unique<CancelToken>());
    for (size_t i = 0; i < n; ++i) {
      CancelToken* token = worker_tokens_[i].get();
      workers_.emplace_back([this, token] {
        common::nameThisThread("fwd-worker");
        workerLoop(token);
      });
    }
  }
}

void DomainForwarder::submit(TransactionPtr t) {
  {
    std::lock_guard lock(queue_mu_);
    if (high_.size() < capacity(options_.forwarder_high_prio_buffer_size)) {
      high_.push_back(std::move(t));
      queue_cv_.notify_one();
      return;
    }
  }
  {
    std::lock_guard lock(retry_mu_);
    addToRetryQueue(std::move(t));
  }
  telemetry_.onHighPriorityQueueFull();
  spdlog::debug("forwarder: adding the transaction to the retry queue because the forwarder input queue for {} is "
                "full; consider increasing forwarder_num_workers", domain_);
}

bool DomainForwarder::targetBlocked(const std::string& target, common::SteadyTime now) const {
  return isVirtual() ? breaker_.isBlocked(target, now) : breaker_.isBlocked(target, clock_);
}

void DomainForwarder::breakerClose(const std::string& target, common::SteadyTime at) {
  if (isVirtual()) {
    breaker_.close(target, at);
  } else {
    breaker_.close(target, clock_);
  }
}

void DomainForwarder::breakerRecover(const std::string& target, common::SteadyTime at) {
  if (isVirtual()) {
    breaker_.recover(target, at);
  } else {
    breaker_.recover(target, clock_);
  }
}

TransactionPtr DomainForwarder::popNext() {
  std::deque<TransactionPtr>* q = !high_.empty() ? &high_ : (!low_.empty() ? &low_ : nullptr);
  if (!q) return nullptr;
  TransactionPtr t = std::move(q->front());
  q->pop_front();
  return t;
}

std::optional<TransportResult> DomainForwarder::dispatch(TransactionPtr& t, common::SteadyTime now,
                                                         CancelToken* cancel) {
  const std::string target = t->target();
  if (targetBlocked(target, now)) {
    spdlog::error("forwarder: too many errors for endpoint '{}': retrying later", target);
    requeue(std::move(t));
    return std::nullopt;
  }
  return sendAttempt(*t, transport_, options_.forwarder_timeout, cancel);
}

Outcome DomainForwarder::complete(TransactionPtr t, const TransportResult& r, common::SteadyTime at) {
  const PolicyDecision d = recordAttempt(*t, r, telemetry_, options_.logging_frequency);
  const std::string target = t->target();
  if (r.error == TransportError::kCancelled) stop_cancelled_.fetch_add(1);
  if (d.outcome == Outcome::kSuccess && draining_.load()) stop_drained_.fetch_add(1);
  switch (d.outcome) {
    case Outcome::kSuccess:
    case Outcome::kDrop:
      breakerRecover(target, at);  // agent behaviour: a dropped transaction is a breaker success
      break;
    case Outcome::kRetry:
      if (!t->retryable) {
        // agent behaviour: Process() hides errors of non-retryable transactions; they are gone.
        breakerRecover(target, at);
        telemetry_.onDropped(t->endpoint_name, DropReason::kNotRetryable);
        break;
      }
      breakerClose(target, at);
      requeue(std::move(t));
      break;
    case Outcome::kRequeue:
      // agent behaviour: a cancelled attempt returns no error, so the worker also calls recover().
      breakerRecover(target, at);
      requeue(std::move(t));
      break;
  }
  return d.outcome;
}

void DomainForwarder::requeue(TransactionPtr t) {
  bool queued = false;
  {
    std::lock_guard lock(queue_mu_);
    if (requeued_.size() < capacity(options_.forwarder_requeue_buffer_size)) {
      requeued_.push_back(std::move(t));
      queued = true;
    }
  }
  if (queued) {
    if (wake_driver_) wake_driver_();
    return;
  }
  spdlog::error("forwarder: dropping transaction because the retry goroutine is too busy to handle another one");
  telemetry_.onDropped(t->endpoint_name, DropReason::kRequeueBufferFull);
}

size_t DomainForwarder::drainRequeued() {
  std::deque<TransactionPtr> items;
  {
    std::lock_guard lock(queue_mu_);
    items.swap(requeued_);
  }
  if (items.empty()) return 0;
  std::lock_guard lock(retry_mu_);
  for (auto& t : items) {
    const std::string endpoint = t->endpoint_name;
    addToRetryQueue(std::move(t));
    telemetry_.onRequeued(endpoint);
  }
  return items.size();
}

size_t DomainForwarder::addToRetryQueue(TransactionPtr t) {
  const std::string endpoint = t->endpoint_name;
  RetryQueue::AddResult res = retry_queue_.add(std::move(t));
  if (!res.disk_status.isOk()) {
    spdlog::error("forwarder: error when adding a transaction to the retry queue: {}", res.disk_status.message());
  }
  const size_t n = res.evicted.size();
  // agent behaviour: evictions are charged to the endpoint of the transaction being added.
  if (n > 0) telemetry_.onDropped(endpoint, DropReason::kRetryQueueFull, static_cast<int64_t>(n));
  return n;
}

void DomainForwarder::retryTransactions(common::SteadyTime now) {
  auto extracted = retry_queue_.extractTransactions();
  std::vector<TransactionPtr> txs;
  if (extracted.isOk()) {
    txs = std::move(extracted).value();
  } else {
    spdlog::error("forwarder: error when getting transactions from the retry queue: {}", extracted.status().message());
  }
  std::sort(txs.begin(), txs.end(),
            [](const TransactionPtr& a, const TransactionPtr& b) { return retryOrderLess(*a, *b); });
  size_t dropped_queue_full = 0;
  size_t dropped_workers_busy = 0;
  for (auto& t : txs) {
    const std::string endpoint = t->endpoint_name;
    if (!targetBlocked(t->target(), now)) {
      bool pushed = false;
      {
        std::lock_guard lock(queue_mu_);
        if (low_.size() < capacity(options_.forwarder_low_prio_buffer_size)) {
          low_.push_back(std::move(t));
          pushed = true;
        }
      }
      if (pushed) {
        queue_cv_.notify_one();
        telemetry_.onRetried(endpoint);
      } else {
        dropped_workers_busy += addToRetryQueue(std::move(t));
      }
    } else {
      dropped_queue_full += addToRetryQueue(std::move(t));
      telemetry_.onRequeuedNoEndpoint();
    }
  }
  if (dropped_queue_full + dropped_workers_busy > 0) {
    spdlog::error("forwarder: dropped {} transactions in this retry attempt: {} for exceeding the retry queue payloads "
                  "size limit of {}, {} because the workers are too busy",
                  dropped_queue_full + dropped_workers_busy, dropped_queue_full, retry_queue_.maxBytes(),
                  dropped_workers_busy);
  }
}

bool DomainForwarder::runDueTimersLocked(common::SteadyTime now) {
  bool ran = false;
  if (next_retry_ && now >= *next_retry_) {
    retryTransactions(now);
    // Like Go's ticker, missed ticks are not replayed.
    while (*next_retry_ <= now) *next_retry_ += kRetryInterval;
    ran = true;
  }
  if (next_connection_reset_ && now >= *next_connection_reset_) {
    spdlog::debug("forwarder: resetting the connections used for domain {}", domain_);
    transport_.resetConnections();
    while (*next_connection_reset_ <= now) *next_connection_reset_ += options_.forwarder_connection_reset_interval;
    ran = true;
  }
  return ran;
}

bool DomainForwarder::runDueTimers(common::SteadyTime now) {
  std::lock_guard lock(retry_mu_);
  if (!started_) return false;
  return runDueTimersLocked(now);
}

void DomainForwarder::tick(common::SteadyTime now) {
  if (isVirtual()) {
    for (int i = 0; i < kMaxVirtualSteps && virtualStep(now); ++i) {
    }
  } else {
    drainRequeued();
    runDueTimers(now);
  }
  publishGauges();
}

bool DomainForwarder::virtualStep(common::SteadyTime now) {
  bool progress = false;
  {
    std::lock_guard lock(queue_mu_);
    last_tick_ = std::max(last_tick_, now);
  }
  // 1. Attempts whose (simulated) answer has arrived, earliest first.
  for (;;) {
    TransactionPtr t;
    TransportResult r;
    common::SteadyTime at{};
    {
      std::lock_guard lock(queue_mu_);
      VirtualWorker* due = nullptr;
      for (auto& w : virtual_workers_) {
        if (w.in_flight && w.busy_until <= now && (!due || w.busy_until < due->busy_until)) due = &w;
      }
      if (!due) break;
      t = std::move(due->in_flight);
      r = std::move(due->result);
      at = due->busy_until;
    }
    complete(std::move(t), r, at);
    drainRequeued();
    progress = true;
  }
  // 2. The retry goroutine: requeued transactions, then the 5 s retry loop.
  if (drainRequeued() > 0) progress = true;
  if (runDueTimers(now)) progress = true;
  // 3. Free workers take work, high priority first; a worker keeps taking work until an
  //    attempt makes it busy (simulated latency) or nothing is left.
  size_t i = 0;
  for (;;) {
    TransactionPtr t;
    {
      std::lock_guard lock(queue_mu_);
      while (i < virtual_workers_.size() && virtual_workers_[i].in_flight) ++i;
      if (i >= virtual_workers_.size()) break;
      t = popNext();
    }
    if (!t) break;
    progress = true;
    auto r = dispatch(t, now, nullptr);
    if (!r) {  // target blocked: requeued
      // The agent's retry goroutine runs concurrently with the workers and keeps up with them;
      // in virtual time it takes each requeued transaction at once.
      drainRequeued();
      continue;
    }
    TimedResult timed = applyVirtualTiming(std::move(*r), options_.forwarder_timeout);
    if (timed.took <= common::Duration::zero()) {
      complete(std::move(t), timed.result, now);
      drainRequeued();
      continue;
    }
    std::lock_guard lock(queue_mu_);
    VirtualWorker& w = virtual_workers_[i];
    w.in_flight = std::move(t);
    w.result = std::move(timed.result);
    w.busy_until = now + timed.took;
  }
  return progress;
}

std::optional<common::SteadyTime> DomainForwarder::nextDeadline() const {
  std::optional<common::SteadyTime> best;
  const auto consider = [&](common::SteadyTime t) {
    if (!best || t < *best) best = t;
  };
  {
    std::lock_guard lock(retry_mu_);
    if (!started_) return std::nullopt;
    if (next_retry_) consider(*next_retry_);
    if (next_connection_reset_) consider(*next_connection_reset_);
  }
  std::lock_guard lock(queue_mu_);
  if (!requeued_.empty()) consider(last_tick_);
  if (isVirtual()) {
    bool free_worker = false;
    for (const auto& w : virtual_workers_) {
      if (w.in_flight) {
        consider(w.busy_until);
      } else {
        free_worker = true;
      }
    }
    if (free_worker && (!high_.empty() || !low_.empty())) consider(last_tick_);
  }
  return best;
}

void DomainForwarder::workerLoop(CancelToken* token) {
  for (;;) {
    TransactionPtr t;
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait(lock, [&] { return stopping_workers_ || !high_.empty() || !low_.empty(); });
      if (stopping_workers_) return;
      t = popNext();
      ++live_in_flight_;
    }
    auto r = dispatch(t, clock_.steadyNow(), token);
    if (r) complete(std::move(t), *r, clock_.steadyNow());
    {
      std::lock_guard lock(queue_mu_);
      --live_in_flight_;
    }
    idle_cv_.notify_all();
  }
}

size_t DomainForwarder::retryQueueCount() const {
  std::lock_guard lock(retry_mu_);
  return retry_queue_.transactionCount();
}

int64_t DomainForwarder::retryQueueBytes() const {
  std::lock_guard lock(retry_mu_);
  return retry_queue_.currentBytes();
}

size_t DomainForwarder::highPriorityQueued() const {
  std::lock_guard lock(queue_mu_);
  return high_.size();
}

size_t DomainForwarder::lowPriorityQueued() const {
  std::lock_guard lock(queue_mu_);
  return low_.size();
}

size_t DomainForwarder::inFlight() const {
  std::lock_guard lock(queue_mu_);
  size_t n = live_in_flight_;
  for (const auto& w : virtual_workers_) n += w.in_flight ? 1 : 0;
  return n;
}

void DomainForwarder::publishGauges() {
  ForwarderTelemetry::DomainGauges g;
  {
    std::lock_guard lock(retry_mu_);
    g.retry_queue_transactions = static_cast<int64_t>(retry_queue_.transactionCount());
    g.retry_queue_bytes = retry_queue_.currentBytes();
    g.disk_files = static_cast<int64_t>(retry_queue_.diskFileCount());
    g.disk_bytes = retry_queue_.diskSpaceUsed();
  }
  {
    std::lock_guard lock(queue_mu_);
    g.high = static_cast<int64_t>(high_.size());
    g.low = static_cast<int64_t>(low_.size());
    g.requeued = static_cast<int64_t>(requeued_.size());
  }
  telemetry_.setGauges(domain_, g);
}

}  // namespace ddsim::forwarder
