#pragma once
// The blocked-endpoints circuit breaker (spec §6.5, blocked_endpoints.go + pkg/util/backoff).
// One per domain forwarder, keyed by target (domain + route).
#include <map>
#include <mutex>
#include <string>

#include "core/common/clock.h"
#include "core/common/random.h"
#include "core/forwarder/forwarder_options.h"

namespace ddsim::forwarder {

// The agent's exponential backoff policy. Values are the sanitised configuration.
struct BackoffPolicy {
  double factor = 2;         // forwarder_backoff_factor (< 2 -> 2)
  double base_seconds = 2;   // forwarder_backoff_base (<= 0 -> 2)
  double max_seconds = 64;   // forwarder_backoff_max (<= 0 -> 64)
  int recovery_interval = 2; // forwarder_recovery_interval (<= 0 -> 2; recovery_reset -> max_errors)
  int max_errors = 6;        // floor(log2(max / base)) + 1

  // Applies the agent's replacements of out-of-range values (logged as warnings).
  static BackoffPolicy fromOptions(const ForwarderOptions& options);

  int incError(int n) const;  // min(n + 1, max_errors)
  int decError(int n) const;  // max(n - recovery_interval, 0)
  // 0 for n <= 0; b = base * 2^n; b > max -> max; else uniform in [b / factor, min(max, b)).
  // The draw comes from `random` (one draw per call when the range is not degenerate).
  common::Duration backoff(int n, common::Random& random) const;
};

// Thread-safe (one mutex; the injected Random is only used under it).
class BlockedEndpoints {
 public:
  BlockedEndpoints(BackoffPolicy policy, common::Random random);

  // An attempt to `target` failed: one more error, blocked until now + backoff(errors).
  void close(const std::string& target, common::SteadyTime now);
  // An attempt succeeded (or was dropped): recovery_interval errors forgiven, blocked until
  // now + backoff(errors) (0 when no error is left).
  void recover(const std::string& target, common::SteadyTime now);
  // now < blocked-until.
  bool isBlocked(const std::string& target, common::SteadyTime now) const;

  // Live mode: the same, with `now` read from `clock` under the breaker's lock, so that events
  // from concurrent workers are ordered by time (as the agent's time.Now() under its mutex).
  // A time read before the lock could predate a concurrent recover() and see a stale block.
  void close(const std::string& target, const common::Clock& clock);
  void recover(const std::string& target, const common::Clock& clock);
  bool isBlocked(const std::string& target, const common::Clock& clock) const;

  int errorCount(const std::string& target) const;
  common::SteadyTime blockedUntil(const std::string& target) const;
  const BackoffPolicy& policy() const { return policy_; }

 private:
  struct Block {
    int errors = 0;
    common::SteadyTime until{};
  };
  void closeLocked(const std::string& target, common::SteadyTime now);
  void recoverLocked(const std::string& target, common::SteadyTime now);
  bool isBlockedLocked(const std::string& target, common::SteadyTime now) const;

  BackoffPolicy policy_;
  mutable std::mutex mu_;
  common::Random random_;
  std::map<std::string, Block, std::less<>> blocks_;
};

}  // namespace ddsim::forwarder
