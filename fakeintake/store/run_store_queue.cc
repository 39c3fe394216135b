#include "fakeintake/store/run_store_queue.h"

#include <algorithm>

#include "fakeintake/store/run_store_writer.h"

namespace ddsim::fakeintake {

RunStoreQueue::RunStoreQueue(store::RunStore& store, std::string intake, common::CounterSet& counters,
                             size_t max_queued_bytes)
    : store_(store), intake_(std::move(intake)), counters_(counters), worker_("runstore-write", max_queued_bytes) {}

void RunStoreQueue::push(StoredPayloadPtr p, int answered_status) {
  const size_t bytes = p->memory_bytes ? p->memory_bytes : p->estimateMemory();
  // The job holds the payload: it is released once written, before the write counts as done.
  const bool waited = worker_.push(
      [this, payload = std::move(p), answered_status] {
        writeToRunStoreCounted(store_, intake_, *payload, answered_status, counters_);
      },
      bytes);
  if (waited) counters_.add("run_store.queue_waits");
}

}  // namespace ddsim::fakeintake
