#include "core/serverless/flush_strategy.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace ddsim::serverless {
namespace {
constexpr auto kDefaultPeriodic = std::chrono::seconds(10);     // "periodically" alone
constexpr auto kAdaptivePeriodic = std::chrono::seconds(20);    // adaptive's choice
constexpr double kAdaptiveMaxMeanSeconds = 120;                 // faster than one per 2 min
constexpr double kMaxBackoffSeconds = 300;
}  // namespace

common::Result<FlushStrategy> FlushStrategy::parse(std::string_view text) {
  if (text == "end") return atTheEnd();
  if (text == "periodically") return periodically(kDefaultPeriodic);
  constexpr std::string_view kPrefix = "periodically,";
  if (text.substr(0, kPrefix.size()) == kPrefix) {
    const std::string_view ms = text.substr(kPrefix.size());
    int64_t value = 0;
    const auto [end, ec] = std::from_chars(ms.data(), ms.data() + ms.size(), value);
    if (ec == std::errc() && end == ms.data() + ms.size() && !ms.empty() && value > 0) {
      return periodically(std::chrono::milliseconds(value));
    }
  }
  return common::invalidArgument("DD_SERVERLESS_FLUSH_STRATEGY: can't parse flush strategy '" + std::string(text) +
                                 "' (expected end, periodically or periodically,<milliseconds>)");
}

std::string FlushStrategy::name() const {
  if (!isPeriodic()) return "end";
  return "periodically," + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(interval_).count());
}

bool FlushStrategy::wants(FlushMoment moment, common::SystemTime now) {
  if (!isPeriodic()) return moment == FlushMoment::kStopping;
  if (moment != FlushMoment::kStarting) return false;
  if (last_flush_ + interval_ < now) {
    last_flush_ = now;
    return true;
  }
  return false;
}

void FlushBackoff::failure(common::SystemTime now) {
  ++retries_;
  last_fail_ = now;
}

int64_t FlushBackoff::windowSeconds(uint64_t retries, double jitter) {
  const double exponent = std::min<double>(static_cast<double>(retries), 10);
  return static_cast<int64_t>(std::min(std::pow(2.0, exponent) + jitter, kMaxBackoffSeconds));
}

bool FlushBackoff::shouldWait(common::SystemTime now) {
  if (retries_ == 0) return false;
  // agent behaviour: a jitter in thousandths of a second, drawn at every question.
  const double jitter = static_cast<double>(random_.uniformInt(0, 999)) / 1000.0;
  return now < last_fail_ + std::chrono::seconds(windowSeconds(retries_, jitter));
}

FlushPolicy::FlushPolicy(const FlushPolicyOptions& options) : backoff_(common::Random(options.seed)) {
  if (options.configured.empty()) return;
  auto parsed = FlushStrategy::parse(options.configured);
  if (!parsed.isOk()) {
    config_error_ = parsed.status();
    return;
  }
  adaptive_ = false;
  strategy_ = *parsed;
}

bool FlushPolicy::shouldFlush(FlushMoment moment, common::SystemTime now) {
  // The agent asks the backoff first, so a periodic strategy's lastFlush does not move while
  // backing off.
  if (backoff_.shouldWait(now)) return false;
  return strategy_.wants(moment, now);
}

bool FlushPolicy::recordInvocation(common::SystemTime t) {
  if (!invocations_.empty() && invocations_.back() > t) return false;
  invocations_.push_back(t);
  while (invocations_.size() > kMaxInvocationsStored) invocations_.pop_front();
  return true;
}

void FlushPolicy::updateStrategy() {
  if (!adaptive_) return;
  FlushStrategy next = FlushStrategy::atTheEnd();
  if (invocations_.size() >= kMinInvocationsForInterval) {
    // agent behaviour: integer nanoseconds; a zero mean counts as "not enough data" (-> end).
    const auto span = std::chrono::duration_cast<common::Duration>(invocations_.back() - invocations_.front());
    const common::Duration mean = span / static_cast<int64_t>(invocations_.size() - 1);
    if (mean > common::Duration::zero() && common::toSeconds(mean) < kAdaptiveMaxMeanSeconds) {
      next = FlushStrategy::periodically(kAdaptivePeriodic);
    }
  }
  if (next.name() != strategy_.name()) strategy_ = next;
}

}  // namespace ddsim::serverless
