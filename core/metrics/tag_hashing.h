#pragma once
// Tag buffers with per-tag hashes, and the agent's de-duplication (spec §2.2, §2.3).
// The de-duplication order matters: it decides the order tags are stored and serialized in.
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/metrics/murmur3.h"

namespace ddsim::metrics {

// A list of tags with their murmur3 hashes (the agent's HashingTagsAccumulator). Non-owning:
// the views point into storage the caller keeps alive. Reuse one buffer to avoid allocation.
// Not thread-safe.
class HashedTags {
 public:
  // Inline: called once per tag of every sample.
  void append(std::string_view tag) {
    tags_.push_back(tag);
    hashes_.push_back(murmur3Sum64(tag));
  }
  template <typename Range>
  void appendAll(const Range& tags) {
    for (const auto& t : tags) append(std::string_view(t));
  }
  void clear() {
    tags_.clear();
    hashes_.clear();
  }
  void truncate(size_t n) {
    tags_.resize(n);
    hashes_.resize(n);
  }
  size_t size() const { return tags_.size(); }
  bool empty() const { return tags_.empty(); }
  const std::vector<std::string_view>& tags() const { return tags_; }
  const std::vector<uint64_t>& hashes() const { return hashes_; }
  std::vector<std::string_view>& mutableTags() { return tags_; }
  std::vector<uint64_t>& mutableHashes() { return hashes_; }
  // XOR of the per-tag hashes of the current content (spec §2.2).
  uint64_t xorHash() const {
    uint64_t h = 0;
    for (uint64_t x : hashes_) h ^= x;
    return h;
  }
  // Sorts by (hash, string) and removes duplicates (the agent's SortUniq).
  void sortUniq();
  // Removes from this (sorted, unique) buffer every tag present in `other` (sorted, unique),
  // filling holes by moving the last element in (the agent's removeSorted).
  void removeSorted(const HashedTags& other);

 private:
  std::vector<std::string_view> tags_;
  std::vector<uint64_t> hashes_;
};

// The agent's HashGenerator: de-duplicates tag buffers in place without allocating.
// Not thread-safe: one per sampler.
class TagDeduper {
 public:
  TagDeduper();
  // De-duplicates `buf` and returns the XOR hash of its distinct tags (HashGenerator.Hash).
  uint64_t dedupAndHash(HashedTags& buf);
  // De-duplicates l and r across both (Dedup2, spec §2.3): r loses tags present in l.
  void dedup2(HashedTags& l, HashedTags& r);

 private:
  // Up to this many tags in both buffers, all-distinct hashes are checked pairwise first: then
  // nothing can be a duplicate and every strategy below would leave both buffers as they are.
  static constexpr size_t kPairwiseSize = 8;
  static constexpr size_t kHashSetSize = 512;
  static constexpr size_t kBruteForceSize = 4;
  static constexpr int16_t kBlank = -1;
  size_t hashSetSizeFor(size_t n) const;
  static bool allHashesDistinct(const HashedTags& l, const HashedTags& r);

  std::array<uint64_t, kHashSetSize> seen_{};
  std::array<int16_t, kHashSetSize> seen_idx_{};
  HashedTags empty_;
};

// Byte-wise lexicographic sort + uniq (pkg/util/sort.UniqInPlace): check sample tags, service
// check and event tags (spec §2.3).
template <typename Str>
void sortUniqInPlace(std::vector<Str>& tags);

}  // namespace ddsim::metrics

#include <algorithm>

namespace ddsim::metrics {
template <typename Str>
void sortUniqInPlace(std::vector<Str>& tags) {
  std::sort(tags.begin(), tags.end());
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
}
}  // namespace ddsim::metrics
