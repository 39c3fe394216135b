#include "core/dogstatsd/listener.h"

namespace ddsim::dogstatsd {

void ListenerContext::deliver(std::unique_ptr<PacketBatch>& b) const {
  if (!b || b->empty()) return;
  const size_t packets = b->size();
  const size_t bytes = b->bytes();
  const Transport t = b->transport;
  auto r = queue->push(b, policy == QueueFullPolicy::kBlock);
  if (r == BatchQueue::PushResult::kOk) {
    b = pool->acquire();
    b->transport = t;
    return;
  }
  // Overload is a number, never a hidden backlog.
  stats->add(NetStat::kQueueFullPackets, packets);
  stats->add(NetStat::kQueueFullBytes, bytes);
  b->clear();
}

}  // namespace ddsim::dogstatsd
