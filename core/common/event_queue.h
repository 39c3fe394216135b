#pragma once
// A timer queue for virtual time: callbacks ordered by time, same-time callbacks in insertion
// order (as Envoy's simulated time does), so a replay is repeatable bit for bit.
// Not thread-safe: owned by one driver thread.
#include <cstdint>
#include <functional>
#include <optional>
#include <queue>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/common/clock.h"

namespace ddsim::common {

class EventQueue {
 public:
  using Callback = std::function<void()>;
  using Id = uint64_t;

  // Schedules cb at time `at`. Returns an id usable with cancel().
  Id schedule(SystemTime at, Callback cb);
  // Cancels a pending event; returns false if it already ran or was cancelled.
  bool cancel(Id id);
  bool empty() const;
  size_t size() const { return heap_.size() - cancelled_.size(); }
  // Time of the earliest pending event.
  std::optional<SystemTime> nextTime() const;
  // Advances `clock` to the earliest event's time and runs it. Returns false when empty.
  bool runNext(ManualClock& clock);
  // Runs every event with time <= end (including ones scheduled while running), then advances
  // the clock to `end`. Returns the number of callbacks run.
  size_t runUntil(ManualClock& clock, SystemTime end);
  // Real time: runs every event due at `now` (time <= now), in order, without touching a clock.
  size_t runDue(SystemTime now);

 private:
  struct Entry {
    SystemTime at;
    uint64_t seq;
    Id id;
    // Min-heap on (at, seq).
    bool operator>(const Entry& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };
  void dropCancelledTop() const;

  mutable std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap_;
  mutable std::unordered_set<Id> cancelled_;
  std::unordered_map<Id, Callback> callbacks_;
  uint64_t next_seq_ = 0;
};

}  // namespace ddsim::common
