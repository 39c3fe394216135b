#pragma once
// Packet batches travelling from the listeners to the workers (the agent's packets.Packets,
// up to dogstatsd_packet_buffer_size packets per batch), and the queue between them.
//
// Memory is bounded in bytes, not only in batches: a batch stores its packets back to back
// (its footprint is what it really holds, not packets * dogstatsd_buffer_size), the queue
// refuses a batch that would take it past its byte ceiling (ddsim.dogstatsd_queue_max_bytes)
// or its batch count (dogstatsd_queue_size), and the pool keeps only a bounded amount of
// spare batches. So overload costs at most the ceiling, never a growing backlog.
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>  // std::lock_guard, std::unique_lock
#include <string_view>
#include <vector>

#include "core/dogstatsd/options.h"
#include "core/dogstatsd/pi_mutex.h"

namespace ddsim::dogstatsd {

// Up to capacity() packets stored back to back. Owned by one thread at a time.
class PacketBatch {
 public:
  explicit PacketBatch(size_t max_packets);

  size_t capacity() const { return max_packets_; }
  size_t size() const { return ends_.size(); }
  bool full() const { return ends_.size() >= max_packets_; }
  bool empty() const { return ends_.empty(); }
  // Payload bytes held.
  size_t bytes() const { return data_.size(); }
  // Heap bytes this batch occupies (what the queue's byte ceiling counts).
  size_t footprint() const { return data_.capacity() + ends_.capacity() * sizeof(uint32_t); }
  // Makes room for `bytes` more payload bytes without further allocation.
  void reserve(size_t bytes) { data_.reserve(data_.size() + bytes); }
  // Appends one packet; returns false when full.
  bool append(std::string_view packet);
  std::string_view packet(size_t i) const {
    const uint32_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(data_.data() + begin, ends_[i] - begin);
  }
  void clear() {
    data_.clear();
    ends_.clear();
  }

  Transport transport = Transport::kUdp;

 private:
  size_t max_packets_;
  std::vector<char> data_;
  std::vector<uint32_t> ends_;  // end offset of each packet in data_
};

// Recycles batches. Keeps at most `max_spare_bytes` of footprint in spare batches; beyond that
// a released batch is freed. Thread-safe.
class BatchPool {
 public:
  BatchPool(size_t max_packets, size_t max_spare_bytes)
      : max_packets_(max_packets == 0 ? 1 : max_packets), max_spare_bytes_(max_spare_bytes) {}
  std::unique_ptr<PacketBatch> acquire();
  void release(std::unique_ptr<PacketBatch> b);
  // Footprint of the spare batches held.
  size_t spareBytes() const;

 private:
  const size_t max_packets_;
  const size_t max_spare_bytes_;
  mutable PiMutex mu_;
  std::vector<std::unique_ptr<PacketBatch>> free_;
  size_t spare_bytes_ = 0;
};

// A bounded multi-producer multi-consumer queue of batches: at most `max_batches` batches and
// `max_bytes` of footprint (a single batch is always accepted into an empty queue, so an
// oversized one cannot wedge it). Thread-safe.
class BatchQueue {
 public:
  BatchQueue(size_t max_batches, size_t max_bytes)
      : max_batches_(max_batches == 0 ? 1 : max_batches), max_bytes_(max_bytes) {}

  enum class PushResult { kOk, kFull, kClosed };
  // Takes `b` on kOk; otherwise `b` stays with the caller. With block=true waits for room
  // (returns kClosed if the queue closes meanwhile).
  PushResult push(std::unique_ptr<PacketBatch>& b, bool block);
  // Waits for a batch; nullptr once the queue is closed and drained.
  std::unique_ptr<PacketBatch> pop();
  // The oldest batch, or nullptr at once when none is queued.
  std::unique_ptr<PacketBatch> tryPop();
  // No more pushes; pop() drains what is queued, then returns nullptr.
  void close();
  size_t size() const;
  // Footprint of the queued batches, and the most it ever reached.
  size_t bytes() const;
  size_t peakBytes() const;
  size_t capacity() const { return max_batches_; }
  size_t maxBytes() const { return max_bytes_; }

 private:
  // Pops the oldest batch (nullptr if none) and unlocks `l`.
  std::unique_ptr<PacketBatch> takeFront(std::unique_lock<PiMutex>& l);
  bool hasRoom(size_t footprint) const {
    return items_.empty() || (items_.size() < max_batches_ && bytes_ + footprint <= max_bytes_);
  }

  const size_t max_batches_;
  const size_t max_bytes_;
  mutable PiMutex mu_;
  std::condition_variable_any not_empty_;
  std::condition_variable_any not_full_;
  std::deque<std::unique_ptr<PacketBatch>> items_;
  size_t bytes_ = 0;
  size_t peak_bytes_ = 0;
  bool closed_ = false;
};

}  // namespace ddsim::dogstatsd
