#include "fakeintake/store/payload_store.h"

#include <algorithm>

namespace ddsim::fakeintake {

using common::Result;
using common::Status;
using common::StatusCode;

void PayloadStore::evictFrontLocked(std::vector<StoredPayloadPtr>* keep) {
  StoredPayloadPtr p = std::move(order_.front());
  order_.pop_front();
  auto it = by_route_.find(p->route);
  if (it != by_route_.end()) {
    // Per-route deques are in id order too, so the globally oldest is the route's oldest.
    if (!it->second.empty() && it->second.front()->id == p->id) it->second.pop_front();
    if (it->second.empty()) by_route_.erase(it);
  }
  stats_.memory_bytes -= p->memory_bytes;
  --stats_.payloads;
  if (keep != nullptr) keep->push_back(std::move(p));
}

size_t PayloadStore::expireLocked(common::SystemTime now, std::vector<StoredPayloadPtr>* keep) {
  if (options_.retention.count() <= 0) return 0;
  const auto cutoff = now - std::chrono::duration_cast<common::SystemTime::duration>(options_.retention);
  size_t n = 0;
  while (!order_.empty() && order_.front()->received < cutoff) {
    evictFrontLocked(keep);
    ++n;
  }
  stats_.evicted_retention += n;
  return n;
}

Result<uint64_t> PayloadStore::add(StoredPayload p, common::SystemTime now) {
  return add(std::make_shared<StoredPayload>(std::move(p)), now);
}

Result<uint64_t> PayloadStore::add(const std::shared_ptr<StoredPayload>& p, common::SystemTime now,
                                   std::vector<StoredPayloadPtr>* evicted) {
  p->memory_bytes = p->estimateMemory();
  std::vector<StoredPayloadPtr> dropped;  // freed after the lock, unless the caller takes them
  std::vector<StoredPayloadPtr>* keep = evicted != nullptr ? evicted : &dropped;
  std::lock_guard lock(mu_);
  expireLocked(now, keep);
  if (options_.max_memory_bytes > 0 && p->memory_bytes > options_.max_memory_bytes && !options_.keep_oversized) {
    ++stats_.rejected_too_large;
    return Status(StatusCode::kOutOfRange,
                  "payload needs " + std::to_string(p->memory_bytes) +
                      " bytes of store memory, more than the whole cap of " +
                      std::to_string(options_.max_memory_bytes));
  }
  while (options_.max_memory_bytes > 0 && !order_.empty() &&
         stats_.memory_bytes + p->memory_bytes > options_.max_memory_bytes) {
    evictFrontLocked(keep);
    ++stats_.evicted_memory;
  }
  p->id = next_id_++;
  StoredPayloadPtr ptr = p;
  stats_.memory_bytes += ptr->memory_bytes;
  ++stats_.payloads;
  ++stats_.stored_total;
  by_route_[ptr->route].push_back(ptr);
  order_.push_back(std::move(ptr));
  return next_id_ - 1;
}

std::vector<StoredPayloadPtr> PayloadStore::query(const PayloadQuery& q, common::SystemTime now) {
  std::lock_guard lock(mu_);
  expireLocked(now);
  std::vector<StoredPayloadPtr> out;
  auto it = by_route_.find(q.route);
  if (it == by_route_.end()) return out;
  const auto& d = it->second;
  auto start = std::upper_bound(d.begin(), d.end(), q.after_id,
                                [](uint64_t id, const StoredPayloadPtr& p) { return id < p->id; });
  for (auto i = start; i != d.end(); ++i) {
    if (q.since && (*i)->received < *q.since) continue;
    out.push_back(*i);
    if (q.limit > 0 && out.size() >= q.limit) break;
  }
  return out;
}

std::vector<StoredPayloadPtr> PayloadStore::all(uint64_t after_id, common::SystemTime now) {
  std::lock_guard lock(mu_);
  expireLocked(now);
  auto start = std::upper_bound(order_.begin(), order_.end(), after_id,
                                [](uint64_t id, const StoredPayloadPtr& p) { return id < p->id; });
  return std::vector<StoredPayloadPtr>(start, order_.end());
}

size_t PayloadStore::expire(common::SystemTime now) {
  std::lock_guard lock(mu_);
  return expireLocked(now);
}

void PayloadStore::clear() {
  std::lock_guard lock(mu_);
  stats_.flushed += order_.size();
  order_.clear();
  by_route_.clear();
  stats_.memory_bytes = 0;
  stats_.payloads = 0;
}

std::map<std::string, size_t> PayloadStore::countsByRoute() const {
  std::lock_guard lock(mu_);
  std::map<std::string, size_t> out;
  for (const auto& [route, d] : by_route_) {
    if (!d.empty()) out[route] = d.size();
  }
  return out;
}

StoreStats PayloadStore::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

uint64_t PayloadStore::lastId() const {
  std::lock_guard lock(mu_);
  return next_id_ - 1;
}

std::optional<common::SystemTime> PayloadStore::nextExpiry() const {
  std::lock_guard lock(mu_);
  if (order_.empty() || options_.retention.count() <= 0) return std::nullopt;
  return order_.front()->received +
         std::chrono::duration_cast<common::SystemTime::duration>(options_.retention);
}

}  // namespace ddsim::fakeintake
