// ddsim.dogstatsd_worker_reads (issue 15): a worker that runs out of queued packets reads a
// datagram socket itself, through the listener, so a busy core makes no thread switch per read.
// The reads of the reader thread and of the workers are serialized and queued in the order
// they were read. Real sockets on loopback.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <memory>
#include <string>

#include "core/dogstatsd/datagram_listener.h"
#include "core/dogstatsd/server.h"
#include "tests/support/poll.h"
#include "tests/unit/dogstatsd/recording_sink.h"
#include "tests/unit/dogstatsd/test_sockets.h"

namespace ddsim::dogstatsd {
namespace {

using ddsim::testing::pollUntil;

// A UDP listener whose reader thread is never started: only readForWorker() reads.
struct Parts {
  explicit Parts(ServerOptions o) : options(std::move(o)), pool(options.packet_buffer_size, 1 << 20),
                                    queue(64, 16 << 20) {
    ListenerContext ctx{&pool, &queue, &stats, &tap, QueueFullPolicy::kDrop, nullptr};
    listener = DatagramListener::openUdp(options, ctx).value();
    client = connectUdpSocket("127.0.0.1", listener->port()).value();
  }
  // Sends `n` datagrams "w.<first+i>:1|c" and waits until the socket holds all of them.
  void send(int first, int n) {
    for (int i = 0; i < n; ++i) testing::sendAll(client.get(), "w." + std::to_string(first + i) + ":1|c");
  }
  std::vector<std::string> drainQueue() {
    std::vector<std::string> out;
    while (auto b = queue.tryPop()) {
      for (size_t i = 0; i < b->size(); ++i) out.emplace_back(b->packet(i));
    }
    return out;
  }

  ServerOptions options;
  BatchPool pool;
  BatchQueue queue;
  IntakeStats stats;
  std::atomic<std::shared_ptr<PacketTap>> tap;
  std::unique_ptr<DatagramListener> listener;
  Fd client;
};

ServerOptions smallBatches(bool worker_reads) {
  ServerOptions o = testing::loopbackUdpOptions(0);
  o.packet_buffer_size = 4;
  o.worker_reads = worker_reads;
  return o;
}

// One call reads until the socket is empty (several full batches: 10 datagrams, batches of 4),
// queues the batches in the order read and counts each read that got datagrams.
TEST(DsdWorkerReadsTest, AWorkerEmptiesTheSocketInReadOrder) {
  Parts p(smallBatches(true));
  p.send(0, 10);
  // Loopback delivery is synchronous with send(): the datagrams are in the socket.
  ASSERT_TRUE(p.listener->readForWorker());
  const auto got = p.drainQueue();
  ASSERT_EQ(got.size(), 10u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(got[static_cast<size_t>(i)], "w." + std::to_string(i) + ":1|c");
  EXPECT_EQ(p.stats.get(NetStat::kWorkerReads), 3u);  // 4 + 4 + 2
  EXPECT_EQ(p.stats.get(NetStat::kUdpPackets), 10u);
  EXPECT_FALSE(p.listener->readForWorker());  // nothing left: nothing queued
  EXPECT_EQ(p.stats.get(NetStat::kWorkerReads), 3u);
}

TEST(DsdWorkerReadsTest, OffOrStoppedTheWorkerNeverReads) {
  Parts off(smallBatches(false));
  off.send(0, 3);
  EXPECT_FALSE(off.listener->readForWorker());
  EXPECT_EQ(off.stats.get(NetStat::kUdpPackets), 0u);

  Parts stopped(smallBatches(true));
  stopped.send(0, 3);
  stopped.listener->stop();  // closes the socket; a worker may still call in
  EXPECT_FALSE(stopped.listener->readForWorker());
  EXPECT_EQ(stopped.stats.get(NetStat::kWorkerReads), 0u);
}

// One worker: whoever reads (the reader thread or the worker), samples reach the sink in the
// order they were sent. A burst far longer than a batch, with a sink slow enough that the
// worker comes back to a socket holding datagrams.
TEST(DsdWorkerReadsTest, OneWorkerKeepsTheSendOrder) {
  constexpr int kDatagrams = 4000;
  testing::RecordingSink sink;
  ServerOptions o = testing::loopbackUdpOptions(4 << 20);
  o.workers_count = 1;
  o.packet_buffer_size = 8;
  DogStatsdServer server(o, sink);
  ASSERT_TRUE(server.start().isOk());
  Fd client = connectUdpSocket("127.0.0.1", server.udpPort()).value();
  for (int i = 0; i < kDatagrams; ++i) testing::sendAll(client.get(), "order.g:" + std::to_string(i) + "|g");
  const auto& st = server.stats();
  ASSERT_TRUE(pollUntil([&] { return st.get(NetStat::kUdpPackets) + st.get(NetStat::kKernelDrops) == kDatagrams; }));
  ASSERT_TRUE(pollUntil([&] { return sink.sampleCount() == st.get(NetStat::kUdpPackets); }));
  server.stop();
  const auto samples = sink.samples();
  ASSERT_FALSE(samples.empty());
  for (size_t i = 1; i < samples.size(); ++i) {
    ASSERT_LT(samples[i - 1].value, samples[i].value) << "sample " << i << " out of order";
  }
  EXPECT_EQ(st.get(NetStat::kQueueFullPackets), 0u);
}

}  // namespace
}  // namespace ddsim::dogstatsd
