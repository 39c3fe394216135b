#include "fakeintake/core/ordered_worker.h"

#include <algorithm>

#include "core/common/process_stats.h"

namespace ddsim::fakeintake {

OrderedWorker::OrderedWorker(std::string thread_name, size_t max_bytes)
    : name_(std::move(thread_name)), max_bytes_(std::max<size_t>(1, max_bytes)), thread_([this] {
        common::nameThisThread(name_.c_str());
        run();
      }) {}

OrderedWorker::~OrderedWorker() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

bool OrderedWorker::push(Job job, size_t bytes) {
  bytes = std::max<size_t>(1, bytes);
  std::unique_lock lock(mu_);
  bool waited = false;
  if (queued_bytes_ > 0 && queued_bytes_ + bytes > max_bytes_) {
    waited = true;
    changed_.wait(lock, [&] { return queued_bytes_ == 0 || queued_bytes_ + bytes <= max_bytes_; });
  }
  items_.push_back({std::move(job), bytes});
  queued_bytes_ += bytes;
  peak_bytes_ = std::max(peak_bytes_, queued_bytes_);
  ++pushed_;
  lock.unlock();
  changed_.notify_all();
  return waited;
}

void OrderedWorker::drain() {
  std::unique_lock lock(mu_);
  const uint64_t target = pushed_;
  changed_.wait(lock, [&] { return done_ >= target; });
}

size_t OrderedWorker::peakQueuedBytes() const {
  std::lock_guard lock(mu_);
  return peak_bytes_;
}

void OrderedWorker::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    changed_.wait(lock, [&] { return stop_ || !items_.empty(); });
    if (items_.empty()) return;  // stop_ and nothing left to run
    Item item = std::move(items_.front());
    items_.pop_front();
    lock.unlock();
    item.job();
    item.job = nullptr;  // free what the job held before saying it is done
    lock.lock();
    queued_bytes_ -= item.bytes;
    ++done_;
    changed_.notify_all();
  }
}

}  // namespace ddsim::fakeintake
