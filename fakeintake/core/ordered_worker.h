#pragma once
// Runs jobs one at a time, in the order they were pushed, on a thread of its own, with a bound
// on what waits: push() blocks while `max_bytes` of jobs (by the sizes their pushers state) are
// queued, so a slow job holds its producers back instead of growing memory. drain() returns
// once every job pushed before it has run. A job is destroyed (what it holds freed) before it
// counts as done. The intake's run-store writer and its deferred ingest are built on it.
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace ddsim::fakeintake {

class OrderedWorker {
 public:
  using Job = std::function<void()>;

  // `thread_name` as shown by top/perf (15 characters at most).
  OrderedWorker(std::string thread_name, size_t max_bytes);
  ~OrderedWorker();  // runs what is queued, then stops the thread
  OrderedWorker(const OrderedWorker&) = delete;
  OrderedWorker& operator=(const OrderedWorker&) = delete;

  // Queues `job`, which holds about `bytes`. A job larger than the whole bound still goes in,
  // alone. Returns true when it had to wait for room.
  bool push(Job job, size_t bytes);
  // Returns when every job pushed before the call has run.
  void drain();

  size_t maxQueuedBytes() const { return max_bytes_; }
  size_t peakQueuedBytes() const;  // the most that waited at once

 private:
  struct Item {
    Job job;
    size_t bytes = 0;
  };
  void run();

  const std::string name_;
  const size_t max_bytes_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Item> items_;
  size_t queued_bytes_ = 0;
  size_t peak_bytes_ = 0;
  uint64_t pushed_ = 0;
  uint64_t done_ = 0;
  bool stop_ = false;
  std::thread thread_;  // last: starts after everything above exists
};

}  // namespace ddsim::fakeintake
