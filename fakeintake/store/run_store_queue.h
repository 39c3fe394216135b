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
#include <cstddef>
#include <string>

#include "core/common/counters.h"
#include "core/store/run_store.h"
#include "fakeintake/core/ordered_worker.h"
#include "fakeintake/store/stored_payload.h"

namespace ddsim::fakeintake {

class RunStoreQueue {
 public:
  // 32 MiB of payloads (their store-memory estimate) in flight by default.
  static constexpr size_t kDefaultMaxQueuedBytes = size_t{32} << 20;

  // `store` and `counters` must outlive the queue.
  RunStoreQueue(store::RunStore& store, std::string intake, common::CounterSet& counters,
                size_t max_queued_bytes = kDefaultMaxQueuedBytes);
  // The destructor writes what is queued, then stops the thread.

  // Queues `p`, answered with `answered_status`. Waits while the queue is full.
  void push(StoredPayloadPtr p, int answered_status);
  // Returns when every payload pushed before the call is in the store (or counted as an error).
  void drain() { worker_.drain(); }

  size_t maxQueuedBytes() const { return worker_.maxQueuedBytes(); }
  // The most bytes that were queued at once (for the report and tests of the bound).
  size_t peakQueuedBytes() const { return worker_.peakQueuedBytes(); }

 private:
  store::RunStore& store_;
  const std::string intake_;
  common::CounterSet& counters_;
  OrderedWorker worker_;  // last: its thread writes with the members above
};

}  // namespace ddsim::fakeintake
