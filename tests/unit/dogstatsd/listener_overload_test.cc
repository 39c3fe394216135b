// Issue 15: the readers never wait on the workers (nor on what the workers call), the packet
// queue is bounded in bytes, and every datagram lost is counted: at the queue (queue_full) or
// in the kernel (SO_RXQ_OVFL, kernel_drops). Real sockets on loopback, default kernel buffers.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <string>
#include <thread>

#include "core/dogstatsd/server.h"
#include "tests/support/poll.h"
#include "tests/unit/dogstatsd/gate_sink.h"
#include "tests/unit/dogstatsd/test_sockets.h"
#include "tests/unit/dogstatsd/transport_rig.h"

namespace ddsim::dogstatsd {
namespace {

using ddsim::testing::pollUntil;
using testing::HoldingSink;
using testing::TempDir;

using testing::Kind;
using testing::kindName;
using testing::Rig;

ServerOptions twoWorkers() {
  ServerOptions o;
  o.workers_count = 2;
  // Each datagram may travel alone in its batch: room for every one the test sends.
  o.queue_size = 4096;
  return o;
}

class DsdReaderNeverWaitsTest : public ::testing::TestWithParam<Kind> {};

// Every worker is held inside the sink (a flush that holds the aggregator) while a client sends
// at a steady pace: it keeps at most kWindow datagrams ahead of what the reader has taken, far
// less than the default receive buffer holds. If the reader waited on the workers, the count it
// takes would stop and the client with it (the hang guard would fail the test); instead every
// datagram is read while the workers are still held, none is dropped, and all are aggregated
// once the sink lets go.
TEST_P(DsdReaderNeverWaitsTest, SteadyClientWhileEveryWorkerIsHeld) {
  constexpr uint64_t kDatagrams = 2000;
  constexpr uint64_t kWindow = 8;  // also below net.unix.max_dgram_qlen (10)
  HoldingSink sink;
  Rig rig(GetParam(), sink, twoWorkers());
  ASSERT_TRUE(rig.started);
  rig.send("first:1|c");
  ASSERT_TRUE(pollUntil([&] { return sink.entered() >= 1; }));
  for (uint64_t i = 1; i < kDatagrams; ++i) {
    ASSERT_TRUE(pollUntil([&] { return rig.received() + kWindow >= i; })) << "reader stalled at " << i;
    rig.send("steady.metric:1|c|#seq:" + std::to_string(i % 100));
  }
  ASSERT_TRUE(pollUntil([&] { return rig.received() == kDatagrams; }));
  EXPECT_EQ(sink.sampleCount(), 0u);  // still held: the reads did not wait for the sink
  const auto& st = rig.server->stats();
  EXPECT_EQ(st.get(NetStat::kKernelDrops), 0u);
  EXPECT_EQ(st.get(NetStat::kQueueFullPackets), 0u);
  sink.release();
  ASSERT_TRUE(pollUntil([&] { return sink.sampleCount() == kDatagrams; }));
  rig.server->stop();
  EXPECT_EQ(st.get(Stat::kMetricPackets), kDatagrams);
  EXPECT_EQ(st.get(NetStat::kKernelDrops), 0u);
  EXPECT_EQ(st.get(NetStat::kQueueFullPackets), 0u);
}

INSTANTIATE_TEST_SUITE_P(Transports, DsdReaderNeverWaitsTest,
                         ::testing::Values(Kind::kUdp, Kind::kUnixDatagram, Kind::kUnixStream),
                         [](const auto& p) { return std::string(kindName(p.param)); });

// The workers are held and the queue's byte ceiling is small: what does not fit is dropped by
// the reader (it never waits), counted as queue_full in packets and bytes, and the queue never
// holds more than its ceiling. Everything sent is either aggregated or counted.
TEST(DsdQueueBytesTest, OverflowIsDroppedCountedAndBounded) {
  constexpr uint64_t kDatagrams = 400;
  constexpr size_t kCeiling = 32 << 10;
  HoldingSink sink;
  ServerOptions o = twoWorkers();
  o.queue_max_bytes = kCeiling;
  Rig rig(Kind::kUdp, sink, o);
  ASSERT_TRUE(rig.started);
  const std::string payload = "big.metric:1|c|#pad:" + std::string(900, 'p');
  for (uint64_t i = 0; i < kDatagrams; ++i) {
    ASSERT_TRUE(pollUntil([&] { return rig.received() + 8 >= i; }));
    rig.send(payload);
  }
  const auto& st = rig.server->stats();
  ASSERT_TRUE(pollUntil([&] { return rig.received() == kDatagrams; }));
  EXPECT_GT(st.get(NetStat::kQueueFullPackets), 0u);
  EXPECT_EQ(st.get(NetStat::kQueueFullBytes), st.get(NetStat::kQueueFullPackets) * payload.size());
  auto t = rig.server->telemetry();
  EXPECT_LE(t["dogstatsd.queue.peak_bytes"], kCeiling);
  EXPECT_EQ(t["dogstatsd.dropped.queue_full_packets"], static_cast<double>(st.get(NetStat::kQueueFullPackets)));
  sink.release();
  ASSERT_TRUE(pollUntil([&] { return sink.sampleCount() + st.get(NetStat::kQueueFullPackets) == kDatagrams; }));
  rig.server->stop();
  EXPECT_EQ(st.get(NetStat::kKernelDrops), 0u);
  EXPECT_EQ(sink.sampleCount() + st.get(NetStat::kQueueFullPackets), kDatagrams);
}

// The reader is paused (as if descheduled) behind a tiny receive buffer: the kernel drops what
// does not fit, and the reader reads its count (SO_RXQ_OVFL, then SO_MEMINFO) once it resumes.
TEST(DsdKernelDropsTest, DropsBehindAPausedReaderAreReadFromTheSocket) {
  constexpr uint64_t kDatagrams = 300;
  testing::RecordingSink sink;
  ServerOptions o = testing::loopbackUdpOptions(4096);  // the kernel doubles it; a few datagrams fit
  o.workers_count = 2;
  DogStatsdServer server(o, sink);
  ASSERT_TRUE(server.start().isOk());
  server.setListenersPaused(true);
  auto fd = connectUdpSocket("127.0.0.1", server.udpPort());
  ASSERT_TRUE(fd.isOk());
  const std::string payload = "paused.metric:1|c|#pad:" + std::string(200, 'p');
  for (uint64_t i = 0; i < kDatagrams; ++i) testing::sendAll(fd->get(), payload);
  server.setListenersPaused(false);
  const auto& st = server.stats();
  ASSERT_TRUE(pollUntil([&] { return st.get(NetStat::kUdpPackets) + st.get(NetStat::kKernelDrops) == kDatagrams; }));
  EXPECT_GT(st.get(NetStat::kKernelDrops), 0u);
  EXPECT_GT(st.get(NetStat::kUdpPackets), 0u);
  ASSERT_TRUE(pollUntil([&] { return sink.sampleCount() == st.get(NetStat::kUdpPackets); }));
  server.stop();
  EXPECT_EQ(sink.sampleCount() + st.get(NetStat::kKernelDrops), kDatagrams);
  EXPECT_EQ(server.telemetry()["dogstatsd.dropped.kernel_drops"], static_cast<double>(st.get(NetStat::kKernelDrops)));
}

// A reader that had to drop a batch because the queue was full stops reading for
// queue_full_pause_us: the workers are behind, so what arrives meanwhile is left to the kernel,
// which drops it at no cost to the server's core, instead of being read and copied only to be
// dropped (on one saturated core that copying took the workers' CPU). The pause here is far
// longer than the test, so the reader reads nothing more until stop() wakes it; everything sent
// is still accounted for: aggregated, queue_full, or kernel_drops.
TEST(DsdQueueFullPauseTest, AReaderThatDroppedLeavesTheRestToTheKernelAndEverythingIsCounted) {
  constexpr uint64_t kDatagrams = 200;
  HoldingSink sink;
  ServerOptions o = testing::loopbackUdpOptions(4096);  // the kernel doubles it; a few datagrams fit
  o.workers_count = 2;
  o.queue_size = 4096;
  o.queue_max_bytes = 1;        // only an empty queue accepts a batch
  o.queue_full_pause_us = 60'000'000;  // until stop()
  DogStatsdServer server(o, sink);
  ASSERT_TRUE(server.start().isOk());
  auto fd = connectUdpSocket("127.0.0.1", server.udpPort());
  ASSERT_TRUE(fd.isOk());
  const auto& st = server.stats();
  const std::string payload = "paused.metric:1|c|#pad:" + std::string(200, 'p');
  // One at a time until a batch is dropped: two go to the held workers, one waits in the queue.
  uint64_t sent = 0;
  while (st.get(NetStat::kQueueFullPackets) == 0) {
    ASSERT_LT(sent, 1000u) << "the queue never filled";
    testing::sendAll(fd->get(), payload);
    ++sent;
    const uint64_t want = sent;
    ASSERT_TRUE(pollUntil([&] { return st.get(NetStat::kUdpPackets) >= want; }));
  }
  const uint64_t read_before = st.get(NetStat::kUdpPackets);
  for (uint64_t i = 0; i < kDatagrams; ++i) testing::sendAll(fd->get(), payload);
  sent += kDatagrams;
  sink.release();
  server.stop();  // wakes the paused reader: it drains the socket and reads the kernel's count
  EXPECT_GT(st.get(NetStat::kKernelDrops), 0u);
  // Only what the tiny buffer held was read after the drop.
  EXPECT_LT(st.get(NetStat::kUdpPackets) - read_before, kDatagrams / 2);
  EXPECT_EQ(st.get(NetStat::kUdpPackets) + st.get(NetStat::kKernelDrops), sent);
  EXPECT_EQ(sink.sampleCount() + st.get(NetStat::kQueueFullPackets), st.get(NetStat::kUdpPackets));
}

// A Unix stream reader on a full queue keeps its batch and waits (stream_queue_full_waits)
// instead of dropping it: the socket's buffer fills, then the sender blocks, and once the
// workers catch up every frame sent is aggregated. The client sends far more than the socket
// buffers hold, so it can only finish after the workers are released.
TEST(DsdStreamBackpressureTest, AFullQueueMakesTheSenderWaitAndLosesNothing) {
  constexpr uint64_t kFrames = 3000;
  HoldingSink sink;
  ServerOptions o = twoWorkers();
  o.queue_max_bytes = 1;  // only an empty queue accepts a batch
  o.packet_buffer_size = 4;
  Rig rig(Kind::kUnixStream, sink, o);
  ASSERT_TRUE(rig.started);
  const std::string payload = "stream.metric:1|c|#pad:" + std::string(200, 'p');
  std::thread client([&] {
    for (uint64_t i = 0; i < kFrames; ++i) rig.send(payload);
  });
  const auto& st = rig.server->stats();
  const bool waited = pollUntil([&] { return st.get(NetStat::kStreamQueueFullWaits) > 0; });
  EXPECT_EQ(st.get(NetStat::kQueueFullPackets), 0u);
  EXPECT_LT(rig.received(), kFrames);  // the sender is held back, not the frames dropped
  sink.release();
  client.join();
  ASSERT_TRUE(waited);
  ASSERT_TRUE(pollUntil([&] { return sink.sampleCount() == kFrames; }));
  rig.server->stop();
  EXPECT_EQ(st.get(NetStat::kQueueFullPackets), 0u);
  EXPECT_EQ(st.get(Stat::kMetricPackets), kFrames);
  EXPECT_GT(rig.server->telemetry()["dogstatsd.observed.stream_queue_full_waits"], 0.0);
}

// With dogstatsd_queue_full_pause 0 the stream reader drops on a full queue, as a datagram
// reader does, and counts every dropped frame.
TEST(DsdStreamBackpressureTest, WithoutAPauseAFullQueueDropsAndCounts) {
  constexpr uint64_t kFrames = 3000;
  HoldingSink sink;
  ServerOptions o = twoWorkers();
  o.queue_max_bytes = 1;
  o.packet_buffer_size = 4;
  o.queue_full_pause_us = 0;
  Rig rig(Kind::kUnixStream, sink, o);
  ASSERT_TRUE(rig.started);
  const std::string payload = "stream.metric:1|c|#pad:" + std::string(200, 'p');
  for (uint64_t i = 0; i < kFrames; ++i) rig.send(payload);
  const auto& st = rig.server->stats();
  ASSERT_TRUE(pollUntil([&] { return rig.received() == kFrames; }));
  EXPECT_GT(st.get(NetStat::kQueueFullPackets), 0u);
  EXPECT_EQ(st.get(NetStat::kStreamQueueFullWaits), 0u);
  sink.release();
  ASSERT_TRUE(pollUntil([&] { return sink.sampleCount() + st.get(NetStat::kQueueFullPackets) == kFrames; }));
  rig.server->stop();
  EXPECT_EQ(sink.sampleCount() + st.get(NetStat::kQueueFullPackets), kFrames);
}

}  // namespace
}  // namespace ddsim::dogstatsd
