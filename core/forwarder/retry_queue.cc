#include "core/forwarder/retry_queue.h"

#include <algorithm>

namespace ddsim::forwarder {

RetryQueue::RetryQueue(int64_t max_bytes, double flush_to_disk_mem_ratio,
                       std::unique_ptr<TransactionDiskStorage> storage, ForwarderTelemetry& telemetry)
    : max_bytes_(max_bytes), flush_ratio_(flush_to_disk_mem_ratio), storage_(std::move(storage)),
      telemetry_(&telemetry) {}

std::vector<TransactionPtr> RetryQueue::extractFromMemory(int64_t bytes_to_extract) {
  std::sort(transactions_.begin(), transactions_.end(),
            [](const TransactionPtr& a, const TransactionPtr& b) { return dropOrderLess(*a, *b); });
  size_t i = 0;
  int64_t extracted_bytes = 0;
  for (; i < transactions_.size() && extracted_bytes < bytes_to_extract; ++i) {
    extracted_bytes += static_cast<int64_t>(transactions_[i]->payloadSize());
  }
  std::vector<TransactionPtr> out(std::make_move_iterator(transactions_.begin()),
                                  std::make_move_iterator(transactions_.begin() + static_cast<std::ptrdiff_t>(i)));
  transactions_.erase(transactions_.begin(), transactions_.begin() + static_cast<std::ptrdiff_t>(i));
  current_bytes_ -= extracted_bytes;
  return out;
}

RetryQueue::AddResult RetryQueue::add(TransactionPtr t) {
  AddResult result;
  const int64_t size = static_cast<int64_t>(t->payloadSize());
  if (storage_) {
    const auto flush_bytes = static_cast<int64_t>(static_cast<double>(max_bytes_) * flush_ratio_);
    while (current_bytes_ + size > max_bytes_ && !transactions_.empty()) {
      auto batch = extractFromMemory(flush_bytes);
      if (batch.empty()) break;
      if (auto st = storage_->store(std::move(batch)); !st.isOk() && result.disk_status.isOk()) {
        result.disk_status = st;
      }
    }
  }
  const int64_t excess = current_bytes_ + size - max_bytes_;
  if (excess > 0) {
    result.evicted = extractFromMemory(excess);
    int64_t points = 0;
    for (const auto& e : result.evicted) points += e->pointCount();
    telemetry_->onPointsDropped(points);
  }
  transactions_.push_back(std::move(t));
  current_bytes_ += size;
  return result;
}

common::Result<std::vector<TransactionPtr>> RetryQueue::extractTransactions() {
  std::vector<TransactionPtr> out;
  if (!transactions_.empty()) {
    out = std::move(transactions_);
    transactions_.clear();
  } else if (storage_) {
    auto from_disk = storage_->extractLast();
    if (!from_disk.isOk()) return from_disk.status();
    out = std::move(from_disk).value();
  }
  current_bytes_ = 0;
  return out;
}

RetryQueue::FlushResult RetryQueue::flushToDisk() {
  FlushResult r;
  if (!storage_) return r;
  auto batch = extractFromMemory(max_bytes_);
  if (batch.empty()) return r;
  int64_t storable = 0;
  for (const auto& t : batch) storable += t->storable_on_disk ? 1 : 0;
  const auto total = static_cast<int64_t>(batch.size());
  r.status = storage_->store(std::move(batch));
  r.written = r.status.isOk() ? storable : 0;
  r.lost = total - r.written;
  return r;
}

std::vector<TransactionPtr> RetryQueue::takeAll() {
  std::vector<TransactionPtr> out = std::move(transactions_);
  transactions_.clear();
  current_bytes_ = 0;
  return out;
}

}  // namespace ddsim::forwarder
