#include "fakeintake/store/run_store_queue.h"

#include <algorithm>

#include "core/common/process_stats.h"
#include "fakeintake/store/run_store_writer.h"

namespace ddsim::fakeintake {

RunStoreQueue::RunStoreQueue(store::RunStore& store, std::string intake, common::CounterSet& counters,
                             size_t max_queued_bytes)
    : store_(store),
      intake_(std::move(intake)),
      counters_(counters),
      max_bytes_(std::max<size_t>(1, max_queued_bytes)),
      thread_([this] {
        common::nameThisThread("runstore-write");
        run();
      }) {}

RunStoreQueue::~RunStoreQueue() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void RunStoreQueue::push(StoredPayloadPtr p, int answered_status) {
  // A payload larger than the whole bound still goes in (alone), rather than waiting forever.
  const size_t bytes = std::max<size_t>(1, p->memory_bytes ? p->memory_bytes : p->estimateMemory());
  std::unique_lock lock(mu_);
  if (queued_bytes_ > 0 && queued_bytes_ + bytes > max_bytes_) {
    counters_.add("run_store.queue_waits");
    changed_.wait(lock, [&] { return queued_bytes_ == 0 || queued_bytes_ + bytes <= max_bytes_; });
  }
  items_.push_back({std::move(p), answered_status, bytes});
  queued_bytes_ += bytes;
  peak_bytes_ = std::max(peak_bytes_, queued_bytes_);
  ++pushed_;
  lock.unlock();
  changed_.notify_all();
}

void RunStoreQueue::drain() {
  std::unique_lock lock(mu_);
  const uint64_t target = pushed_;
  changed_.wait(lock, [&] { return written_ >= target; });
}

size_t RunStoreQueue::peakQueuedBytes() const {
  std::lock_guard lock(mu_);
  return peak_bytes_;
}

void RunStoreQueue::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    changed_.wait(lock, [&] { return stop_ || !items_.empty(); });
    if (items_.empty()) return;  // stop_ and nothing left to write
    Item item = std::move(items_.front());
    items_.pop_front();
    lock.unlock();
    write(item);
    const size_t bytes = item.bytes;
    item = {};  // release the payload before saying it is written
    lock.lock();
    queued_bytes_ -= bytes;
    ++written_;
    changed_.notify_all();
  }
}

void RunStoreQueue::write(const Item& item) {
  writeToRunStoreCounted(store_, intake_, *item.payload, item.status, counters_);
}

}  // namespace ddsim::fakeintake
