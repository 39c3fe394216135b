// Spec §6.11: datadog.agent.retry_queue_duration.* — input rate over a bucketed window and the
// outage duration the retry queues can absorb.
#include "core/forwarder/queue_duration_capacity.h"

#include <gtest/gtest.h>

#include "core/forwarder/default_forwarder.h"
#include "core/forwarder/function_transport.h"
#include "tests/unit/forwarder/forwarder_harness.h"

namespace ddsim::forwarder {
namespace {

using std::chrono::seconds;

TEST(TimeIntervalAccumulatorTest, SlidingWindowOfBuckets) {
  auto acc = TimeIntervalAccumulator::create(seconds(30), seconds(10));  // 3 buckets
  ASSERT_TRUE(acc.isOk());
  EXPECT_EQ(acc->sumAndSeconds(100), (std::pair<int64_t, int64_t>{0, 0}));
  struct Step {
    int64_t add_at, value, read_at;
    int64_t want_sum, want_seconds;
  };
  const Step steps[] = {
      {100, 5, 100, 5, 1},    // window starts at the first value
      {115, 7, 119, 12, 20},  // second bucket
      {130, 1, 130, 8, 21},   // the window slid: the first bucket (5) left it
      {200, 0, 200, 0, 21},   // everything expired
  };
  for (const Step& s : steps) {
    acc->add(s.add_at, s.value);
    EXPECT_EQ(acc->sumAndSeconds(s.read_at), (std::pair<int64_t, int64_t>{s.want_sum, s.want_seconds})) << s.add_at;
  }
  EXPECT_FALSE(TimeIntervalAccumulator::create(seconds(30), seconds(0)).isOk());
  EXPECT_FALSE(TimeIntervalAccumulator::create(seconds(5), seconds(10)).isOk());
}

class FixedDisk : public DiskUsageProvider {
 public:
  common::Result<DiskUsage> usage(const std::string&) const override { return DiskUsage{10000, 6000}; }
};

TEST(QueueDurationCapacityTest, CapacitySharesTheDiskByInputRate) {
  FixedDisk disk;
  DiskUsageLimit limit("/", disk, 1 << 30, 0.8);  // 6000 - 2000 reserved = 4000 bytes of disk
  QueueDurationCapacity cap(seconds(900), seconds(10), 1000, &limit);
  const common::SystemTime t0(seconds(1'700'000'000));
  // Over 10 s: domain a receives 1000 bytes (100 B/s), domain b 3000 (300 B/s).
  cap.onTransaction("a", 1000, t0);
  cap.onTransaction("b", 3000, t0);
  auto stats = cap.computeCapacity(t0 + seconds(9));
  ASSERT_TRUE(stats.isOk());
  ASSERT_EQ(stats->size(), 2u);
  EXPECT_DOUBLE_EQ(stats->at("a").bytes_per_second, 100);
  EXPECT_EQ(stats->at("a").available_bytes, 2000);   // 4000 * 1/4 + 1000
  EXPECT_EQ(stats->at("a").capacity_seconds, 20);
  EXPECT_DOUBLE_EQ(stats->at("b").bytes_per_second, 300);
  EXPECT_EQ(stats->at("b").available_bytes, 4000);   // 4000 * 3/4 + 1000
  EXPECT_EQ(stats->at("b").capacity_seconds, 13);    // 13.3 s, truncated

  QueueDurationCapacity memory_only(seconds(900), seconds(10), 1000, nullptr);
  memory_only.onTransaction("a", 500, t0);
  auto m = memory_only.computeCapacity(t0 + seconds(4));
  ASSERT_TRUE(m.isOk());
  EXPECT_EQ(m->at("a").capacity_seconds, 10);  // 1000 bytes / 100 B/s
}

TEST(QueueDurationCapacityTest, ReportedByTheForwarder) {
  common::ManualClock clock;
  FunctionTransport transport([](const TransportRequest&) { return TransportResult{}; });
  common::Random random(1);
  ForwarderOptions o;
  o.api_key = "k";
  o.dd_url = "http://intake.test";
  o.run_mode = RunMode::kVirtual;
  o.disable_api_key_checking = true;
  auto f = DefaultForwarder::create(o, {transport, clock, random});
  ASSERT_TRUE(f.isOk());
  ASSERT_TRUE((*f)->start().isOk());
  ASSERT_TRUE((*f)->submit(fwdtest::rawSubmission(std::string(1500, 'x'))).isOk());
  const auto snap = (*f)->telemetry();
  EXPECT_EQ(snap.at("forwarder.retry_queue_duration.bytes_per_sec.http://intake.test"), 1500);
  EXPECT_EQ(snap.at("forwarder.retry_queue_duration.capacity_secs.http://intake.test"), 15 * 1024 * 1024 / 1500);
}

}  // namespace
}  // namespace ddsim::forwarder
