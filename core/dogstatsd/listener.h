#pragma once
// Listeners turn socket reads into PacketBatches for the workers (comp/dogstatsd/listeners).
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/dogstatsd/options.h"
#include "core/dogstatsd/packet_batch.h"
#include "core/dogstatsd/stats.h"

namespace ddsim::dogstatsd {

// Sees every packet a listener receives, before parsing (traffic capture, spec §8.5).
class PacketTap {
 public:
  virtual ~PacketTap() = default;
  // Called from listener threads, concurrently: must be thread-safe and quick, and must copy
  // what it keeps. `pid` is the sender's (0 when unknown); `ancillary` the raw control message
  // (SCM_CREDENTIALS) when origin detection is on, else empty.
  virtual void onPacket(Transport transport, std::string_view payload, int32_t pid,
                        std::string_view ancillary) = 0;
};

// What every listener of a server shares. The referenced objects outlive the listeners.
struct ListenerContext {
  BatchPool* pool = nullptr;
  BatchQueue* queue = nullptr;
  IntakeStats* stats = nullptr;
  // shared_ptr: a capture is held by its controller and, during one read, by each listener
  // that saw it, so replacing or removing it never frees it under a reader.
  std::atomic<std::shared_ptr<PacketTap>>* tap = nullptr;  // may hold nullptr
  QueueFullPolicy policy = QueueFullPolicy::kDrop;
  // Test hook (DogStatsdServer::setListenersPaused): while true, datagram readers stop reading.
  const std::atomic<bool>* paused = nullptr;

  // Hands a non-empty batch to the workers and leaves `b` empty (a fresh batch, or the same
  // one cleared when it had to be dropped: queue full under kDrop, or queue closed). Drops are
  // counted as queue_full (packets and bytes) and logged, at most once per 10 s. Returns false
  // when the batch was dropped.
  bool deliver(std::unique_ptr<PacketBatch>& b) const;
  // Like deliver(), except that a full queue (under kDrop) leaves `b` as it was and counts
  // nothing: the caller keeps the batch and offers it again. kTaken: the batch was queued, or
  // dropped for good because the queue is closed (counted as in deliver()).
  enum class Offer { kTaken, kKeptOnFull };
  Offer offer(std::unique_ptr<PacketBatch>& b) const;
  std::shared_ptr<PacketTap> currentTap() const {
    return tap ? tap->load(std::memory_order_acquire) : nullptr;
  }

 private:
  bool settle(std::unique_ptr<PacketBatch>& b, BatchQueue::PushResult r, Transport t) const;
};

class Listener {
 public:
  virtual ~Listener() = default;
  // Starts the reader thread(s).
  virtual void start() = 0;
  // Reads what the socket already holds, hands it over, stops the threads and closes the
  // socket. Idempotent. The workers must still be consuming while this runs.
  virtual void stop() = 0;
  // "udp 127.0.0.1:8125", "unix /path", ...
  virtual std::string describe() const = 0;
};

}  // namespace ddsim::dogstatsd
