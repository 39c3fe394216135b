// The domain forwarder's stop (see DomainForwarder::stop): the agent's order of steps, ddsim's
// drain mode in front of them, and the tally of what happened to each transaction.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/forwarder/domain_forwarder.h"
#include "core/forwarder/transaction_attempt.h"

namespace ddsim::forwarder {
namespace {

// Live drain: how often the wait re-reads the clock when no worker signals.
constexpr common::Duration kDrainPoll = std::chrono::milliseconds(50);
constexpr int kMaxVirtualSteps = 1'000'000;

}  // namespace

void DomainForwarder::stopWorkers() {
  {
    std::lock_guard lock(queue_mu_);
    stopping_workers_ = true;
  }
  queue_cv_.notify_all();
  // agent behaviour: a worker stopping mid-attempt cancels it and requeues the transaction
  // (worker.go callProcess, the version spec §6.10 reproduces).
  for (auto& token : worker_tokens_) token->cancel();
  for (auto& w : workers_) {
    if (w.joinable()) w.join();
  }
  workers_.clear();
  worker_tokens_.clear();
}

bool DomainForwarder::drainLive(const StopControl& control) {
  for (;;) {
    // Failures wait in the retry queue (no retry while stopping); the requeue channel must not
    // fill up and drop them while the retry goroutine is gone.
    drainRequeued();
    std::unique_lock lock(queue_mu_);
    if (high_.empty() && low_.empty() && live_in_flight_ == 0) return true;
    const common::Duration left = control.drain_deadline - clock_.steadyNow();
    if (left <= common::Duration::zero()) return false;
    idle_cv_.wait_for(lock, std::min(left, kDrainPoll));
  }
}

bool DomainForwarder::drainVirtual(const StopControl& control, common::SteadyTime& vnow) {
  const common::SteadyTime deadline = control.now + control.budget;
  vnow = control.now;
  for (;;) {
    // The timers are off (started_ is false): a step completes due attempts, moves failures to
    // the retry queue and hands queued transactions to free workers.
    for (int i = 0; i < kMaxVirtualSteps && virtualStep(vnow); ++i) {
    }
    std::optional<common::SteadyTime> next;
    bool queued = false;
    {
      std::lock_guard lock(queue_mu_);
      for (const auto& w : virtual_workers_) {
        if (w.in_flight && (!next || w.busy_until < *next)) next = w.busy_until;
      }
      queued = !high_.empty() || !low_.empty();
    }
    if (!next) return !queued;
    if (*next > deadline) return false;
    vnow = *next;
  }
}

void DomainForwarder::purgeLive(const StopControl& control, StopTally& tally) {
  while (control.purge) {
    if (control.purge_cancel && control.purge_cancel->cancelled()) break;
    TransactionPtr t;
    {
      std::lock_guard lock(queue_mu_);
      if (high_.empty()) break;
      t = std::move(high_.front());
      high_.pop_front();
    }
    spdlog::debug("forwarder: flushing one new transaction before stopping the worker");
    auto r = dispatch(t, clock_.steadyNow(), control.purge_cancel);
    if (r && complete(std::move(t), *r, clock_.steadyNow()) == Outcome::kSuccess) ++tally.purged;
  }
}

bool DomainForwarder::purgeVirtual(const StopControl& control, StopTally& tally) {
  common::SteadyTime vnow = control.now;
  while (control.purge) {
    TransactionPtr t;
    {
      std::lock_guard lock(queue_mu_);
      if (high_.empty()) return false;
      if (vnow - control.now >= control.budget) return true;
      t = std::move(high_.front());
      high_.pop_front();
    }
    auto r = dispatch(t, vnow, nullptr);
    if (!r) continue;
    TimedResult timed = applyVirtualTiming(std::move(*r), options_.forwarder_timeout);
    if (vnow + timed.took - control.now > control.budget) {
      // The answer would arrive after the agent process has given up and exited.
      telemetry_.onDropped(t->endpoint_name, DropReason::kStopTimeout);
      ++tally.lost;
      return true;
    }
    vnow += timed.took;
    if (complete(std::move(t), timed.result, vnow) == Outcome::kSuccess) ++tally.purged;
  }
  return false;
}

void DomainForwarder::cancelVirtualInFlight(common::SteadyTime at) {
  std::vector<TransactionPtr> cancelled;
  {
    std::lock_guard lock(queue_mu_);
    for (auto& w : virtual_workers_) {
      if (w.in_flight) cancelled.push_back(std::move(w.in_flight));
    }
  }
  for (auto& t : cancelled) {
    complete(std::move(t), TransportResult::failure(TransportError::kCancelled, "worker stopped"), at);
  }
}

void DomainForwarder::stop(const StopControl& control) {
  {
    std::lock_guard lock(retry_mu_);
    if (!started_) return;
    started_ = false;
    next_retry_.reset();
    next_connection_reset_.reset();
  }
  stop_cancelled_ = 0;
  stop_drained_ = 0;
  StopTally tally;
  const bool drain = control.mode == StopMode::kDrain;
  bool exceeded = false;
  bool drained_all = true;
  if (!isVirtual()) {
    if (drain) {
      draining_ = true;
      drained_all = drainLive(control);
    }
    stopWorkers();
    draining_ = false;
    if (!drain) purgeLive(control, tally);
    exceeded = control.budget_exceeded && control.budget_exceeded->load();
  } else {
    common::SteadyTime vnow = control.now;
    if (drain) {
      draining_ = true;
      drained_all = drainVirtual(control, vnow);
      draining_ = false;
    }
    cancelVirtualInFlight(vnow);
    if (!drain) exceeded = purgeVirtual(control, tally);
  }
  if (!drained_all) {
    spdlog::warn("forwarder: forwarder_stop_timeout ({} ms) ran out before every send to {} was answered",
                 std::chrono::duration_cast<std::chrono::milliseconds>(options_.forwarder_stop_timeout).count(),
                 domain_);
  }
  tally.cancelled_in_flight = stop_cancelled_.load();
  tally.drained = stop_drained_.load();
  finishStop(exceeded, control.mode, tally);
}

int64_t DomainForwarder::dropAll(std::vector<TransactionPtr> txs, DropReason reason) {
  for (const auto& t : txs) telemetry_.onDropped(t->endpoint_name, reason);
  return static_cast<int64_t>(txs.size());
}

void DomainForwarder::finishStop(bool budget_exceeded, StopMode mode, StopTally& tally) {
  std::vector<TransactionPtr> high, low, requeued;
  {
    std::lock_guard lock(queue_mu_);
    for (auto& t : high_) high.push_back(std::move(t));
    for (auto& t : low_) low.push_back(std::move(t));
    for (auto& t : requeued_) requeued.push_back(std::move(t));
    high_.clear();
    low_.clear();
    requeued_.clear();
  }
  if (budget_exceeded) {
    spdlog::warn("forwarder: timeout emptying new transactions before stopping the forwarder for {}", domain_);
    tally.lost += dropAll(std::move(high), DropReason::kStopTimeout);
    tally.lost += dropAll(std::move(low), DropReason::kStopTimeout);
    tally.lost += dropAll(std::move(requeued), DropReason::kStopTimeout);
    std::lock_guard lock(retry_mu_);
    tally.lost += dropAll(retry_queue_.takeAll(), DropReason::kStopTimeout);
  } else {
    std::vector<TransactionPtr> to_retry_queue = std::move(requeued);
    if (mode == StopMode::kDrain) {
      // ddsim: what the drain could not send is kept like a failed transaction.
      for (auto& t : high) to_retry_queue.push_back(std::move(t));
      for (auto& t : low) to_retry_queue.push_back(std::move(t));
    } else {
      // agent behaviour: closing the channels loses what they still hold.
      tally.lost += dropAll(std::move(high), DropReason::kHighPriorityQueueAtStop);
      tally.lost += dropAll(std::move(low), DropReason::kLowPriorityQueueAtStop);
    }
    std::lock_guard lock(retry_mu_);
    // Every transaction that enters or is in the retry queue here ends on disk or lost.
    int64_t handled = static_cast<int64_t>(retry_queue_.transactionCount() + to_retry_queue.size());
    int64_t lost_here = 0;
    for (auto& t : to_retry_queue) {
      const std::string endpoint = t->endpoint_name;
      lost_here += static_cast<int64_t>(addToRetryQueue(std::move(t)));
      telemetry_.onRequeued(endpoint);
    }
    const RetryQueue::FlushResult flushed = retry_queue_.flushToDisk();
    if (!flushed.status.isOk()) {
      spdlog::error("forwarder: error when flushing the retry queue to disk: {}", flushed.status.message());
    }
    lost_here += flushed.lost;
    lost_here += dropAll(retry_queue_.takeAll(), DropReason::kRetryQueueAtStop);
    tally.lost += lost_here;
    // Spills made by add() while filling the queue are written too, so count by difference.
    tally.written_to_disk += std::max<int64_t>(0, handled - lost_here);
  }
  publishGauges();
  telemetry_.onStop(tally);
  spdlog::info("forwarder: domain forwarder for {} stopped ({} mode): {} cancelled in flight, {} purged, {} drained, "
               "{} written to disk, {} lost",
               domain_, stopModeName(mode), tally.cancelled_in_flight, tally.purged, tally.drained,
               tally.written_to_disk, tally.lost);
}

}  // namespace ddsim::forwarder
