#include "simulator/workload/packet_pipe.h"

#include <algorithm>
#include <thread>

namespace ddsim::workload {

PacketPipe::PacketPipe(size_t batch_packets, size_t max_batches)
    : batch_packets_(std::max<size_t>(1, batch_packets)), max_batches_(std::max<size_t>(1, max_batches)) {}

void PacketPipe::run(const std::function<void(const std::function<void(std::string_view)>&)>& produce,
                     const std::function<void(std::string_view)>& consume) {
  {
    std::lock_guard lock(mu_);
    batches_.clear();
    closed_ = false;
  }
  std::thread producer([&] {
    Batch batch;
    batch.reserve(batch_packets_);
    produce([&](std::string_view packet) {
      batch.emplace_back(packet);
      if (batch.size() == batch_packets_) {
        push(std::move(batch));
        batch = Batch();
        batch.reserve(batch_packets_);
      }
    });
    if (!batch.empty()) push(std::move(batch));
    close();
  });
  Batch batch;
  while (pop(batch)) {
    for (const auto& p : batch) consume(p);
  }
  producer.join();
}

void PacketPipe::push(Batch&& b) {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [&] { return batches_.size() < max_batches_; });
  batches_.push_back(std::move(b));
  lock.unlock();
  changed_.notify_all();
}

bool PacketPipe::pop(Batch& out) {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [&] { return closed_ || !batches_.empty(); });
  if (batches_.empty()) return false;
  out = std::move(batches_.front());
  batches_.pop_front();
  lock.unlock();
  changed_.notify_all();
  return true;
}

void PacketPipe::close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  changed_.notify_all();
}

}  // namespace ddsim::workload
