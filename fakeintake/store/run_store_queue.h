#pragma once
// Writes stored payloads into a run store on a thread of its own, so that an intake answers
// without waiting for SQLite (the run store is the slowest step of ingest: the payload's bytes,
// its decoded points and their indexes). Nothing is dropped: when the queue holds
// `max_queued_bytes` of payloads, push() waits until the writer has caught up (counted as
// "run_store.queue_waits"). drain() returns once everything pushed so far is written; whoever
// reads the run store for verdicts calls it first.
//
// A write the store refuses is counted ("run_store.write_errors"), logged, and counted in the
// store as an eviction with reason "write_error", so an expectation on that route reports itself
// incomplete instead of computing from partial data.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "core/common/counters.h"
#include "core/store/run_store.h"
#include "fakeintake/store/stored_payload.h"

namespace ddsim::fakeintake {

class RunStoreQueue {
 public:
  // 32 MiB of payloads (their store-memory estimate) in flight by default.
  static constexpr size_t kDefaultMaxQueuedBytes = size_t{32} << 20;

  // `store` and `counters` must outlive the queue.
  RunStoreQueue(store::RunStore& store, std::string intake, common::CounterSet& counters,
                size_t max_queued_bytes = kDefaultMaxQueuedBytes);
  ~RunStoreQueue();  // writes what is queued, then stops the thread
  RunStoreQueue(const RunStoreQueue&) = delete;
  RunStoreQueue& operator=(const RunStoreQueue&) = delete;

  // Queues `p`, answered with `answered_status`. Waits while the queue is full.
  void push(StoredPayloadPtr p, int answered_status);
  // Returns when every payload pushed before the call is in the store (or counted as an error).
  void drain();

  size_t maxQueuedBytes() const { return max_bytes_; }
  // The most bytes that were queued at once (for the report and tests of the bound).
  size_t peakQueuedBytes() const;

 private:
  struct Item {
    StoredPayloadPtr payload;
    int status = 0;
    size_t bytes = 0;
  };
  void run();
  void write(const Item& item);

  store::RunStore& store_;
  const std::string intake_;
  common::CounterSet& counters_;
  const size_t max_bytes_;

  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Item> items_;
  size_t queued_bytes_ = 0;
  size_t peak_bytes_ = 0;
  uint64_t pushed_ = 0;
  uint64_t written_ = 0;  // items the writer has finished with (written or counted as errors)
  bool stop_ = false;
  std::thread thread_;  // last: starts after everything above exists
};

}  // namespace ddsim::fakeintake
