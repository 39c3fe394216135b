#pragma once
// Storage for the tag views of the samples a worker has parsed but not yet handed to the sink.
// MetricSample::tags is a span, so the views must not move until the sink has been called:
// the arena never reallocates while in use; the owner flushes and reset()s it when it is full.
// Not thread-safe: one per worker.
#include <cassert>
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace ddsim::dogstatsd {

class TagArena {
 public:
  explicit TagArena(size_t capacity = 8192) : slots_(capacity) {}

  size_t capacity() const { return slots_.size(); }
  size_t used() const { return used_; }
  size_t remaining() const { return slots_.size() - used_; }
  // The first free slot; write up to remaining() views there, then commit() how many.
  std::string_view* cursor() { return slots_.data() + used_; }
  std::span<std::string_view> commit(size_t n) {
    assert(n <= remaining());
    std::span<std::string_view> s(slots_.data() + used_, n);
    used_ += n;
    return s;
  }
  // Gives back the slots committed after `mark` (a value of used()). Only when nothing
  // references them.
  void truncate(size_t mark) {
    assert(mark <= used_);
    used_ = mark;
  }
  // The committed slots from `mark` on.
  std::string_view* slotsFrom(size_t mark) { return slots_.data() + mark; }
  // Forgets every view handed out. Only once nothing references them any more.
  void reset() { used_ = 0; }
  // Grows to at least n slots. Only while empty (used() == 0): growing moves the storage.
  void ensureCapacity(size_t n) {
    assert(used_ == 0);
    if (slots_.size() < n) slots_.resize(n);
  }

 private:
  std::vector<std::string_view> slots_;
  size_t used_ = 0;
};

}  // namespace ddsim::dogstatsd
