#pragma once
// Reference-counted string interning for context names and hosts: contexts sharing a name keep
// one copy. Not thread-safe: one per sampler (or per aggregator), used under its owner's lock.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ddsim::aggregator {

struct InternedString {
  std::string value;
  uint32_t refs = 0;
};

class StringInterner {
 public:
  // Returns the shared copy of `s` with one more reference. Never null.
  const InternedString* acquire(std::string_view s);
  // Drops one reference; the string is freed with its last reference. p must come from acquire().
  void release(const InternedString* p);
  size_t size() const { return map_.size(); }

 private:
  // Keys view into the owned InternedString, which never moves.
  std::unordered_map<std::string_view, std::unique_ptr<InternedString>> map_;
};

}  // namespace ddsim::aggregator
