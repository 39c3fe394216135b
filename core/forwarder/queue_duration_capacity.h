#pragma once
// How long the retry queues could absorb an outage at the current input rate (spec §6.11:
// datadog.agent.retry_queue_duration.{capacity_secs,bytes_per_sec,capacity_bytes}; agent
// queue_duration_capacity.go + time_interval_accumulator.go). Input bytes per domain are summed
// in 10 s buckets over forwarder_retry_queue_capacity_time_interval_sec; a domain's capacity
// is (its share of the free disk space + the memory budget) / its input rate. Not thread-safe.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/common/clock.h"
#include "core/common/status.h"
#include "core/forwarder/disk_usage.h"

namespace ddsim::forwarder {

// Sums values over a sliding window of whole-second buckets.
class TimeIntervalAccumulator {
 public:
  // InvalidArgument unless bucket >= 1 s and history >= bucket.
  static common::Result<TimeIntervalAccumulator> create(common::Duration history, common::Duration bucket);
  void add(int64_t unix_seconds, int64_t value);
  // The sum over the window and the window's length in seconds (from its start to `unix_seconds`,
  // inclusive).
  std::pair<int64_t, int64_t> sumAndSeconds(int64_t unix_seconds) const;

 private:
  TimeIntervalAccumulator(size_t buckets, int64_t bucket_seconds)
      : buckets_(buckets, 0), bucket_seconds_(bucket_seconds) {}
  std::vector<int64_t> buckets_;
  int64_t bucket_seconds_;
  size_t current_ = 0;
  std::optional<int64_t> current_start_, window_start_;
  int64_t sum_ = 0;
};

struct QueueCapacityStats {
  int64_t capacity_seconds = 0;  // truncated, as the agent's time.Duration(x) * time.Second
  double bytes_per_second = 0;
  int64_t available_bytes = 0;
};

class QueueDurationCapacity {
 public:
  // `disk` may be null (no disk storage); it must outlive this object.
  QueueDurationCapacity(common::Duration history, common::Duration bucket, int64_t max_memory_bytes,
                        const DiskUsageLimit* disk);

  void onTransaction(const std::string& domain, size_t payload_bytes, common::SystemTime now);
  // Per domain with a non-zero input rate. Fails when the disk usage cannot be read.
  common::Result<std::map<std::string, QueueCapacityStats>> computeCapacity(common::SystemTime now) const;

 private:
  common::Duration history_, bucket_;
  int64_t max_memory_bytes_;
  const DiskUsageLimit* disk_;
  std::map<std::string, TimeIntervalAccumulator> accumulators_;
};

}  // namespace ddsim::forwarder
