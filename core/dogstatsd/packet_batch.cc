#include "core/dogstatsd/packet_batch.h"

#include <cstring>

namespace ddsim::dogstatsd {

PacketBatch::PacketBatch(size_t packets, size_t buffer_size)
    : buffer_size_(buffer_size == 0 ? 1 : buffer_size),
      storage_((packets == 0 ? 1 : packets) * buffer_size_),
      lengths_(packets == 0 ? 1 : packets, 0) {}

size_t PacketBatch::bytes() const {
  size_t n = 0;
  for (size_t i = 0; i < count_; ++i) n += lengths_[i];
  return n;
}

bool PacketBatch::append(std::string_view packet) {
  if (full() || packet.size() > buffer_size_) return false;
  if (!packet.empty()) std::memcpy(slot(count_), packet.data(), packet.size());
  lengths_[count_] = static_cast<uint32_t>(packet.size());
  ++count_;
  return true;
}

std::unique_ptr<PacketBatch> BatchPool::acquire() {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!free_.empty()) {
      auto b = std::move(free_.back());
      free_.pop_back();
      b->clear();
      return b;
    }
    ++allocated_;
  }
  return std::make_unique<PacketBatch>(packets_, buffer_size_);
}

void BatchPool::release(std::unique_ptr<PacketBatch> b) {
  if (!b) return;
  std::lock_guard<std::mutex> l(mu_);
  free_.push_back(std::move(b));
}

size_t BatchPool::allocated() const {
  std::lock_guard<std::mutex> l(mu_);
  return allocated_;
}

BatchQueue::PushResult BatchQueue::push(std::unique_ptr<PacketBatch>& b, bool block) {
  std::unique_lock<std::mutex> l(mu_);
  if (block) {
    not_full_.wait(l, [&] { return closed_ || items_.size() < capacity_; });
  }
  if (closed_) return PushResult::kClosed;
  if (items_.size() >= capacity_) return PushResult::kFull;
  items_.push_back(std::move(b));
  l.unlock();
  not_empty_.notify_one();
  return PushResult::kOk;
}

std::unique_ptr<PacketBatch> BatchQueue::pop() {
  std::unique_lock<std::mutex> l(mu_);
  not_empty_.wait(l, [&] { return closed_ || !items_.empty(); });
  if (items_.empty()) return nullptr;
  auto b = std::move(items_.front());
  items_.pop_front();
  l.unlock();
  not_full_.notify_one();
  return b;
}

void BatchQueue::close() {
  {
    std::lock_guard<std::mutex> l(mu_);
    closed_ = true;
  }
  not_empty_.notify_all();
  not_full_.notify_all();
}

size_t BatchQueue::size() const {
  std::lock_guard<std::mutex> l(mu_);
  return items_.size();
}

}  // namespace ddsim::dogstatsd
