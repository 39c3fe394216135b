#pragma once
// The in-memory payload store: payloads per route in arrival order, with retention (default
// 15 min, as the agent fakeintake) and a memory cap that evicts the oldest payloads first.
// Every eviction is counted by reason. Thread-safe: one mutex; queries copy pointers under it.
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/common/clock.h"
#include "core/common/status.h"
#include "fakeintake/store/stored_payload.h"

namespace ddsim::fakeintake {

struct StoreOptions {
  std::chrono::nanoseconds retention = std::chrono::minutes(15);
  size_t max_memory_bytes = size_t{1} << 30;  // 0 = no cap
  // A payload larger than the whole cap: false refuses it (kOutOfRange); true keeps it alone
  // (everything else is evicted), for intakes that answered before storing.
  bool keep_oversized = false;
};

struct StoreStats {
  size_t payloads = 0;
  size_t memory_bytes = 0;
  uint64_t stored_total = 0;
  uint64_t evicted_retention = 0;
  uint64_t evicted_memory = 0;
  uint64_t rejected_too_large = 0;  // a single payload larger than the whole cap
  uint64_t flushed = 0;
};

struct PayloadQuery {
  std::string route;                         // exact path
  uint64_t after_id = 0;                     // cursor: only ids > after_id
  std::optional<common::SystemTime> since;   // only received >= since
  size_t limit = 0;                          // 0 = all
};

class PayloadStore {
 public:
  explicit PayloadStore(StoreOptions options) : options_(options) {}

  // Stores `p` (assigning its id and memory size), after dropping expired payloads and
  // evicting the oldest ones until it fits the cap. OutOfRange when `p` alone is larger than
  // the cap (nothing is evicted then).
  common::Result<uint64_t> add(StoredPayload p, common::SystemTime now);
  // The same for a payload the caller shares (with the run store's writer thread): its id and
  // memory size are set here, before the store publishes it; it must not be changed afterwards.
  // With `evicted`, the payloads it drops are moved there instead of freed here, so the caller
  // can free them later (the intake, after it has answered).
  common::Result<uint64_t> add(const std::shared_ptr<StoredPayload>& p, common::SystemTime now,
                               std::vector<StoredPayloadPtr>* evicted = nullptr);
  // Payloads of a route matching `q`, oldest first. Drops expired payloads first.
  std::vector<StoredPayloadPtr> query(const PayloadQuery& q, common::SystemTime now);
  // Every stored payload (all routes) with id > after_id, oldest first.
  std::vector<StoredPayloadPtr> all(uint64_t after_id, common::SystemTime now);
  // Drops payloads received before now - retention. Returns how many.
  size_t expire(common::SystemTime now);
  // Deletes everything (counted as flushed).
  void clear();
  // Stored payload count per route (routes with none are omitted).
  std::map<std::string, size_t> countsByRoute() const;
  StoreStats stats() const;
  // Id of the newest payload ever stored (0 before the first).
  uint64_t lastId() const;
  // The time of the next retention expiry, if anything is stored.
  std::optional<common::SystemTime> nextExpiry() const;

 private:
  // Both move what they drop into `keep` when given, else free it at once.
  size_t expireLocked(common::SystemTime now, std::vector<StoredPayloadPtr>* keep = nullptr);
  void evictFrontLocked(std::vector<StoredPayloadPtr>* keep = nullptr);

  const StoreOptions options_;
  mutable std::mutex mu_;
  std::deque<StoredPayloadPtr> order_;  // all payloads, oldest first
  std::unordered_map<std::string, std::deque<StoredPayloadPtr>> by_route_;
  uint64_t next_id_ = 1;
  StoreStats stats_;
};

}  // namespace ddsim::fakeintake
