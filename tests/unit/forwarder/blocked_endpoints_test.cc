// Spec §6.5: the circuit breaker's exact backoff formula and defaults.
#include "core/forwarder/blocked_endpoints.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ddsim::forwarder {
namespace {

using std::chrono::seconds;

double secs(common::Duration d) { return common::toSeconds(d); }

// Spec §6.5 defaults table: n=1 [2,4] s, n=2 [4,8], n=3 [8,16], n=4 [16,32], n=5 [32,64], n=6 64 s.
TEST(BackoffPolicyTest, DefaultRangesPerErrorCount) {
  const BackoffPolicy p = BackoffPolicy::fromOptions(ForwarderOptions{});
  EXPECT_EQ(p.max_errors, 6);
  struct Row {
    int n;
    double lo, hi;
  };
  const Row rows[] = {{0, 0, 0}, {1, 2, 4}, {2, 4, 8}, {3, 8, 16}, {4, 16, 32}, {5, 32, 64}, {6, 64, 64}, {7, 64, 64}};
  common::Random random(42);
  for (const Row& r : rows) {
    SCOPED_TRACE(r.n);
    double seen_lo = 1e9, seen_hi = -1;
    for (int i = 0; i < 2000; ++i) {
      const double s = secs(p.backoff(r.n, random));
      seen_lo = std::min(seen_lo, s);
      seen_hi = std::max(seen_hi, s);
      ASSERT_GE(s, r.lo);
      ASSERT_LE(s, r.hi);
    }
    if (r.lo != r.hi) {
      // Uniform over the range: 2000 draws get close to both ends.
      EXPECT_LT(seen_lo, r.lo + (r.hi - r.lo) * 0.01);
      EXPECT_GT(seen_hi, r.hi - (r.hi - r.lo) * 0.01);
    } else {
      EXPECT_EQ(seen_lo, r.lo);
    }
  }
}

// The draw is exactly rand * (hi - lo) + lo with the injected random source, truncated to ns.
TEST(BackoffPolicyTest, DrawComesFromTheInjectedRandom) {
  const BackoffPolicy p = BackoffPolicy::fromOptions(ForwarderOptions{});
  common::Random a(7), b(7);
  for (int n = 1; n <= 5; ++n) {
    const double base = 2 * std::pow(2.0, n);
    const double want = b.nextDouble() * (base - base / 2) + base / 2;
    EXPECT_EQ(p.backoff(n, a).count(), static_cast<int64_t>(want * 1e9)) << n;
  }
  // n = 6 is capped without a draw: both streams stay aligned.
  EXPECT_EQ(p.backoff(6, a), seconds(64));
  EXPECT_EQ(a.nextU64(), b.nextU64());
}

// Spec §6.5: configuration sanitising and MaxErrors = floor(log2(max/base)) + 1.
TEST(BackoffPolicyTest, ConfigurationRules) {
  struct Row {
    double factor, base, max;
    int recovery;
    bool reset;
    double want_factor, want_base, want_max;
    int want_recovery, want_max_errors;
  };
  const Row rows[] = {
      {2, 2, 64, 2, false, 2, 2, 64, 2, 6},
      {1.5, 2, 64, 2, false, 2, 2, 64, 2, 6},      // factor < 2 -> 2
      {3, 0, 64, 2, false, 3, 2, 64, 2, 6},        // base <= 0 -> 2
      {2, 2, -1, 2, false, 2, 2, 64, 2, 6},        // max <= 0 -> 64
      {2, 2, 64, 0, false, 2, 2, 64, 2, 6},        // recovery <= 0 -> 2
      {2, 2, 64, 2, true, 2, 2, 64, 6, 6},         // recovery_reset -> MaxErrors
      {2, 1, 100, 1, false, 2, 1, 100, 1, 7},      // floor(log2(100)) + 1
      {2, 3, 100, 1, false, 2, 3, 100, 1, 6},      // floor(log2(33.3)) + 1
      {2, 5, 5, 1, false, 2, 5, 5, 1, 1},
  };
  for (const Row& r : rows) {
    ForwarderOptions o;
    o.forwarder_backoff_factor = r.factor;
    o.forwarder_backoff_base = r.base;
    o.forwarder_backoff_max = r.max;
    o.forwarder_recovery_interval = r.recovery;
    o.forwarder_recovery_reset = r.reset;
    const BackoffPolicy p = BackoffPolicy::fromOptions(o);
    SCOPED_TRACE(::testing::Message() << r.factor << "/" << r.base << "/" << r.max << "/" << r.recovery);
    EXPECT_EQ(p.factor, r.want_factor);
    EXPECT_EQ(p.base_seconds, r.want_base);
    EXPECT_EQ(p.max_seconds, r.want_max);
    EXPECT_EQ(p.recovery_interval, r.want_recovery);
    EXPECT_EQ(p.max_errors, r.want_max_errors);
  }
}

// Spec §6.5: close() adds an error (capped), recover() forgives recovery_interval errors, and
// the block lasts backoff(errors) from the event, under a manual clock.
TEST(BlockedEndpointsTest, CloseRecoverAndBlockWindowUnderManualClock) {
  common::ManualClock clock;
  const BackoffPolicy policy = BackoffPolicy::fromOptions(ForwarderOptions{});
  BlockedEndpoints blocked(policy, common::Random(99));
  common::Random mirror(99);  // the same draws, computed independently
  const std::string target = "http://x/api/v2/series";
  EXPECT_FALSE(blocked.isBlocked(target, clock.steadyNow()));

  struct Step {
    bool error;  // close() if true, recover() otherwise
    int want_errors;
  };
  const Step steps[] = {{true, 1}, {true, 2}, {true, 3}, {true, 4}, {true, 5}, {true, 6}, {true, 6},
                        {false, 4}, {false, 2}, {false, 0}, {false, 0}};
  for (const Step& s : steps) {
    const common::SteadyTime now = clock.steadyNow();
    if (s.error) {
      blocked.close(target, now);
    } else {
      blocked.recover(target, now);
    }
    EXPECT_EQ(blocked.errorCount(target), s.want_errors);
    const common::Duration want = policy.backoff(s.want_errors, mirror);
    EXPECT_EQ(blocked.blockedUntil(target) - now, want);
    if (want > common::Duration::zero()) {
      EXPECT_TRUE(blocked.isBlocked(target, now));
      EXPECT_TRUE(blocked.isBlocked(target, now + want - std::chrono::nanoseconds(1)));
      EXPECT_FALSE(blocked.isBlocked(target, now + want));
    } else {
      EXPECT_FALSE(blocked.isBlocked(target, now));
    }
    clock.advance(seconds(100));
  }
  EXPECT_FALSE(blocked.isBlocked("http://other/route", clock.steadyNow()));
}

TEST(BlockedEndpointsTest, RecoveryResetClearsEverythingOnOneSuccess) {
  ForwarderOptions o;
  o.forwarder_recovery_reset = true;
  common::ManualClock clock;
  BlockedEndpoints blocked(BackoffPolicy::fromOptions(o), common::Random(1));
  for (int i = 0; i < 4; ++i) blocked.close("t", clock.steadyNow());
  EXPECT_EQ(blocked.errorCount("t"), 4);
  blocked.recover("t", clock.steadyNow());
  EXPECT_EQ(blocked.errorCount("t"), 0);
  EXPECT_FALSE(blocked.isBlocked("t", clock.steadyNow()));
}

}  // namespace
}  // namespace ddsim::forwarder
