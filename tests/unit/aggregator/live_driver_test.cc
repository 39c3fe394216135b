#include "core/aggregator/live_driver.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "tests/support/poll.h"
#include "tests/support/recording_serializer.h"

namespace ddsim::aggregator {
namespace {

// Records, and wakes a waiter on every series batch.
class NotifyingSerializer : public testing::RecordingSerializer {
 public:
  common::Status sendSeries(std::vector<metrics::Serie>&& series) override {
    auto st = RecordingSerializer::sendSeries(std::move(series));
    {
      std::lock_guard<std::mutex> l(mu_);
      ++batches_;
    }
    cv_.notify_all();
    return st;
  }
  bool waitForBatches(int n) {
    std::unique_lock<std::mutex> l(mu_);
    return cv_.wait_for(l, ddsim::testing::kHangGuard, [&] { return batches_ >= n; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int batches_ = 0;
};

// The driver ticks with the clock's time: advancing a ManualClock past the 15 s deadline makes
// the driver thread flush. The test waits for that event (bounded); it never sleeps or asserts
// on real time.
TEST(LiveDriverTest, TicksWithTheClock) {
  NotifyingSerializer ser;
  Demultiplexer demux(DemultiplexerOptions{}, &ser);
  common::ManualClock clock;
  LiveDriver driver(&demux, &clock, LiveDriver::Options{std::chrono::milliseconds(1)});
  driver.start();
  clock.advance(std::chrono::seconds(14));
  clock.advance(std::chrono::seconds(1));
  ASSERT_TRUE(ser.waitForBatches(1));
  driver.stop(/*flush=*/true);
  EXPECT_TRUE(demux.stopped());
  EXPECT_EQ(ser.seriesBatches().size(), 2u);  // the ticker's flush and the final one
}

}  // namespace
}  // namespace ddsim::aggregator
