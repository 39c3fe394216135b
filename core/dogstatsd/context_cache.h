#pragma once
// A worker's memory of the metric lines it has already resolved (issue 15): from a line's raw
// name and tag field to what the full path makes of them (the final name, the host, the enriched
// tags, the source and the context key). A hit skips tag splitting, special-tag extraction, the
// namespace, the blocklist check and the key hash.
//
// Exactly equivalent to the full path: everything those steps read is either in the cache key
// (the name and tag-field bytes, compared byte for byte, never by hash alone) or fixed for the
// worker's life (the Enricher's options). Lines whose context origin detection could change
// (a `c:` or `e:` field) must not use it; the caller checks.
//
// Bounded: index and entries together never take more than `max_bytes`; once the budget is
// used up, insert() refuses until clear(). The owner clears it on a timer (the context expiry)
// so a long run with changing contexts does not keep stale entries. Views handed out stay valid
// until clear(). Not thread-safe: one per worker.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "core/metrics/metric_source.h"

namespace ddsim::dogstatsd {

// What the full path made of one line's name and tags.
struct CachedContext {
  std::string_view name;                   // after the namespace
  std::string_view host;                   // `host:` tag, default hostname, or "" (serverless)
  std::span<const std::string_view> tags;  // kept tags then dogstatsd_tags
  metrics::MetricSource source = metrics::MetricSource::kDogstatsd;
  uint64_t context_key = 0;                // KeyGenerator::fastKey's answer, 0 when it declined
};

class ContextCache {
 public:
  // max_bytes == 0 disables the cache (find() always misses, insert() refuses).
  explicit ContextCache(size_t max_bytes);
  ~ContextCache();
  ContextCache(const ContextCache&) = delete;
  ContextCache& operator=(const ContextCache&) = delete;

  bool enabled() const { return slot_mask_ != 0; }
  // The lookup hash of a line's raw name and raw tag field.
  static uint64_t hashOf(std::string_view raw_name, std::string_view raw_tags);
  // The entry for exactly these bytes, or null.
  const CachedContext* find(uint64_t hash, std::string_view raw_name, std::string_view raw_tags) const;
  // Hints for a lookup of `hash` that will come soon (a line ahead): start loading its slot;
  // start loading the entry its slot points to (by then the slot should be in cache). With
  // tens of thousands of contexts the slot and the entry are two cache misses per line.
  void prefetchSlot(uint64_t hash) const {
    if (size_ != 0) __builtin_prefetch(&slots_[hash & slot_mask_]);
  }
  void prefetchEntry(uint64_t hash) const {
    if (size_ == 0) return;
    const Slot& s = slots_[hash & slot_mask_];
    if (s.hash == hash && s.entry != nullptr) __builtin_prefetch(s.entry);
  }
  // Remembers a resolution. Every byte `c` points to is copied, except tag views outside
  // `raw_tags`, which must outlive the cache (the Enricher's dogstatsd_tags). False (nothing
  // kept) when the budget is used up or the entry alone is too big.
  bool insert(uint64_t hash, std::string_view raw_name, std::string_view raw_tags, const CachedContext& c,
              double now);
  // Forgets every entry; keeps the memory for reuse, unless it is pinned.
  void clear();
  // Keeps the memory of every entry inserted so far valid for as long as the handle lives:
  // the first clear() after a pin leaves the blocks to their pins (outside max_bytes, freed with
  // the last pin, on whichever thread drops it) and fills new ones; the blocks are never written
  // again. The simulator's sample batches hold a pin and point into entries instead of copying.
  std::shared_ptr<const void> pin() const {
    pinned_since_clear_ = true;
    return blocks_;
  }

  size_t size() const { return size_; }
  // When the oldest entry was inserted (the `now` of the first insert after clear()).
  double born() const { return born_; }
  // Bytes held: the index plus the entry blocks allocated so far (at most max_bytes; the index
  // grows with the entries, up to an eighth of max_bytes).
  size_t memoryBytes() const;

 private:
  struct Entry;
  struct Slot {
    uint64_t hash = 0;
    Entry* entry = nullptr;
  };
  static constexpr size_t kBlockBytes = size_t{64} << 10;
  char* allocate(size_t bytes);
  void grow();  // doubles the index; entries do not move

  std::vector<Slot> slots_;
  size_t slot_mask_ = 0;
  size_t max_entries_ = 0;
  size_t max_blocks_ = 0;
  size_t block_bytes_ = kBlockBytes;
  struct Blocks {
    std::vector<std::unique_ptr<char[]>> list;
  };
  std::shared_ptr<Blocks> blocks_ = std::make_shared<Blocks>();
  mutable bool pinned_since_clear_ = false;  // same thread as the cache, as every member
  size_t block_ = 0;     // index of the block being filled
  size_t block_used_ = 0;
  size_t size_ = 0;
  double born_ = 0;
};

}  // namespace ddsim::dogstatsd
