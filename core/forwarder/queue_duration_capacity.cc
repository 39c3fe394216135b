#include "core/forwarder/queue_duration_capacity.h"

#include <algorithm>

namespace ddsim::forwarder {

common::Result<TimeIntervalAccumulator> TimeIntervalAccumulator::create(common::Duration history,
                                                                       common::Duration bucket) {
  const auto bucket_s = std::chrono::duration_cast<std::chrono::seconds>(bucket).count();
  const auto history_s = std::chrono::duration_cast<std::chrono::seconds>(history).count();
  if (bucket_s <= 0) return common::invalidArgument("the bucket duration must be at least one second");
  if (history_s < bucket_s) return common::invalidArgument("the history must be at least one bucket long");
  return TimeIntervalAccumulator(static_cast<size_t>(history_s / bucket_s), bucket_s);
}

void TimeIntervalAccumulator::add(int64_t t, int64_t value) {
  if (!window_start_) {
    window_start_ = t;
    current_start_ = t;
  }
  const auto span = static_cast<int64_t>(buckets_.size()) * bucket_seconds_;
  // Move to the bucket that holds `t`, clearing the buckets that fall out of the window.
  while (t >= *current_start_ + bucket_seconds_) {
    current_ = (current_ + 1) % buckets_.size();
    sum_ -= buckets_[current_];
    buckets_[current_] = 0;
    *current_start_ += bucket_seconds_;
    if (*current_start_ >= *window_start_ + span) *window_start_ += bucket_seconds_;
  }
  buckets_[current_] += value;
  sum_ += value;
}

std::pair<int64_t, int64_t> TimeIntervalAccumulator::sumAndSeconds(int64_t t) const {
  if (!window_start_) return {0, 0};
  return {sum_, t - *window_start_ + 1};
}

QueueDurationCapacity::QueueDurationCapacity(common::Duration history, common::Duration bucket,
                                             int64_t max_memory_bytes, const DiskUsageLimit* disk)
    : history_(history), bucket_(bucket), max_memory_bytes_(max_memory_bytes), disk_(disk) {}

void QueueDurationCapacity::onTransaction(const std::string& domain, size_t payload_bytes, common::SystemTime now) {
  auto it = accumulators_.find(domain);
  if (it == accumulators_.end()) {
    auto acc = TimeIntervalAccumulator::create(history_, bucket_);
    if (!acc.isOk()) return;
    it = accumulators_.emplace(domain, std::move(acc).value()).first;
  }
  it->second.add(common::toUnixSecondsInt(now), static_cast<int64_t>(payload_bytes));
}

common::Result<std::map<std::string, QueueCapacityStats>> QueueDurationCapacity::computeCapacity(
    common::SystemTime now) const {
  int64_t disk_space = 0;
  if (disk_) {
    auto space = disk_->availableSpace(0);
    if (!space.isOk()) return space.status();
    disk_space = std::max<int64_t>(*space, 0);
  }
  const int64_t t = common::toUnixSecondsInt(now);
  std::map<std::string, double> rate;
  double total = 0;
  for (const auto& [domain, acc] : accumulators_) {
    const auto [bytes, seconds] = acc.sumAndSeconds(t);
    const double r = seconds > 0 ? static_cast<double>(bytes) / static_cast<double>(seconds) : 0;
    rate[domain] = r;
    total += r;
  }
  std::map<std::string, QueueCapacityStats> out;
  for (const auto& [domain, r] : rate) {
    if (r <= 0) continue;
    // A domain gets the disk in proportion to its share of the input, plus its memory budget.
    const double available = static_cast<double>(disk_space) * (r / total) + static_cast<double>(max_memory_bytes_);
    out[domain] = {static_cast<int64_t>(available / r), r, static_cast<int64_t>(available)};
  }
  return out;
}

}  // namespace ddsim::forwarder
