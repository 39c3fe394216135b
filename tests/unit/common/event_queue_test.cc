#include "core/common/event_queue.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ddsim::common {
namespace {

using namespace std::chrono_literals;

TEST(EventQueueTest, RunsInTimeOrderAndSameTimeInInsertionOrder) {
  ManualClock clock(fromUnixSeconds(0));
  EventQueue q;
  std::vector<std::string> order;
  q.schedule(fromUnixSeconds(5), [&] { order.push_back("b@5"); });
  q.schedule(fromUnixSeconds(1), [&] { order.push_back("a@1"); });
  q.schedule(fromUnixSeconds(5), [&] { order.push_back("c@5"); });
  q.schedule(fromUnixSeconds(5), [&] { order.push_back("d@5"); });
  EXPECT_EQ(q.size(), 4u);
  EXPECT_EQ(q.runUntil(clock, fromUnixSeconds(10)), 4u);
  EXPECT_EQ(order, (std::vector<std::string>{"a@1", "b@5", "c@5", "d@5"}));
  EXPECT_EQ(toUnixSecondsInt(clock.systemNow()), 10);
}

TEST(EventQueueTest, ClockIsAtEventTimeWhileItRuns) {
  ManualClock clock(fromUnixSeconds(0));
  EventQueue q;
  int64_t seen = -1;
  q.schedule(fromUnixSeconds(7), [&] { seen = toUnixSecondsInt(clock.systemNow()); });
  ASSERT_TRUE(q.runNext(clock));
  EXPECT_EQ(seen, 7);
  EXPECT_FALSE(q.runNext(clock));
}

TEST(EventQueueTest, EventsScheduledWhileRunningAreRunIfDue) {
  ManualClock clock(fromUnixSeconds(0));
  EventQueue q;
  int ticks = 0;
  std::function<void()> tick = [&] {
    ++ticks;
    q.schedule(clock.systemNow() + 15s, tick);
  };
  q.schedule(fromUnixSeconds(15), tick);
  q.runUntil(clock, fromUnixSeconds(60));
  EXPECT_EQ(ticks, 4);  // 15, 30, 45, 60
  EXPECT_EQ(q.nextTime(), fromUnixSeconds(75));
}

TEST(EventQueueTest, CancelledEventsDoNotRun) {
  ManualClock clock(fromUnixSeconds(0));
  EventQueue q;
  bool ran = false;
  auto id = q.schedule(fromUnixSeconds(1), [&] { ran = true; });
  EXPECT_TRUE(q.cancel(id));
  EXPECT_FALSE(q.cancel(id));
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.runUntil(clock, fromUnixSeconds(2)), 0u);
  EXPECT_FALSE(ran);
}

}  // namespace
}  // namespace ddsim::common
