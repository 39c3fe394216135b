#pragma once
// The tag store (spec §2.4): contexts with the same tag set share one immutable TagSet, keyed by
// the set's XOR hash and reference-counted by contexts. Shrink() (after each flush) frees sets
// no context references. Disabled (aggregator_use_tags_store: false), every context gets its
// own copy. Not thread-safe: one per time sampler, one shared by the check samplers, each used
// under its owner's lock.
#include <cstdint>

#include "core/common/counters.h"
#include "core/metrics/key_map.h"
#include "core/metrics/tag_hashing.h"
#include "core/metrics/tags.h"

namespace ddsim::aggregator {

class TagStore {
 public:
  explicit TagStore(bool enabled = true) : enabled_(enabled) {}

  // The shared set for these (de-duplicated) tags, with one more reference; null for no tags.
  // agent behaviour: keyed by hash only, so the first inserted order of a set is the one every
  // later context with that set gets.
  metrics::TagSetPtr insert(uint64_t key, const metrics::HashedTags& tags);
  // Drops one context reference taken by insert().
  void release(const metrics::TagSetPtr& set);
  // Frees unreferenced sets; rebuilds the table when it fell under half its peak.
  void shrink();

  bool enabled() const { return enabled_; }
  size_t entries() const { return map_.size(); }

  struct Stats {
    int64_t hits = 0;
    int64_t misses = 0;
    int64_t entries = 0;
    int64_t max_entries = 0;     // peak since the last rebuild (the agent's cap)
    int64_t tagset_min_tags = 0;  // as of the last shrink
    int64_t tagset_max_tags = 0;
    int64_t tagset_sum_tags = 0;
    int64_t tagset_sum_tags_bytes = 0;
  };
  Stats stats() const;
  // Adds "aggregator_tags_store.<stat>.<name>" entries.
  void exportTelemetry(const std::string& name, common::TelemetrySnapshot& out) const;

 private:
  struct Entry {
    metrics::TagSetPtr set;
    uint64_t refs = 0;
  };
  bool enabled_;
  metrics::KeyMap<Entry> map_;
  int64_t cap_ = 0;
  Stats stats_;
};

}  // namespace ddsim::aggregator
