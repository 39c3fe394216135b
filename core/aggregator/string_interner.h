#pragma once
// Reference-counted string interning for context names and hosts: contexts sharing a name keep
// one copy. Each distinct string is one allocation (header + characters) indexed by its
// murmur3 hash. Not thread-safe: one per sampler (or per aggregator), used under its owner's
// lock.
#include <cstdint>
#include <string_view>

#include "core/metrics/key_map.h"

namespace ddsim::aggregator {

class InternedString {
 public:
  std::string_view view() const { return {reinterpret_cast<const char*>(this + 1), len_}; }
  uint32_t refs() const { return refs_; }

 private:
  friend class StringInterner;
  InternedString(InternedString* next, uint32_t len) : next_(next), len_(len) {}
  InternedString* next_;  // strings whose hash collides
  uint32_t refs_ = 0;
  uint32_t len_;
  // the characters follow the header
};

class StringInterner {
 public:
  StringInterner() = default;
  ~StringInterner();
  StringInterner(const StringInterner&) = delete;
  StringInterner& operator=(const StringInterner&) = delete;

  // Returns the shared copy of `s` with one more reference. Never null.
  const InternedString* acquire(std::string_view s);
  // Drops one reference; the string is freed with its last reference. p must come from acquire()
  // (null is ignored).
  void release(const InternedString* p);
  size_t size() const { return size_; }

 private:
  metrics::KeyMap<InternedString*> by_hash_;  // hash -> collision chain
  size_t size_ = 0;
};

}  // namespace ddsim::aggregator
