#include "core/dogstatsd/packet_batch.h"

#include <algorithm>

namespace ddsim::dogstatsd {

PacketBatch::PacketBatch(size_t max_packets) : max_packets_(max_packets == 0 ? 1 : max_packets) {
  ends_.reserve(max_packets_);
}

bool PacketBatch::append(std::string_view packet) {
  if (full()) return false;
  data_.insert(data_.end(), packet.begin(), packet.end());
  ends_.push_back(static_cast<uint32_t>(data_.size()));
  return true;
}

std::unique_ptr<PacketBatch> BatchPool::acquire() {
  {
    std::lock_guard<PiMutex> l(mu_);
    if (!free_.empty()) {
      auto b = std::move(free_.back());
      free_.pop_back();
      spare_bytes_ -= b->footprint();
      return b;
    }
  }
  return std::make_unique<PacketBatch>(max_packets_);
}

void BatchPool::release(std::unique_ptr<PacketBatch> b) {
  if (!b) return;
  b->clear();  // keeps the capacity: a reused batch rarely allocates
  std::lock_guard<PiMutex> l(mu_);
  if (spare_bytes_ + b->footprint() > max_spare_bytes_) return;  // freed
  spare_bytes_ += b->footprint();
  free_.push_back(std::move(b));
}

size_t BatchPool::spareBytes() const {
  std::lock_guard<PiMutex> l(mu_);
  return spare_bytes_;
}

BatchQueue::PushResult BatchQueue::push(std::unique_ptr<PacketBatch>& b, bool block) {
  const size_t footprint = b->footprint();
  std::unique_lock<PiMutex> l(mu_);
  if (block) {
    not_full_.wait(l, [&] { return closed_ || hasRoom(footprint); });
  }
  if (closed_) return PushResult::kClosed;
  if (!hasRoom(footprint)) return PushResult::kFull;
  items_.push_back(std::move(b));
  bytes_ += footprint;
  peak_bytes_ = std::max(peak_bytes_, bytes_);
  l.unlock();
  not_empty_.notify_one();
  return PushResult::kOk;
}

std::unique_ptr<PacketBatch> BatchQueue::pop() {
  std::unique_lock<PiMutex> l(mu_);
  not_empty_.wait(l, [&] { return closed_ || !items_.empty(); });
  return takeFront(l);
}

std::unique_ptr<PacketBatch> BatchQueue::takeFront(std::unique_lock<PiMutex>& l) {
  if (items_.empty()) return nullptr;
  auto b = std::move(items_.front());
  items_.pop_front();
  bytes_ -= b->footprint();
  l.unlock();
  not_full_.notify_one();
  return b;
}

std::unique_ptr<PacketBatch> BatchQueue::tryPop() {
  std::unique_lock<PiMutex> l(mu_);
  return takeFront(l);
}

void BatchQueue::close() {
  {
    std::lock_guard<PiMutex> l(mu_);
    closed_ = true;
  }
  not_empty_.notify_all();
  not_full_.notify_all();
}

size_t BatchQueue::size() const {
  std::lock_guard<PiMutex> l(mu_);
  return items_.size();
}

size_t BatchQueue::bytes() const {
  std::lock_guard<PiMutex> l(mu_);
  return bytes_;
}

size_t BatchQueue::peakBytes() const {
  std::lock_guard<PiMutex> l(mu_);
  return peak_bytes_;
}

}  // namespace ddsim::dogstatsd
