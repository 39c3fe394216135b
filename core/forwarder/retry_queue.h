#pragma once
// A domain's retry queue (spec §6.6, transaction_retry_queue.go): a byte budget of payloads in
// memory, optionally spilling to a disk store. Drop/flush order: normal priority first, oldest
// first. Not thread-safe: the domain forwarder serialises calls.
#include <cstdint>
#include <memory>
#include <vector>

#include "core/common/status.h"
#include "core/forwarder/disk_retry_store.h"
#include "core/forwarder/forwarder_telemetry.h"
#include "core/forwarder/transaction.h"

namespace ddsim::forwarder {

class RetryQueue {
 public:
  // `storage` may be null (disk spill off).
  RetryQueue(int64_t max_bytes, double flush_to_disk_mem_ratio, std::unique_ptr<TransactionDiskStorage> storage,
             ForwarderTelemetry& telemetry);

  struct AddResult {
    // Transactions evicted from memory (in drop order) to fit the new one; the caller counts
    // them (the agent charges them to the added transaction's endpoint).
    std::vector<TransactionPtr> evicted;
    common::Status disk_status;  // first disk error while spilling (the batch is counted as lost)
  };
  // With disk storage: while the new payload does not fit, batches of at least
  // max * flush_to_disk_mem_ratio bytes (drop order) are written as one file each. Then, if it
  // still does not fit, transactions are evicted in drop order until the excess is freed.
  // Finally `t` is appended (even when it alone is larger than the budget).
  AddResult add(TransactionPtr t);

  // All in-memory transactions (memory cleared) if any, else the most recent disk file.
  common::Result<std::vector<TransactionPtr>> extractTransactions();

  // Stores up to max bytes of in-memory transactions (drop order) as one file. No-op without
  // disk storage. `written` / `lost` say how many transactions reached the file or were dropped
  // on the way (not storable on disk, or the file could not be written; the store counts why).
  struct FlushResult {
    common::Status status;
    int64_t written = 0;
    int64_t lost = 0;
  };
  FlushResult flushToDisk();
  // Removes every in-memory transaction (used at stop when nothing else will send them).
  std::vector<TransactionPtr> takeAll();

  size_t transactionCount() const { return transactions_.size(); }
  int64_t currentBytes() const { return current_bytes_; }
  int64_t maxBytes() const { return max_bytes_; }
  bool hasDiskStorage() const { return storage_ != nullptr; }
  int64_t diskSpaceUsed() const { return storage_ ? storage_->diskSpaceUsed() : 0; }
  size_t diskFileCount() const { return storage_ ? storage_->fileCount() : 0; }

 private:
  std::vector<TransactionPtr> extractFromMemory(int64_t bytes_to_extract);

  std::vector<TransactionPtr> transactions_;
  int64_t current_bytes_ = 0;
  int64_t max_bytes_;
  double flush_ratio_;
  std::unique_ptr<TransactionDiskStorage> storage_;
  ForwarderTelemetry* telemetry_;
};

}  // namespace ddsim::forwarder
