#pragma once
// Packet batches travelling from the listeners to the workers (the agent's packets.Packets,
// dogstatsd_packet_buffer_size per batch, dogstatsd_queue_size batches queued). Memory is
// bounded: a batch is `packets * buffer_size` bytes, and batches only exist in the queue, in a
// reader's or worker's hands, or in the pool.
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "core/dogstatsd/options.h"

namespace ddsim::dogstatsd {

// Up to capacity() packets, each in its own fixed-size slot. Owned by one thread at a time.
class PacketBatch {
 public:
  PacketBatch(size_t packets, size_t buffer_size);

  size_t capacity() const { return lengths_.size(); }
  size_t bufferSize() const { return buffer_size_; }
  size_t size() const { return count_; }
  bool full() const { return count_ == lengths_.size(); }
  bool empty() const { return count_ == 0; }
  size_t bytes() const;
  // Slot i's storage (bufferSize() bytes), for a reader to fill.
  char* slot(size_t i) { return storage_.data() + i * buffer_size_; }
  void setLength(size_t i, size_t n) { lengths_[i] = static_cast<uint32_t>(n); }
  // Marks slots [0, n) as holding packets.
  void setSize(size_t n) { count_ = n; }
  // Appends one packet (n <= bufferSize()); returns false when full.
  bool append(std::string_view packet);
  std::string_view packet(size_t i) const {
    return std::string_view(storage_.data() + i * buffer_size_, lengths_[i]);
  }
  void clear() { count_ = 0; }

  Transport transport = Transport::kUdp;

 private:
  size_t buffer_size_;
  std::vector<char> storage_;
  std::vector<uint32_t> lengths_;
  size_t count_ = 0;
};

// Recycles batches of one shape. Thread-safe.
class BatchPool {
 public:
  BatchPool(size_t packets, size_t buffer_size) : packets_(packets), buffer_size_(buffer_size) {}
  std::unique_ptr<PacketBatch> acquire();
  void release(std::unique_ptr<PacketBatch> b);
  // Batches allocated so far (each `packets * buffer_size` bytes).
  size_t allocated() const;

 private:
  const size_t packets_;
  const size_t buffer_size_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<PacketBatch>> free_;
  size_t allocated_ = 0;
};

// A bounded multi-producer multi-consumer queue of batches. Thread-safe.
class BatchQueue {
 public:
  explicit BatchQueue(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  enum class PushResult { kOk, kFull, kClosed };
  // Takes `b` on kOk; otherwise `b` stays with the caller. With block=true waits for room
  // (returns kClosed if the queue closes meanwhile).
  PushResult push(std::unique_ptr<PacketBatch>& b, bool block);
  // Waits for a batch; nullptr once the queue is closed and drained.
  std::unique_ptr<PacketBatch> pop();
  // No more pushes; pop() drains what is queued, then returns nullptr.
  void close();
  size_t size() const;
  size_t capacity() const { return capacity_; }

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<std::unique_ptr<PacketBatch>> items_;
  bool closed_ = false;
};

}  // namespace ddsim::dogstatsd
