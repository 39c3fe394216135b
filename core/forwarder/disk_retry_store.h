#pragma once
// The on-disk part of a domain's retry queue (spec §6.7, on_disk_retry_queue.go): batches of
// transactions written as one file when the memory queue overflows and at stop, read back LIFO
// when the memory queue is empty, reloaded at start. Files use ddsim's own format
// (transaction_codec.h). A corrupt or truncated file is skipped and counted, never fatal.
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "core/common/clock.h"
#include "core/common/random.h"
#include "core/common/status.h"
#include "core/forwarder/disk_usage.h"
#include "core/forwarder/forwarder_telemetry.h"
#include "core/forwarder/retry_files.h"
#include "core/forwarder/transaction.h"
#include "core/forwarder/transaction_codec.h"

namespace ddsim::forwarder {

// What the memory retry queue needs from a disk store. Not thread-safe: the retry queue's
// owner serialises calls.
class TransactionDiskStorage {
 public:
  virtual ~TransactionDiskStorage() = default;
  // Writes the batch as one file (transactions that are not storable are dropped and counted).
  // On failure the batch is lost; the store counts it (DropReason::kDiskStoreFailed).
  virtual common::Status store(std::vector<TransactionPtr> batch) = 0;
  // The most recently written file's transactions (the file is deleted), or empty when there
  // is none. A file that cannot be read or decoded is deleted, counted, and reported as an error.
  virtual common::Result<std::vector<TransactionPtr>> extractLast() = 0;
  virtual int64_t diskSpaceUsed() const = 0;
  virtual size_t fileCount() const = 0;
};

class DiskRetryStore final : public TransactionDiskStorage {
 public:
  struct Deps {
    common::Clock& clock;
    common::Random random;              // file name suffixes
    ForwarderTelemetry& telemetry;
    std::atomic<uint64_t>& transaction_ids;
  };
  // Opens (creating, 0700) `folder` and reloads the *.retry files already there, oldest first.
  static common::Result<std::unique_ptr<DiskRetryStore>> open(std::string folder, std::string domain,
                                                             std::vector<std::string> api_keys,
                                                             DiskUsageLimit limit, Deps deps);

  common::Status store(std::vector<TransactionPtr> batch) override;
  common::Result<std::vector<TransactionPtr>> extractLast() override;
  int64_t diskSpaceUsed() const override { return current_size_; }
  size_t fileCount() const override { return files_.size(); }
  const std::string& folder() const { return folder_; }

 private:
  DiskRetryStore(std::string folder, std::string domain, std::vector<std::string> api_keys, DiskUsageLimit limit,
                 Deps deps);
  common::Status reload();
  common::Status makeRoomFor(int64_t size);
  common::Status removeFileAt(size_t index);
  std::string newFileName();

  std::string folder_;
  std::string domain_;
  TransactionCodec codec_;
  DiskUsageLimit limit_;
  Deps deps_;
  std::vector<std::string> files_;  // oldest first
  int64_t current_size_ = 0;
  uint64_t file_seq_ = 0;
};

}  // namespace ddsim::forwarder
