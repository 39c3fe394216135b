#include "core/forwarder/blocked_endpoints.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

namespace ddsim::forwarder {

BackoffPolicy BackoffPolicy::fromOptions(const ForwarderOptions& o) {
  BackoffPolicy p;
  p.factor = o.forwarder_backoff_factor;
  if (p.factor < 2) {
    spdlog::warn("forwarder: forwarder_backoff_factor ({}) is less than 2; 2 will be used", p.factor);
    p.factor = 2;
  }
  p.base_seconds = o.forwarder_backoff_base;
  if (!(p.base_seconds > 0)) {
    spdlog::warn("forwarder: forwarder_backoff_base ({}) is not positive; 2 will be used", p.base_seconds);
    p.base_seconds = 2;
  }
  p.max_seconds = o.forwarder_backoff_max;
  if (!(p.max_seconds > 0)) {
    spdlog::warn("forwarder: forwarder_backoff_max ({}) is not positive; 64 seconds will be used", p.max_seconds);
    p.max_seconds = 64;
  }
  p.recovery_interval = o.forwarder_recovery_interval;
  if (p.recovery_interval <= 0) {
    spdlog::warn("forwarder: forwarder_recovery_interval ({}) is not positive; 2 will be used",
                 p.recovery_interval);
    p.recovery_interval = 2;
  }
  // agent behaviour: int(floor(log2(max / base))) + 1; with max < base this is 0 or negative,
  // and then every error count is clamped to it.
  p.max_errors = static_cast<int>(std::floor(std::log2(p.max_seconds / p.base_seconds))) + 1;
  if (o.forwarder_recovery_reset) p.recovery_interval = p.max_errors;
  return p;
}

int BackoffPolicy::incError(int n) const { return std::min(n + 1, max_errors); }

int BackoffPolicy::decError(int n) const { return std::max(n - recovery_interval, 0); }

common::Duration BackoffPolicy::backoff(int n, common::Random& random) const {
  if (n <= 0) return common::Duration::zero();
  double seconds = base_seconds * std::pow(2.0, n);
  if (seconds > max_seconds) {
    seconds = max_seconds;
  } else {
    const double lo = seconds / factor;
    const double hi = std::min(max_seconds, seconds);
    seconds = random.nextDouble() * (hi - lo) + lo;
  }
  // Go: time.Duration(seconds * float64(time.Second)) truncates to nanoseconds.
  return common::Duration(static_cast<int64_t>(seconds * 1e9));
}

BlockedEndpoints::BlockedEndpoints(BackoffPolicy policy, common::Random random)
    : policy_(policy), random_(random) {}

void BlockedEndpoints::closeLocked(const std::string& target, common::SteadyTime now) {
  Block& b = blocks_[target];
  b.errors = policy_.incError(b.errors);
  b.until = now + policy_.backoff(b.errors, random_);
}

void BlockedEndpoints::recoverLocked(const std::string& target, common::SteadyTime now) {
  Block& b = blocks_[target];
  b.errors = policy_.decError(b.errors);
  b.until = now + policy_.backoff(b.errors, random_);
}

bool BlockedEndpoints::isBlockedLocked(const std::string& target, common::SteadyTime now) const {
  auto it = blocks_.find(target);
  return it != blocks_.end() && now < it->second.until;
}

void BlockedEndpoints::close(const std::string& target, common::SteadyTime now) {
  std::lock_guard lock(mu_);
  closeLocked(target, now);
}

void BlockedEndpoints::recover(const std::string& target, common::SteadyTime now) {
  std::lock_guard lock(mu_);
  recoverLocked(target, now);
}

bool BlockedEndpoints::isBlocked(const std::string& target, common::SteadyTime now) const {
  std::lock_guard lock(mu_);
  return isBlockedLocked(target, now);
}

void BlockedEndpoints::close(const std::string& target, const common::Clock& clock) {
  std::lock_guard lock(mu_);
  closeLocked(target, clock.steadyNow());
}

void BlockedEndpoints::recover(const std::string& target, const common::Clock& clock) {
  std::lock_guard lock(mu_);
  recoverLocked(target, clock.steadyNow());
}

bool BlockedEndpoints::isBlocked(const std::string& target, const common::Clock& clock) const {
  std::lock_guard lock(mu_);
  return isBlockedLocked(target, clock.steadyNow());
}

int BlockedEndpoints::errorCount(const std::string& target) const {
  std::lock_guard lock(mu_);
  auto it = blocks_.find(target);
  return it == blocks_.end() ? 0 : it->second.errors;
}

common::SteadyTime BlockedEndpoints::blockedUntil(const std::string& target) const {
  std::lock_guard lock(mu_);
  auto it = blocks_.find(target);
  return it == blocks_.end() ? common::SteadyTime{} : it->second.until;
}

}  // namespace ddsim::forwarder
