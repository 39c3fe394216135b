// Issue 15: a flush held artificially long (a serializer that does not return) does not stop
// the DogStatsD intake. A client sends at a steady pace over UDP, a Unix datagram socket or a
// Unix stream socket, with the kernel's default receive buffer, while the flush is held: every
// datagram (or frame) is read and aggregated into the demultiplexer meanwhile, nothing is dropped
// in the kernel or at the queue, and the next flush carries every line.
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/aggregator/demultiplexer.h"
#include "core/dogstatsd/server.h"
#include "tests/support/poll.h"
#include "tests/support/recording_serializer.h"
#include "tests/unit/dogstatsd/test_sockets.h"
#include "tests/unit/dogstatsd/transport_rig.h"

namespace ddsim::integration {
namespace {

using ddsim::testing::pollUntil;
using dogstatsd::testing::Kind;

// Blocks the first sendSeries call (a flush stuck in serialization) until released.
class SlowSerializer : public testing::RecordingSerializer {
 public:
  common::Status sendSeries(std::vector<metrics::Serie>&& series) override {
    {
      std::unique_lock<std::mutex> l(mu_);
      if (!released_) {
        entered_ = true;
        cv_.notify_all();
        cv_.wait(l, [&] { return released_; });
      }
    }
    return RecordingSerializer::sendSeries(std::move(series));
  }
  bool entered() {
    std::lock_guard<std::mutex> l(mu_);
    return entered_;
  }
  void release() {
    std::lock_guard<std::mutex> l(mu_);
    released_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool entered_ = false;
  bool released_ = false;
};

constexpr double kReceiveTime = 1'700'000'003;  // bucket [1'700'000'000, 1'700'000'010)

class DsdSlowFlushTest : public ::testing::TestWithParam<Kind> {};

TEST_P(DsdSlowFlushTest, IntakeKeepsAggregatingWhileAFlushIsHeld) {
  constexpr uint64_t kDatagrams = 3000;
  constexpr uint64_t kLinesPerDatagram = 3;
  constexpr uint64_t kWindow = 8;  // below net.unix.max_dgram_qlen (10) too
  SlowSerializer serializer;
  aggregator::DemultiplexerOptions dopts;
  dopts.aggregator.hostname = "ddsim-host";
  aggregator::Demultiplexer demux(dopts, &serializer);
  common::ManualClock clock(common::fromUnixSeconds(kReceiveTime));
  dogstatsd::ServerOptions o;
  o.workers_count = 2;
  dogstatsd::testing::Rig rig(GetParam(), demux, o, clock);  // the kernel's default buffer
  ASSERT_TRUE(rig.started);

  // A flush of an earlier bucket, stuck in the serializer until released.
  std::thread flusher([&] { demux.flush(kReceiveTime - 30); });
  ASSERT_TRUE(pollUntil([&] { return serializer.entered(); }));

  const auto& st = rig.server->stats();
  for (uint64_t i = 0; i < kDatagrams; ++i) {
    // Steady: at most kWindow datagrams ahead of the reader (far below what the buffer holds).
    ASSERT_TRUE(pollUntil([&] { return rig.received() + kWindow >= i; })) << "reader stalled at " << i;
    const std::string c = std::to_string(i % 50);
    rig.send("held.a:1|c|#c:" + c + "\nheld.b:2|c|#c:" + c + "\nheld.g:" + c + "|g");
  }
  auto aggregated = [&] { return demux.telemetry()["aggregator.DogstatsdMetricSample"]; };
  ASSERT_TRUE(pollUntil([&] { return aggregated() >= kDatagrams * kLinesPerDatagram; }));
  EXPECT_FALSE(serializer.seriesBatches().size() > 0) << "the flush was still held";
  EXPECT_EQ(st.get(dogstatsd::NetStat::kKernelDrops), 0u);
  EXPECT_EQ(st.get(dogstatsd::NetStat::kQueueFullPackets), 0u);

  serializer.release();
  flusher.join();
  rig.server->stop();
  demux.flush(kReceiveTime + 20);
  double a = 0, b = 0;
  for (const auto& batch : serializer.seriesBatches()) {
    for (const auto& s : batch) {
      for (const auto& p : s.points) {
        if (s.name == "held.a") a += p.value * static_cast<double>(s.interval);
        if (s.name == "held.b") b += p.value * static_cast<double>(s.interval);
      }
    }
  }
  EXPECT_DOUBLE_EQ(a, static_cast<double>(kDatagrams));
  EXPECT_DOUBLE_EQ(b, 2.0 * kDatagrams);
  EXPECT_EQ(st.get(dogstatsd::NetStat::kKernelDrops), 0u);
  EXPECT_EQ(st.get(dogstatsd::NetStat::kQueueFullPackets), 0u);
}

INSTANTIATE_TEST_SUITE_P(Transports, DsdSlowFlushTest,
                         ::testing::Values(Kind::kUdp, Kind::kUnixDatagram, Kind::kUnixStream),
                         [](const auto& p) { return std::string(dogstatsd::testing::kindName(p.param)); });

}  // namespace
}  // namespace ddsim::integration
