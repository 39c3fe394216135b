#include "core/common/event_queue.h"

namespace ddsim::common {

EventQueue::Id EventQueue::schedule(SystemTime at, Callback cb) {
  const Id id = next_seq_++;
  heap_.push(Entry{at, id, id});
  callbacks_.emplace(id, std::move(cb));
  return id;
}

bool EventQueue::cancel(Id id) {
  auto it = callbacks_.find(id);
  if (it == callbacks_.end()) return false;
  callbacks_.erase(it);
  cancelled_.insert(id);
  return true;
}

void EventQueue::dropCancelledTop() const {
  while (!heap_.empty()) {
    auto it = cancelled_.find(heap_.top().id);
    if (it == cancelled_.end()) return;
    cancelled_.erase(it);
    heap_.pop();
  }
}

bool EventQueue::empty() const {
  dropCancelledTop();
  return heap_.empty();
}

std::optional<SystemTime> EventQueue::nextTime() const {
  dropCancelledTop();
  if (heap_.empty()) return std::nullopt;
  return heap_.top().at;
}

bool EventQueue::runNext(ManualClock& clock) {
  dropCancelledTop();
  if (heap_.empty()) return false;
  Entry e = heap_.top();
  heap_.pop();
  auto it = callbacks_.find(e.id);
  Callback cb = std::move(it->second);
  callbacks_.erase(it);
  if (e.at > clock.systemNow()) clock.advanceTo(e.at);
  cb();
  return true;
}

size_t EventQueue::runDue(SystemTime now) {
  size_t n = 0;
  while (true) {
    dropCancelledTop();
    if (heap_.empty() || heap_.top().at > now) return n;
    Entry e = heap_.top();
    heap_.pop();
    auto it = callbacks_.find(e.id);
    Callback cb = std::move(it->second);
    callbacks_.erase(it);
    cb();
    ++n;
  }
}

size_t EventQueue::runUntil(ManualClock& clock, SystemTime end) {
  size_t n = 0;
  while (true) {
    auto t = nextTime();
    if (!t || *t > end) break;
    runNext(clock);
    ++n;
  }
  if (end > clock.systemNow()) clock.advanceTo(end);
  return n;
}

}  // namespace ddsim::common
