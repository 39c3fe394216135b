#pragma once
// Tags as the aggregator stores and the serializer reads them.
// A TagSet is immutable and shared: the tag store hands the same set to every context with the
// same tags, and flushed series reference it instead of copying strings.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ddsim::metrics {

struct TagSet {
  std::vector<std::string> tags;
  uint64_t hash = 0;  // XOR of the per-tag hashes (spec §2.2); 0 when unknown/empty
};

// shared_ptr: a tag set is shared by every context that has it and by the series flushed from
// them, which outlive the flush that produced them (they travel to the serializer).
using TagSetPtr = std::shared_ptr<const TagSet>;

TagSetPtr makeTagSet(std::vector<std::string> tags, uint64_t hash = 0);

// Two tag slices iterated in order: tagger (origin) tags, then metric tags (spec §1.7).
struct CompositeTags {
  TagSetPtr first;   // tagger tags (may be null)
  TagSetPtr second;  // metric tags (may be null)

  CompositeTags() = default;
  CompositeTags(TagSetPtr a, TagSetPtr b) : first(std::move(a)), second(std::move(b)) {}
  // Convenience for tests and check senders: a single owned slice.
  static CompositeTags of(std::vector<std::string> tags);

  size_t size() const {
    return (first ? first->tags.size() : 0) + (second ? second->tags.size() : 0);
  }
  bool empty() const { return size() == 0; }
  template <typename F>
  void forEach(F&& f) const {
    if (first) for (const auto& t : first->tags) f(std::string_view(t));
    if (second) for (const auto& t : second->tags) f(std::string_view(t));
  }
  std::vector<std::string> toVector() const;
};

}  // namespace ddsim::metrics
