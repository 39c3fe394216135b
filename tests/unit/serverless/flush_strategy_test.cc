// Flush strategies, adaptive choice and failure backoff: table tests of spec §7.3.
#include "core/serverless/flush_strategy.h"

#include <gtest/gtest.h>

namespace ddsim::serverless {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
const common::SystemTime kT0 = common::SystemTime(seconds(1'700'000'000));

// §7.3: DD_SERVERLESS_FLUSH_STRATEGY values.
TEST(FlushStrategy, ParseTable) {
  struct Row {
    const char* text;
    bool ok;
    const char* name;
  };
  const Row rows[] = {
      {"end", true, "end"},
      {"periodically", true, "periodically,10000"},
      {"periodically,250", true, "periodically,250"},
      {"periodically,", false, ""},
      {"periodically,abc", false, ""},
      {"periodically,1,2", false, ""},
      {"periodically,-5", false, ""},
      {"sometimes", false, ""},
      {"", false, ""},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.text);
    const auto got = FlushStrategy::parse(r.text);
    ASSERT_EQ(got.isOk(), r.ok);
    if (r.ok) {
      EXPECT_EQ(got->name(), r.name);
    } else {
      EXPECT_NE(got.status().message().find(r.text), std::string::npos) << "the error names the value";
    }
  }
}

// §7.3 ShouldFlush: a sequence of questions to one strategy (no backoff).
TEST(FlushStrategy, ShouldFlushTable) {
  struct Step {
    FlushMoment moment;
    int64_t at_ms;  // since kT0
    bool want;
  };
  struct Row {
    const char* strategy;
    std::vector<Step> steps;
  };
  const auto S = FlushMoment::kStarting;
  const auto E = FlushMoment::kStopping;
  const Row rows[] = {
      {"end", {{S, 0, false}, {E, 10, true}, {S, 20, false}, {E, 30, true}}},
      // Periodic: lastFlush starts at the zero time, so the first start flushes; later starts
      // flush only once the interval has strictly passed; stopping never flushes.
      {"periodically,1000",
       {{S, 0, true}, {E, 1, false}, {S, 999, false}, {S, 1000, false}, {S, 1001, true}, {S, 2001, false},
        {S, 2002, true}}},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.strategy);
    FlushPolicy policy({r.strategy, 1});
    ASSERT_FALSE(policy.adaptive());
    for (const auto& s : r.steps) {
      SCOPED_TRACE(s.at_ms);
      EXPECT_EQ(policy.shouldFlush(s.moment, kT0 + milliseconds(s.at_ms)), s.want);
    }
  }
}

// §7.3: invalid -> logged and adaptive kept; adaptive starts as AtTheEnd.
TEST(FlushPolicy, InvalidConfigKeepsAdaptive) {
  FlushPolicy policy({"hourly", 1});
  EXPECT_TRUE(policy.adaptive());
  ASSERT_TRUE(policy.configError().has_value());
  EXPECT_EQ(policy.current().name(), "end");
  FlushPolicy none({"", 1});
  EXPECT_TRUE(none.adaptive());
  EXPECT_FALSE(none.configError().has_value());
}

// §7.3 adaptive: < 20 stored -> end; mean interval < 120 s -> periodically,20000; else end.
TEST(FlushPolicy, AdaptiveTable) {
  struct Row {
    const char* name;
    int invocations;
    int64_t gap_ms;
    const char* want;
  };
  const Row rows[] = {
      {"19 fast invocations: not enough data", 19, 1000, "end"},
      {"20 fast invocations", 20, 1000, "periodically,20000"},
      {"20 invocations 119.999 s apart", 20, 119'999, "periodically,20000"},
      {"20 invocations 120 s apart", 20, 120'000, "end"},
      {"20 invocations at the same instant", 20, 0, "end"},
      {"40 fast invocations (30 kept)", 40, 500, "periodically,20000"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.name);
    FlushPolicy policy({"", 1});
    for (int i = 0; i < r.invocations; ++i) ASSERT_TRUE(policy.recordInvocation(kT0 + milliseconds(r.gap_ms * i)));
    policy.updateStrategy();
    EXPECT_EQ(policy.current().name(), r.want);
  }
}

TEST(FlushPolicy, AdaptiveForgetsOldInvocationsAndIgnoresOlderPoints) {
  FlushPolicy policy({"", 1});
  // 30 slow ones then 30 fast ones: only the last 30 (fast) count.
  int64_t t = 0;
  for (int i = 0; i < 30; ++i, t += 600'000) ASSERT_TRUE(policy.recordInvocation(kT0 + milliseconds(t)));
  policy.updateStrategy();
  EXPECT_EQ(policy.current().name(), "end");
  for (int i = 0; i < 30; ++i, t += 1000) ASSERT_TRUE(policy.recordInvocation(kT0 + milliseconds(t)));
  EXPECT_FALSE(policy.recordInvocation(kT0)) << "older than the last stored point";
  policy.updateStrategy();
  EXPECT_EQ(policy.current().name(), "periodically,20000");
}

TEST(FlushPolicy, FixedStrategyIsNotAdapted) {
  FlushPolicy policy({"end", 1});
  for (int i = 0; i < 25; ++i) ASSERT_TRUE(policy.recordInvocation(kT0 + seconds(i)));
  policy.updateStrategy();
  EXPECT_EQ(policy.current().name(), "end");
}

// §7.3 backoff window: min(2^min(retries,10) + jitter, 300), integer part.
TEST(FlushBackoff, WindowTable) {
  struct Row {
    uint64_t retries;
    double jitter;
    int64_t want;
  };
  const Row rows[] = {{1, 0.0, 2}, {1, 0.999, 2}, {2, 0.5, 4}, {3, 0.0, 8}, {8, 0.999, 256},
                      {9, 0.0, 300}, {10, 0.0, 300}, {64, 0.5, 300}};
  for (const auto& r : rows) {
    SCOPED_TRACE(r.retries);
    EXPECT_EQ(FlushBackoff::windowSeconds(r.retries, r.jitter), r.want);
  }
}

// §7.3 backoff in a policy: refused inside the window, accepted after it, reset by success.
TEST(FlushPolicy, BackoffTable) {
  struct Row {
    const char* name;
    int failures;            // consecutive failures, the last at kT0
    int64_t asked_after_ms;  // when ShouldFlush(Stopping) is asked
    bool want;
  };
  const Row rows[] = {
      {"no failure", 0, 0, true},
      {"1 failure, inside 2 s", 1, 1999, false},
      {"1 failure, at 2 s", 1, 2000, true},
      {"3 failures, inside 8 s", 3, 7999, false},
      {"3 failures, after 8 s", 3, 8000, true},
      {"12 failures, 299 s", 12, 299'000, false},
      {"12 failures, 300 s", 12, 300'000, true},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.name);
    FlushPolicy policy({"end", 7});
    for (int i = 0; i < r.failures; ++i) policy.flushFailed(kT0);
    EXPECT_EQ(policy.shouldFlush(FlushMoment::kStopping, kT0 + milliseconds(r.asked_after_ms)), r.want);
    policy.flushSucceeded();
    EXPECT_TRUE(policy.shouldFlush(FlushMoment::kStopping, kT0)) << "success resets the backoff";
  }
}

TEST(FlushPolicy, PeriodicLastFlushDoesNotMoveWhileBackingOff) {
  FlushPolicy policy({"periodically,1000", 3});
  policy.flushFailed(kT0);
  EXPECT_FALSE(policy.shouldFlush(FlushMoment::kStarting, kT0 + milliseconds(500)));
  EXPECT_TRUE(policy.shouldFlush(FlushMoment::kStarting, kT0 + seconds(3)));
}

}  // namespace
}  // namespace ddsim::serverless
