#include "core/forwarder/forwarder_options.h"

namespace ddsim::forwarder {

std::string_view stopModeName(StopMode m) { return m == StopMode::kDrain ? "drain" : "agent"; }

std::optional<StopMode> parseStopMode(std::string_view s) {
  if (s == "agent") return StopMode::kAgent;
  if (s == "drain") return StopMode::kDrain;
  return std::nullopt;
}

int64_t ForwarderOptions::retryQueueMaxBytes() const {
  // agent behaviour: the new key wins; the deprecated one counts 2 MiB per transaction.
  if (forwarder_retry_queue_payloads_max_size) return *forwarder_retry_queue_payloads_max_size;
  if (forwarder_retry_queue_max_size) return *forwarder_retry_queue_max_size * kDeprecatedRetryQueueItemBytes;
  return kDefaultRetryQueueBytes;
}

std::string ForwarderOptions::storageRoot() const {
  std::string root = forwarder_storage_path;
  if (root.empty()) root = run_path + "/transactions_to_retry";
  return root;
}

common::Status ForwarderOptions::validate() const {
  if (forwarder_num_workers < 1) {
    return common::invalidArgument("forwarder_num_workers must be >= 1, got " +
                                   std::to_string(forwarder_num_workers));
  }
  if (forwarder_high_prio_buffer_size < 0 || forwarder_low_prio_buffer_size < 0 ||
      forwarder_requeue_buffer_size < 0) {
    return common::invalidArgument("forwarder_*_buffer_size must be >= 0");
  }
  if (forwarder_timeout <= common::Duration::zero()) {
    return common::invalidArgument("forwarder_timeout must be > 0");
  }
  if (retryQueueMaxBytes() < 0) return common::invalidArgument("retry queue size must be >= 0");
  if (forwarder_storage_max_size_in_bytes < 0) {
    return common::invalidArgument("forwarder_storage_max_size_in_bytes must be >= 0");
  }
  if (!(forwarder_flush_to_disk_mem_ratio > 0 && forwarder_flush_to_disk_mem_ratio <= 1)) {
    return common::invalidArgument("forwarder_flush_to_disk_mem_ratio must be in (0, 1]");
  }
  if (!(forwarder_storage_max_disk_ratio >= 0 && forwarder_storage_max_disk_ratio <= 1)) {
    return common::invalidArgument("forwarder_storage_max_disk_ratio must be in [0, 1]");
  }
  if (logging_frequency <= 0) return common::invalidArgument("logging_frequency must be > 0");
  return common::Status::ok();
}

}  // namespace ddsim::forwarder
