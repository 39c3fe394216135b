#pragma once
// When the Lambda extension flushes (spec §7.3): the fixed strategies `end`,
// `periodically[,<ms>]`, the adaptive choice between them from the invocation rate, and the
// failure backoff shared by all of them. Clock-driven: every decision takes `now` as an argument,
// so live mode passes the system clock and tests pass table rows. Not thread-safe (the daemon
// calls it under its flush lock).
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "core/common/clock.h"
#include "core/common/random.h"
#include "core/common/status.h"

namespace ddsim::serverless {

// When the question is asked: at an invocation's start, or once its runtime is done.
enum class FlushMoment { kStarting, kStopping };

// One fixed strategy (the agent's AtTheEnd / Periodically).
class FlushStrategy {
 public:
  static FlushStrategy atTheEnd() { return FlushStrategy(common::Duration::zero()); }
  static FlushStrategy periodically(common::Duration interval) { return FlushStrategy(interval); }
  // "end", "periodically" (10 s) or "periodically,<ms>"; anything else is an InvalidArgument
  // naming the value.
  static common::Result<FlushStrategy> parse(std::string_view text);

  bool isPeriodic() const { return interval_ > common::Duration::zero(); }
  common::Duration interval() const { return interval_; }
  // "end" or "periodically,<ms>", as the agent prints it.
  std::string name() const;
  // Ignoring the backoff: AtTheEnd says yes at kStopping; Periodically says yes at kStarting
  // when lastFlush + interval < now, and then remembers now as lastFlush.
  bool wants(FlushMoment moment, common::SystemTime now);

 private:
  explicit FlushStrategy(common::Duration interval) : interval_(interval) {}
  common::Duration interval_;
  common::SystemTime last_flush_{};
};

// The global failure backoff (spec §7.3): after `retries` failed flushes, flushes are refused
// until lastFail + min(2^min(retries, 10) + U[0,1), 300) whole seconds. A success resets it.
// The jitter is drawn at every question, as the agent does, from the injected Random.
class FlushBackoff {
 public:
  explicit FlushBackoff(common::Random random) : random_(random) {}
  void failure(common::SystemTime now);
  void success() { retries_ = 0; }
  uint64_t retries() const { return retries_; }
  bool shouldWait(common::SystemTime now);
  // The refusal window in whole seconds for `retries` (> 0) and a jitter in [0, 1).
  static int64_t windowSeconds(uint64_t retries, double jitter);

 private:
  common::Random random_;
  uint64_t retries_ = 0;
  common::SystemTime last_fail_{};
};

struct FlushPolicyOptions {
  // DD_SERVERLESS_FLUSH_STRATEGY; empty or invalid keeps the adaptive choice (invalid is logged).
  std::string configured;
  uint64_t seed = 0;  // the backoff jitter
};

// The daemon's view: the current strategy, adaptive or fixed, plus the backoff.
class FlushPolicy {
 public:
  explicit FlushPolicy(const FlushPolicyOptions& options);

  bool adaptive() const { return adaptive_; }
  const FlushStrategy& current() const { return strategy_; }
  // The configured value that was rejected, if any (for the log line).
  const std::optional<common::Status>& configError() const { return config_error_; }

  bool shouldFlush(FlushMoment moment, common::SystemTime now);
  // A flush that took longer than the flush timeout (5 s) is a failure; any other a success.
  void flushFailed(common::SystemTime now) { backoff_.failure(now); }
  void flushSucceeded() { backoff_.success(); }
  const FlushBackoff& backoff() const { return backoff_; }

  // Records an invocation (the time its `next` answer arrived). Times older than the last one
  // stored are ignored; at most 30 are kept. Returns whether it was stored.
  bool recordInvocation(common::SystemTime t);
  // Adaptive only: fewer than 20 stored -> end; mean interval < 120 s -> periodically,20000;
  // else end. The strategy object is replaced only when its name changes.
  void updateStrategy();

  static constexpr size_t kMaxInvocationsStored = 30;
  static constexpr size_t kMinInvocationsForInterval = 20;

 private:
  bool adaptive_ = true;
  FlushStrategy strategy_ = FlushStrategy::atTheEnd();
  std::optional<common::Status> config_error_;
  FlushBackoff backoff_;
  std::deque<common::SystemTime> invocations_;
};

}  // namespace ddsim::serverless
