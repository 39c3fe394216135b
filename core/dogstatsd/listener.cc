#include "core/dogstatsd/listener.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "core/common/clock.h"

namespace ddsim::dogstatsd {
namespace {

// The last time a queue_full drop was logged (steady clock, ns); shared by every listener.
std::atomic<int64_t> g_last_drop_log_ns{0};
constexpr int64_t kDropLogIntervalNs = 10'000'000'000;

void logQueueFull(const IntakeStats& stats) {
  // Logging is rare and off the hot path: only a reader that just dropped pays for the clock.
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          common::SystemClock::instance().steadyNow().time_since_epoch())
                          .count();
  int64_t last = g_last_drop_log_ns.load(std::memory_order_relaxed);
  if (last != 0 && now - last < kDropLogIntervalNs) return;
  if (!g_last_drop_log_ns.compare_exchange_strong(last, now)) return;
  spdlog::warn("dogstatsd: packet queue full, dropping packets (queue_full: {} packets, {} bytes so far)",
               stats.get(NetStat::kQueueFullPackets), stats.get(NetStat::kQueueFullBytes));
}

}  // namespace

bool ListenerContext::deliver(std::unique_ptr<PacketBatch>& b) const {
  if (!b || b->empty()) return true;
  const Transport t = b->transport;
  auto r = queue->push(b, policy == QueueFullPolicy::kBlock);
  return settle(b, r, t);
}

ListenerContext::Offer ListenerContext::offer(std::unique_ptr<PacketBatch>& b) const {
  if (!b || b->empty()) return Offer::kTaken;
  const Transport t = b->transport;
  auto r = queue->push(b, policy == QueueFullPolicy::kBlock);
  if (r == BatchQueue::PushResult::kFull) return Offer::kKeptOnFull;
  settle(b, r, t);
  return Offer::kTaken;
}

// `b` is null after a successful push: `t` is its transport, read before.
bool ListenerContext::settle(std::unique_ptr<PacketBatch>& b, BatchQueue::PushResult r, Transport t) const {
  if (r == BatchQueue::PushResult::kOk) {
    b = pool->acquire();
    b->transport = t;
    return true;
  }
  const size_t packets = b->size();
  const size_t bytes = b->bytes();
  b->clear();
  // Overload is a number, never a hidden backlog.
  stats->add(NetStat::kQueueFullPackets, packets);
  stats->add(NetStat::kQueueFullBytes, bytes);
  logQueueFull(*stats);
  return false;
}

}  // namespace ddsim::dogstatsd
