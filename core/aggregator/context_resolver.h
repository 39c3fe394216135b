#pragma once
// Context tracking (spec §2.1, §2.4; the agent's contextResolver): maps a sample's context key to
// its name, host, tags (shared through the tag store), first-seen type, and when it was last
// seen. Two expiry policies wrap it: by timestamp (DogStatsD time samplers) and by commit count
// (check samplers). Not thread-safe: owned by one sampler and used under its lock.
#include <array>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/aggregator/string_interner.h"
#include "core/aggregator/tag_store.h"
#include "core/metrics/context_key.h"
#include "core/metrics/key_map.h"
#include "core/metrics/metric_sample.h"
#include "core/metrics/metric_type.h"
#include "core/metrics/tags.h"

namespace ddsim::aggregator {

using metrics::ContextKey;

struct Context {
  const InternedString* name = nullptr;
  const InternedString* host = nullptr;
  metrics::TagSetPtr tagger_tags;  // may be null (no tags)
  metrics::TagSetPtr metric_tags;  // may be null (no tags)
  int64_t last_seen = 0;           // timestamp (time samplers) or commit count (check samplers)
  metrics::MetricType mtype = metrics::MetricType::kGauge;  // of the first sample
  bool no_index = false;
  metrics::MetricSource source = metrics::MetricSource::kUnknown;

  std::string_view nameView() const { return name ? name->view() : std::string_view(); }
  std::string_view hostView() const { return host ? host->view() : std::string_view(); }
  // Tagger tags then metric tags (spec §1.7).
  metrics::CompositeTags tags() const { return {tagger_tags, metric_tags}; }
};

class ContextResolver {
 public:
  // `store` and `interner` must outlive the resolver; both may be shared with other resolvers
  // used under the same lock.
  ContextResolver(TagStore* store, StringInterner* interner);
  ~ContextResolver();
  ContextResolver(const ContextResolver&) = delete;
  ContextResolver& operator=(const ContextResolver&) = delete;

  // Tracks the sample's context (creating it on first sight) and stamps last_seen. The tag
  // buffers are de-duplicated as the agent does (spec §2.3): tagger tags first, then metric tags.
  ContextKey track(const metrics::MetricSample& s, int64_t stamp);

  const Context* get(ContextKey key) const;
  void remove(ContextKey key);
  size_t size() const { return index_.size(); }
  const std::array<uint64_t, metrics::kNumMetricTypes>& countsByMtype() const { return counts_by_mtype_; }
  // Calls f(key, const Context&) for every context.
  template <typename F>
  void forEach(F&& f) const {
    index_.forEach([&](uint64_t key, uint32_t idx) { f(key, slot(idx)); });
  }
  // Removes every context for which pred(key, const Context&) is true; returns their keys.
  template <typename Pred>
  std::vector<ContextKey> removeIf(Pred&& pred) {
    std::vector<ContextKey> doomed;
    forEach([&](uint64_t key, const Context& c) {
      if (pred(key, c)) doomed.push_back(key);
    });
    for (ContextKey k : doomed) remove(k);
    return doomed;
  }
  // Heap bytes of the index and context slots (not tags or interned strings).
  size_t memoryBytes() const;

 private:
  static constexpr size_t kChunk = 1024;
  Context& slot(uint32_t idx) { return chunks_[idx / kChunk][idx % kChunk]; }
  const Context& slot(uint32_t idx) const { return chunks_[idx / kChunk][idx % kChunk]; }
  uint32_t allocSlot();

  TagStore* store_;
  StringInterner* interner_;
  metrics::KeyGenerator keygen_;
  metrics::HashedTags tagger_buf_;
  metrics::HashedTags metric_buf_;
  metrics::KeyMap<uint32_t> index_;                // context key -> slot index
  std::vector<std::unique_ptr<Context[]>> chunks_;  // stable slots, allocated 1024 at a time
  std::vector<uint32_t> free_;
  uint32_t next_slot_ = 0;
  std::array<uint64_t, metrics::kNumMetricTypes> counts_by_mtype_{};
};

// DogStatsD policy (spec §3.2): contexts expire when last_seen + ttl < now, with a longer ttl
// for counters so they keep reporting zeros.
class TimestampContextResolver {
 public:
  TimestampContextResolver(TagStore* store, StringInterner* interner, int64_t context_expiry_s,
                           int64_t counter_extra_expiry_s)
      : resolver_(store, interner),
        context_expiry_(context_expiry_s),
        counter_expiry_(context_expiry_s + counter_extra_expiry_s) {}

  ContextKey track(const metrics::MetricSample& s, int64_t ts) { return resolver_.track(s, ts); }
  // Returns how many contexts expired.
  size_t expire(int64_t now);
  ContextResolver& resolver() { return resolver_; }
  const ContextResolver& resolver() const { return resolver_; }

 private:
  ContextResolver resolver_;
  int64_t context_expiry_;
  int64_t counter_expiry_;
};

// Check policy (spec §3.3): contexts are stamped with the commit count and dropped on the
// `expire_count_interval`-th commit that did not see them.
class CountBasedContextResolver {
 public:
  CountBasedContextResolver(TagStore* store, StringInterner* interner, int64_t expire_count_interval)
      : resolver_(store, interner), interval_(expire_count_interval) {}

  ContextKey track(const metrics::MetricSample& s) { return resolver_.track(s, expire_count_); }
  // Removes the contexts not seen for `interval` commits and advances the count; returns them.
  std::vector<ContextKey> expire();
  ContextResolver& resolver() { return resolver_; }
  const ContextResolver& resolver() const { return resolver_; }

 private:
  ContextResolver resolver_;
  int64_t interval_;
  int64_t expire_count_ = 0;
};

}  // namespace ddsim::aggregator
